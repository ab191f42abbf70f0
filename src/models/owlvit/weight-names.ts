/**
 * Where each OWL-ViT parameter lives in a Hugging Face `OwlViTForObjectDetection` checkpoint
 * (`owlvit.text_model.*`, `owlvit.vision_model.*`, `class_head.*`, `box_head.*`, `layer_norm.*`), as the name
 * sets the shared transformer layers (`src/onnx/nn/`) take.
 */
import {
  type BlockNames,
  type LayerNormNames,
  type LinearNames,
  layerNormNames,
  linearNames,
} from "../../onnx/nn/names.js";
import { hfEncoderLayers } from "../clip/weight-names.js";

export interface OwlVitTextNames {
  readonly tokenEmbedding: string;
  readonly positionEmbedding: string;
  readonly blocks: readonly BlockNames[];
  readonly finalLayerNorm: LayerNormNames;
  /** nn.Linear(width, projection_dim, bias=False). */
  readonly projection: LinearNames;
}

export interface OwlVitVisionNames {
  /** Conv2d(3, width, patch, stride patch, bias=False). */
  readonly patchEmbedding: string;
  readonly classEmbedding: string;
  readonly positionEmbedding: string;
  readonly preLayerNorm: LayerNormNames;
  readonly blocks: readonly BlockNames[];
  readonly postLayerNorm: LayerNormNames;
}

export interface OwlVitHeadNames {
  /** The detection model's own LayerNorm over `tokens[1:] * tokens[0]`. */
  readonly layerNorm: LayerNormNames;
  readonly classDense0: LinearNames;
  readonly logitShift: LinearNames;
  readonly logitScale: LinearNames;
  readonly boxDense0: LinearNames;
  readonly boxDense1: LinearNames;
  readonly boxDense2: LinearNames;
}

export interface OwlVitNames {
  readonly text: OwlVitTextNames;
  readonly vision: OwlVitVisionNames;
  readonly heads: OwlVitHeadNames;
}

/** The tensor every OWL-ViT detection checkpoint has; used to recognise one. */
export const OWLVIT_MARKER_TENSOR = "owlvit.vision_model.embeddings.patch_embedding.weight";

const ln = layerNormNames;
const dense = linearNames;

/** The name sets of a checkpoint with `textLayers` and `visionLayers` encoder layers. */
export function owlVitNames(textLayers: number, visionLayers: number): OwlVitNames {
  const t = "owlvit.text_model";
  const v = "owlvit.vision_model";
  return {
    text: {
      tokenEmbedding: `${t}.embeddings.token_embedding.weight`,
      positionEmbedding: `${t}.embeddings.position_embedding.weight`,
      // `OwlViTEncoderLayer` has Hugging Face `CLIPEncoderLayer`'s names.
      blocks: hfEncoderLayers(t, textLayers),
      finalLayerNorm: ln(`${t}.final_layer_norm`),
      projection: { weight: "owlvit.text_projection.weight" },
    },
    vision: {
      patchEmbedding: `${v}.embeddings.patch_embedding.weight`,
      classEmbedding: `${v}.embeddings.class_embedding`,
      positionEmbedding: `${v}.embeddings.position_embedding.weight`,
      // OWL-ViT spells it "pre_layernorm" (Hugging Face CLIP: "pre_layrnorm").
      preLayerNorm: ln(`${v}.pre_layernorm`),
      blocks: hfEncoderLayers(v, visionLayers),
      postLayerNorm: ln(`${v}.post_layernorm`),
    },
    heads: {
      layerNorm: ln("layer_norm"),
      classDense0: dense("class_head.dense0"),
      logitShift: dense("class_head.logit_shift"),
      logitScale: dense("class_head.logit_scale"),
      boxDense0: dense("box_head.dense0"),
      boxDense1: dense("box_head.dense1"),
      boxDense2: dense("box_head.dense2"),
    },
  };
}
