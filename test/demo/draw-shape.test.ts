/**
 * drawShape on tiny canvases: the returned box is the tight box of the painted pixels, shapes are centred
 * where asked, the outline is darker than the fill, and a shape outside the canvas paints nothing.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { drawShape, MINI_SHAPES } from "../../src/demo/draw-shape.js";
import type { RgbImage } from "../../src/vision/image.js";

function canvas(width: number, height: number): RgbImage {
  return { width, height, data: new Uint8Array(width * height * 3) };
}

function paintedBox(image: RgbImage): [number, number, number, number] | null {
  let box: [number, number, number, number] | null = null;
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      if (image.data[(y * image.width + x) * 3] === 0) continue;
      box =
        box === null
          ? [x, y, x + 1, y + 1]
          : [Math.min(box[0], x), Math.min(box[1], y), Math.max(box[2], x + 1), Math.max(box[3], y + 1)];
    }
  }
  return box;
}

test("a square of radius 3 at (5, 5) covers pixels 2..7 in both axes: box [2, 2, 8, 8], 36 pixels", () => {
  const image = canvas(12, 12);
  assert.deepEqual(
    drawShape(image, { shape: "square", cx: 5, cy: 5, radius: 3, color: [200, 200, 200] }),
    [2, 2, 8, 8],
  );
  let painted = 0;
  for (let i = 0; i < image.data.length; i += 3) if (image.data[i] !== 0) painted++;
  assert.equal(painted, 36);
  // Corner pixel (2, 2) is outline (140/256 of the colour); (4, 4) is fill (shade near the top ≥ 0.75).
  assert.equal(image.data[(2 * 12 + 2) * 3], (200 * 140) >> 8);
  assert.ok(image.data[(4 * 12 + 4) * 3] > (200 * 140) >> 8);
});

test("every shape returns exactly the tight box of what it painted, within the 2r × 2r square", () => {
  for (const shape of MINI_SHAPES) {
    const image = canvas(40, 40);
    const box = drawShape(image, { shape, cx: 20, cy: 20, radius: 10, color: [250, 10, 10] });
    assert.deepEqual(box, paintedBox(image), shape);
    const [x1, y1, x2, y2] = box!;
    assert.ok(x1 >= 10 && y1 >= 10 && x2 <= 30 && y2 <= 30, `${shape}: ${box}`);
    assert.ok(x2 - x1 >= 16 && y2 - y1 >= 16, `${shape} spans most of its square: ${box}`);
  }
});

test("the ring has a hole and the plus sign has empty corners", () => {
  const ring = canvas(40, 40);
  drawShape(ring, { shape: "ring", cx: 20, cy: 20, radius: 10, color: [250, 250, 250] });
  assert.equal(ring.data[(20 * 40 + 20) * 3], 0);
  const plus = canvas(40, 40);
  drawShape(plus, { shape: "plus sign", cx: 20, cy: 20, radius: 10, color: [250, 250, 250] });
  assert.equal(plus.data[(11 * 40 + 11) * 3], 0);
  assert.notEqual(plus.data[(20 * 40 + 20) * 3], 0);
});

test("a shape entirely outside the canvas paints nothing and returns null; a clipped one is clipped", () => {
  const image = canvas(10, 10);
  assert.equal(drawShape(image, { shape: "circle", cx: 40, cy: 40, radius: 5, color: [9, 9, 9] }), null);
  assert.ok(image.data.every((v) => v === 0));
  assert.deepEqual(
    drawShape(image, { shape: "square", cx: 0, cy: 0, radius: 3, color: [250, 0, 0] }),
    [0, 0, 3, 3],
  );
});
