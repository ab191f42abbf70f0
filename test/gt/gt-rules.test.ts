/**
 * Rebuild rules: defaults, validation with messages naming the rule, the box conversion rules (rounding half
 * to even, clipping at W−1 as in GRIT's published example "coffeemaker" [120, 43, 1023, 983] on 1024×1024),
 * has_new_concept, and id layouts.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { isGritlocError } from "../../src/errors.js";
import { DEFAULT_GT_RULES, GT_RULE_CHOICES, hasNewConcept, resolveGtRules } from "../../src/gt/gt-rules.js";
import { openImagesPixelBox, ruleImageSize, scaleCoordinate } from "../../src/gt/pixel-boxes.js";
import { parseSampleId } from "../../src/gt/sample-id-layout.js";
import { readFixtureJson } from "../support/fixtures.js";

test("defaults fill every unset rule, and each default is one of its rule's allowed values", () => {
  assert.deepEqual(resolveGtRules(), DEFAULT_GT_RULES);
  assert.deepEqual(resolveGtRules({ openImagesGroupOf: "drop" }), {
    ...DEFAULT_GT_RULES,
    openImagesGroupOf: "drop",
  });
  assert.ok(Object.isFrozen(resolveGtRules()));
  for (const [name, choices] of Object.entries(GT_RULE_CHOICES)) {
    assert.ok(choices.includes(DEFAULT_GT_RULES[name as keyof typeof GT_RULE_CHOICES] as string), name);
  }
});

test("unknown rules, unknown values and a bad minimum size are E_INVALID_OPTION naming the rule", () => {
  assert.throws(
    () => resolveGtRules({ hierarchy: "expand" } as never),
    (error: unknown) => {
      assert.ok(isGritlocError(error, "E_INVALID_OPTION"));
      assert.match(error.message, /rule names among queryMatch, openImagesClassFrom/);
      return true;
    },
  );
  assert.throws(
    () => resolveGtRules({ exifRotation: "rotate" as "apply" }),
    /"ignore" or "apply" for rules\.exifRotation/,
  );
  assert.throws(() => resolveGtRules({ nyuv2MinPixels: 0 }), /an integer ≥ 1 for rules\.nyuv2MinPixels/);
  assert.throws(() => resolveGtRules({ nyuv2MinPixels: 1.5 }), /rules\.nyuv2MinPixels/);
});

test("pixel rules: round half to even, clip at W−1 / H−1, or scale by W−1, or keep floats", () => {
  assert.equal(scaleCoordinate(1, 1024, "round-clip"), 1023);
  assert.equal(scaleCoordinate(0, 1024, "round-clip"), 0);
  assert.equal(scaleCoordinate(-0.001, 1024, "round-clip"), 0);
  assert.equal(scaleCoordinate(0.5 / 100, 100, "round-clip"), 0, "0.5 → 0 (even)");
  assert.equal(scaleCoordinate(1.5 / 100, 100, "round-clip"), 2, "1.5 → 2 (even)");
  assert.equal(scaleCoordinate(1, 1024, "scale-minus-one"), 1023);
  assert.equal(scaleCoordinate(0.5, 1024, "scale-minus-one"), 512, "511.5 → 512 (even)");
  assert.equal(scaleCoordinate(0.25, 1024, "float"), 256);
  assert.deepEqual(
    openImagesPixelBox(
      { xMin: 120 / 1024, xMax: 1, yMin: 43 / 1024, yMax: 983 / 1024 },
      { width: 1024, height: 1024 },
      "round-clip",
    ),
    [120, 43, 1023, 983],
  );
});

test("has_new_concept: not one of COCO's 80 names (case-insensitive), or the same value for all", () => {
  assert.equal(hasNewConcept("dog", "not-coco-80"), false);
  assert.equal(hasNewConcept("Teddy Bear", "not-coco-80"), false);
  assert.equal(hasNewConcept("vehicle", "not-coco-80"), true);
  assert.equal(hasNewConcept("refridgerator", "not-coco-80"), true);
  assert.equal(hasNewConcept("dog", "always"), true);
  assert.equal(hasNewConcept("vehicle", "never"), false);
});

test("id layouts of both sources, as in the real ablation ids", () => {
  assert.deepEqual(parseSampleId("open_images_loc_test_da47edcdba035bb8_/m/084zz", "open_images"), {
    layout: "image-mid",
    mid: "/m/084zz",
  });
  assert.deepEqual(parseSampleId("open_images_loc_test_teddy bear_acfa98c35ed3a69f", "open_images"), {
    layout: "query-image",
    mid: null,
  });
  assert.equal(parseSampleId("open_images_loc_test_something", "open_images").layout, "other");
  assert.equal(parseSampleId("nyuv2_loc_test_840_faucet handle", "nyuv2").layout, "index-name");
  assert.equal(parseSampleId("nyuv2_loc_test_toy cash register_531", "nyuv2").layout, "name-index");
  assert.equal(parseSampleId("nyuv2_loc_test_pen", "nyuv2").layout, "other");
});

test("the real ablation ids split into the two layouts per source as counted in grit-ground-truth.md", () => {
  // Fixture: peer/adapting-clip-ablation-localization.json (all 21,078 ablation ids).
  const entries = readFixtureJson<{ example_id: string }[]>(
    "peer",
    "adapting-clip-ablation-localization.json",
  );
  const counts: Record<string, number> = {};
  for (const { example_id: id } of entries) {
    const source = id.startsWith("open_images_") ? "open_images" : id.startsWith("nyuv2_") ? "nyuv2" : null;
    if (source === null) continue;
    const key = `${source}:${parseSampleId(id, source).layout}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  assert.deepEqual(counts, {
    "open_images:image-mid": 8071,
    "open_images:query-image": 6351,
    "nyuv2:index-name": 2334,
    "nyuv2:name-index": 437,
  });
});

test("exifRotation: apply swaps width and height for EXIF orientations 5-8 only; ignore never does", () => {
  const stored = { width: 640, height: 480 };
  for (const orientation of [1, 2, 3, 4]) {
    assert.deepEqual(ruleImageSize({ ...stored, orientation }, "apply"), stored);
  }
  for (const orientation of [5, 6, 7, 8]) {
    assert.deepEqual(ruleImageSize({ ...stored, orientation }, "apply"), { width: 480, height: 640 });
    assert.deepEqual(ruleImageSize({ ...stored, orientation }, "ignore"), stored);
  }
});
