/**
 * A random weight tensor: a seeded uniform stream + shape + standard deviation → float32 values uniform in
 * [-a, a] (a = std·√3), in the order the stream gives them, so the same seed gives the same bytes everywhere.
 */
import type { SafetensorsTensor } from "../weights/safetensors-writer.js";

/**
 * A tensor of `shape` drawing one value per element from `next` (a `seededUniform` stream, src/seeded-uniform.ts), with standard
 * deviation `std`.
 * @example tensors["visual.proj"] = randomTensor(seededUniform(0), [768, 512], 768 ** -0.5);
 */
export function randomTensor(next: () => number, shape: number[], std: number): SafetensorsTensor {
  const count = shape.reduce((a, d) => a * d, 1);
  const a = std * Math.sqrt(3);
  const data = new Float32Array(count);
  for (let i = 0; i < count; i++) data[i] = (2 * next() - 1) * a;
  return { shape, data };
}
