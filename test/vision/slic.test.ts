/**
 * slic / slicPyramid against scikit-image 0.19.3 (fixtures `slic/`: 55 label maps, the `_noconn` stage maps;
 * plus small golden tables made with the same library for sigma > 0 and odd sizes). Tolerance: exact
 * (the fixture README allows ≥ 99 % pixel agreement; this port reaches bit-exact maps).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { RgbImage } from "../../src/vision/image.js";
import { type LabelMap, slic, slicPyramid } from "../../src/vision/slic.js";
import { readFixtureJson, readI32, readU8, readU16 } from "../support/fixtures.js";

interface SlicCases {
  n_segments_list: number[];
  images: { name: string; n_segments: Record<string, { n_unique_labels: number; labels_file: string }> }[];
}

const cases = readFixtureJson<SlicCases>("slic", "cases.json");
const N_SEGMENTS = cases.n_segments_list;
/** How many of the 55 (image, n) maps are bit-identical to scikit-image's; a drop is a regression. */
const EXACT_MAPS = 55;

function image224(name: string): RgbImage {
  return { data: readU8("slic", `${name}_224.u8`), width: 224, height: 224 };
}

function agreement(actual: Int32Array, expected: ArrayLike<number>): number {
  let same = 0;
  for (let i = 0; i < actual.length; i++) if (actual[i] === expected[i]) same++;
  return same / actual.length;
}

test(`slicPyramid reproduces all 55 reference label maps (count exact, ≥ 99.9 % pixels, ${EXACT_MAPS} maps exact)`, () => {
  let exact = 0;
  const report: string[] = [];
  for (const entry of cases.images) {
    const maps = slicPyramid(image224(entry.name), { nSegments: N_SEGMENTS, compactness: 50, sigma: 0 });
    N_SEGMENTS.forEach((n, k) => {
      const expected = entry.n_segments[String(n)];
      const reference = readI32("slic", expected.labels_file);
      assert.equal(maps[k].count, expected.n_unique_labels, `${entry.name} n=${n}: label count`);
      let max = 0;
      for (const v of maps[k].labels) max = Math.max(max, v);
      assert.equal(max, maps[k].count, `${entry.name} n=${n}: labels contiguous from 1`);
      const share = agreement(maps[k].labels, reference);
      assert.ok(share >= 0.999, `${entry.name} n=${n}: pixel agreement ${share}`);
      if (share === 1) exact++;
      else report.push(`${entry.name} n=${n}: ${share}`);
    });
  }
  assert.equal(exact, EXACT_MAPS, `exactly equal maps: ${exact} of 55; differing: ${report.join(", ")}`);
});

for (const name of ["astronaut", "coffee"]) {
  for (const n of [100, 600]) {
    test(`slic without connectivity enforcement equals slic/${name}_slic_n${n}_noconn.u16 (k-means stage)`, () => {
      const map = slic(image224(name), { nSegments: n, compactness: 50, enforceConnectivity: false });
      const reference = readU16("slic", `${name}_slic_n${n}_noconn.u16`);
      assert.equal(agreement(map.labels, reference), 1);
      assert.equal(map.count, n === 100 ? 100 : 625, "count = number of seeds");
    });
  }
}

/** The synthetic RGB pattern the golden tables below were computed on. */
function synthetic(width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++)
        data[(y * width + x) * 3 + c] = (x * 37 + y * 11 + c * 50 + ((x * y) % 7) * 9) % 256;
    }
  }
  return { data, width, height };
}

/**
 * Labels (one base-36 digit per pixel, row-major) from scikit-image 0.19.3 on Debian 12:
 * `y, x, c = np.mgrid[:h, :w, :3]; im = ((x*37 + y*11 + c*50 + (x*y) % 7 * 9) % 256).astype(np.uint8)`,
 * `slic(im.astype(np.float32) / 255., n_segments=n, compactness=c, sigma=s)`.
 */
const GOLDEN = [
  {
    height: 16,
    width: 20,
    nSegments: 12,
    compactness: 10,
    sigma: 1.0,
    labels:
      "11111111111111222222111133111111222222221133331111112222222211333111111122222222113331111112222222221133411111122225222211334111111222552222113341111112225522221134416111122755222211441161111777552222444416661117775522224444166611177755222244446666777777552222444466667777775522224446666667777555222244466666677755552222",
  },
  {
    height: 16,
    width: 20,
    nSegments: 12,
    compactness: 10,
    sigma: 0.5,
    labels:
      "11111111111111222222111111111112222222221111111111222222222211111111112222222222111111111122222222231111111111222222223311111114112222522233111111144122225522331111114441222555223311111144412225552333111111444422255555331111144444225555533311114444422555555333114444444555555533331144444445555555333311444444455555553333",
  },
  {
    height: 13,
    width: 29,
    nSegments: 20,
    compactness: 50,
    sigma: 0.0,
    labels:
      "111111222222223333333444455561111722222283333333344445556611177222228833333333444455566117722222883333333334445555661117299999833333333AAA4455666117799999883333333AAAAAAA6666177999998833BB33333AAAAAAA666CCC999999933BBBB333AAAAAAA666CCC9DD99993BBBBB33EEEEEAAFFFFCCCDDDDDDDBBBBBB3EEEEEEEFFFFFCCCCDDDDDDDBBBBBBEEEEEEEEFFFFCCCDDDDDDDBBBBBBBEEEEEEEFFFFFCCCCDDDDDDDBBBBBBEEEEEEEFFFFF",
  },
  {
    height: 13,
    width: 29,
    nSegments: 9,
    compactness: 5,
    sigma: 2.0,
    labels:
      "11111122223334444455566777777111111222233344445555667777771111112223333444455556677777711111122233334445555566777777111111223333444455556677777771111122233334445555566777777711118222333344455555667777777111889223333444555566677777771188999233334445554466777777718889999999444454444467777777888899999994444444444644477778888999999944444444444444777788889999999444444444444477777",
  },
  { height: 1, width: 1, nSegments: 100, compactness: 50, sigma: 0.0, labels: "1" },
  { height: 1, width: 5, nSegments: 100, compactness: 50, sigma: 0.0, labels: "12345" },
  { height: 3, width: 3, nSegments: 4, compactness: 50, sigma: 0.0, labels: "112112334" },
  {
    height: 2,
    width: 40,
    nSegments: 6,
    compactness: 20,
    sigma: 0.0,
    labels: "11111112222222233333344444445555555666661111112222222223333344444445555555666666",
  },
];

for (const g of GOLDEN) {
  test(`slic matches scikit-image on a ${g.width}×${g.height} image with n=${g.nSegments}, compactness ${g.compactness}, sigma ${g.sigma}`, () => {
    const map = slic(synthetic(g.width, g.height), g);
    const got = Array.from(map.labels, (v) => v.toString(36).toUpperCase()).join("");
    assert.equal(got, g.labels);
  });
}

test("slicPyramid gives the same maps as separate slic calls (scratch buffers carry no state)", () => {
  const img = image224("coffee");
  const pyramid = slicPyramid(img, { nSegments: [600, 100, 350], compactness: 50, sigma: 0 });
  const single = [600, 100, 350].map((n) => slic(img, { nSegments: n, compactness: 50 }));
  pyramid.forEach((map: LabelMap, k) => {
    assert.equal(map.count, single[k].count);
    assert.deepEqual(map.labels, single[k].labels);
  });
  // A different, smaller image in between must not disturb the next call either.
  slic(synthetic(13, 29), { nSegments: 20, compactness: 50 });
  assert.deepEqual(slic(img, { nSegments: 600, compactness: 50 }).labels, pyramid[0].labels);
});

test("slic defaults to compactness 10 and sigma 0, as scikit-image does", () => {
  const img = synthetic(20, 16);
  assert.deepEqual(
    slic(img, { nSegments: 12 }).labels,
    slic(img, { nSegments: 12, compactness: 10, sigma: 0 }).labels,
  );
});

test("slic and slicPyramid reject bad options with messages naming the option", () => {
  const img = synthetic(4, 4);
  assert.throws(
    () => slic(img, { nSegments: 0 }),
    /Expected a positive integer for nSegments\[0\] but received 0/,
  );
  assert.throws(
    () => slic(img, { nSegments: 10, compactness: 0 }),
    /Expected a finite number > 0 for compactness/,
  );
  assert.throws(
    () => slic(img, { nSegments: 10, sigma: -1 }),
    /Expected a finite number ≥ 0 for sigma but received -1/,
  );
  assert.throws(
    () => slic(img, { nSegments: 10, enforceConnectivity: "yes" as unknown as boolean }),
    /Expected a boolean for enforceConnectivity/,
  );
  assert.throws(
    () => slicPyramid(img, { nSegments: [], compactness: 50, sigma: 0 }),
    /Expected a non-empty array of positive integers for nSegments/,
  );
  assert.throws(
    () => slicPyramid(img, { nSegments: [100, 2.5], compactness: 50, sigma: 0 }),
    /nSegments\[1\] but received 2.5/,
  );
  assert.throws(
    () => slic({ data: new Uint8Array(3), width: 2, height: 2 }, { nSegments: 4 }),
    /Expected width \* height \* 3 = 12 for image.data.length/,
  );
});
