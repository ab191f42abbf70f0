/**
 * Weight-name sets for the transformer layers in `src/onnx/nn/`: each layer is parameterised by the names of
 * its tensors, so one implementation serves OpenAI CLIP, Hugging Face CLIP and OWL-ViT checkpoints.
 */

export interface LayerNormNames {
  readonly weight: string;
  readonly bias: string;
}

/** A torch `LayerNorm` module's parameter names: `<prefix>.weight`, `<prefix>.bias`. */
export function layerNormNames(prefix: string): LayerNormNames {
  return { weight: `${prefix}.weight`, bias: `${prefix}.bias` };
}

export interface LinearNames {
  readonly weight: string;
  readonly bias?: string;
  /**
   * "out_in" (default): a torch `nn.Linear` weight [out, in]. "in_out": a matrix used as `x @ W` ([in, out]),
   * e.g. OpenAI CLIP's `text_projection` and `visual.proj`.
   */
  readonly layout?: "out_in" | "in_out";
}

/** A torch `nn.Linear` (with bias) module's parameter names: `<prefix>.weight` [out, in], `<prefix>.bias`. */
export function linearNames(prefix: string): LinearNames {
  return { weight: `${prefix}.weight`, bias: `${prefix}.bias` };
}

/** Attention input projections: fused (OpenAI `in_proj_weight` [3W, W]) or separate q/k/v (Hugging Face). */
export type QkvNames =
  | { readonly qkv: LinearNames }
  | { readonly q: LinearNames; readonly k: LinearNames; readonly v: LinearNames };

/** One pre-LN residual attention block (CLIP `ResidualAttentionBlock`, HF `CLIPEncoderLayer`). */
export interface BlockNames {
  readonly ln1: LayerNormNames;
  readonly attention: QkvNames;
  readonly out: LinearNames;
  readonly ln2: LayerNormNames;
  /** MLP up-projection (`c_fc` / `fc1`). */
  readonly fc: LinearNames;
  /** MLP down-projection (`c_proj` / `fc2`). */
  readonly proj: LinearNames;
}
