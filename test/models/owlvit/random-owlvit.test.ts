import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { parseOwlVitConfig } from "../../../src/models/owlvit/config.js";
import { createOwlVitLocalizer } from "../../../src/models/owlvit/localizer.js";
import {
  OWLVIT_B32_SIZE,
  randomOwlVitTensors,
  writeRandomOwlVit,
} from "../../../src/models/owlvit/random-owlvit.js";
import { fixturePath } from "../../support/fixtures.js";
import { fixturePreparedImage } from "./support/owlvit-fixture.js";

const work = mkdtempSync(join(tmpdir(), "gritloc-random-owlvit-"));
after(() => rmSync(work, { recursive: true, force: true }));

const TINY = {
  ...OWLVIT_B32_SIZE,
  visionWidth: 32,
  visionLayers: 1,
  visionHeads: 2,
  textWidth: 16,
  textLayers: 1,
  textHeads: 2,
};

test("a random OWL-ViT's files load as a checkpoint of the sizes asked for and localize", async () => {
  const files = writeRandomOwlVit(work, "tiny", TINY, 0);
  const config = parseOwlVitConfig(readFileSync(files.config, "utf8"), files.config);
  assert.deepEqual(
    [
      config.vision.hiddenSize,
      config.vision.numHiddenLayers,
      config.vision.imageSize,
      config.vision.patchSize,
    ],
    [32, 1, 768, 32],
  );
  assert.deepEqual([config.text.hiddenSize, config.projectionDim], [16, 16]);
  const owl = await createOwlVitLocalizer(
    { ...files, vocab: fixturePath("clip", "bpe_simple_vocab_16e6.txt.gz") },
    { mode: "grit" },
    { provider: "cpu", cacheDir: join(work, "graphs") },
  );
  try {
    const [result] = await owl.localize(fixturePreparedImage("owlvit"), ["a cat"]);
    assert.ok(result.boxes.length >= 1 && result.confidence >= 0 && result.confidence <= 1);
  } finally {
    await owl.dispose();
  }
});

test("the same seed draws the same weights", () => {
  const a = randomOwlVitTensors(TINY, 3)["box_head.dense2.weight"].data;
  const b = randomOwlVitTensors(TINY, 3)["box_head.dense2.weight"].data;
  const c = randomOwlVitTensors(TINY, 4)["box_head.dense2.weight"].data;
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
});
