/**
 * Box scaling: BoxXyxy in model-input pixels → BoxXyxy in source pixels, exactly as adapting-CLIP
 * `models/slic_vit.py` `forward` does after the box search (`bbox[:, ::2] * w / 224.` on a float32 array).
 */

import { invalidOption } from "../errors.js";
import type { BoxXyxy } from "../grit/box.js";
import type { Size } from "./image.js";

function validateSize(name: string, size: Size): void {
  if (
    typeof size !== "object" ||
    size === null ||
    !(Number.isFinite(size.width) && size.width > 0) ||
    !(Number.isFinite(size.height) && size.height > 0)
  ) {
    throw invalidOption(name, "a { width, height } with positive sizes", size);
  }
}

/**
 * Scales x by `toSize.width / fromSize.width` and y by the heights, each value as float32
 * `float32(float32(v * w) / from)`. Like upstream, x2/y2 are scaled as they are (inclusive indices), so a box
 * ending at pixel 223 of 224 ends at 509.71… of 512.
 * @throws GritlocError E_INVALID_OPTION for a malformed box or size.
 * @example
 * scaleBoxToSource([0, 112, 158, 223], { width: 224, height: 224 }, { width: 512, height: 512 })
 * // [0, 256, 361.1428527832031, 509.71429443359375]
 */
export function scaleBoxToSource(box: BoxXyxy, fromSize: Size, toSize: Size): BoxXyxy {
  if (!Array.isArray(box) || box.length !== 4 || !box.every((v) => Number.isFinite(v))) {
    throw invalidOption("box", "[x1, y1, x2, y2] of finite numbers", box);
  }
  validateSize("fromSize", fromSize);
  validateSize("toSize", toSize);
  const f32 = Math.fround;
  const sx = f32(toSize.width);
  const sy = f32(toSize.height);
  const fx = f32(fromSize.width);
  const fy = f32(fromSize.height);
  return [
    f32(f32(f32(box[0]) * sx) / fx),
    f32(f32(f32(box[1]) * sy) / fy),
    f32(f32(f32(box[2]) * sx) / fx),
    f32(f32(f32(box[3]) * sy) / fy),
  ];
}
