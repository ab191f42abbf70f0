import { test } from "node:test";
import { slicVitPositionalEmbedding } from "../../../src/models/clip/positional-embedding.js";
import { clipPixelValues } from "../../../src/models/clip/preprocess.js";
import { assertClose } from "../../support/assert-close.js";
import { readF32, readU8 } from "../../support/fixtures.js";

const IMAGES = ["astronaut", "coffee", "chelsea", "grit_localization_0", "grit_refexp_0"];

// Fixtures: slic/NAME_224.u8 (PIL resize) → slicvit/NAME_input.f32 (torchvision ToTensor + Normalize).
test("CLIP preprocessing matches torchvision's tensor within 1e-6 (float32 arithmetic)", () => {
  for (const name of IMAGES) {
    const pixels = clipPixelValues({ width: 224, height: 224, data: readU8("slic", `${name}_224.u8`) });
    assertClose(pixels, readF32("slicvit", `${name}_input.f32`), { atol: 1e-6 }, `${name} input`);
  }
});

// Fixture: slicvit/pos_emb_used.f32 = upstream upsample_pos_emb (bilinear 16→32, align_corners False, .half()).
test("the SLICViT positional embedding equals upstream's fp16 values exactly", () => {
  const got = slicVitPositionalEmbedding(readF32("slicvit/weights/visual.positional_embedding.f32"), 128, 2);
  assertClose(got, readF32("slicvit/pos_emb_used.f32"), { atol: 0 }, "pos_emb_used");
});
