/**
 * Region–class cosines as one MatMul in ONNX Runtime: unit region features [R, D] and unit class embeddings
 * [K, D] → [R, K]. No weights (the vocabulary is an input, fixed per localizer); always float32. With the
 * 1,203 LVIS classes at D = 1024 and 1,000 RoIs this is 1.2 G multiply-adds per image, ≈ 1 s in a JS loop.
 */
import { GraphBuilder, type OnnxModel } from "../../onnx/graph-builder.js";
import type { OnnxSession } from "../../onnx/session.js";

/** `features @ classesᵀ` for embedding width `dim`. */
export function buildCosineModel(dim: number): OnnxModel {
  const g = new GraphBuilder("regionclip_cosines");
  const features = g.input("unit_features", "float32", ["rois", dim]);
  const classes = g.input("unit_classes", "float32", ["classes", dim]);
  const transposed = g.node("Transpose", [classes], { perm: [1, 0] });
  g.output(g.node("MatMul", [features, transposed]), "cosines", "float32", ["rois", "classes"]);
  return g.build();
}

/** Runs the cosine graph: [R, D] and [K, D] unit rows → [R, K]. */
export async function runCosines(
  session: OnnxSession,
  unitFeatures: Float32Array,
  unitClasses: Float32Array,
  dim: number,
): Promise<Float32Array> {
  const out = await session.run({
    unit_features: { type: "float32", data: unitFeatures, dims: [unitFeatures.length / dim, dim] },
    unit_classes: { type: "float32", data: unitClasses, dims: [unitClasses.length / dim, dim] },
  });
  return out.cosines.data as Float32Array;
}
