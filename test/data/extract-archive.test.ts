import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { gzipSync } from "node:zlib";
import { extractArchive, hasUnzip } from "../../src/data/extract-archive.js";
import { isGritlocError } from "../../src/errors.js";
import { buildTar, buildTarGz, buildZip, type LongNames } from "./support/archives.js";

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "gritloc-extract-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const images = Array.from({ length: 6 }, (_, i) => ({
  name: `test2015/COCO_test2015_00000000000${i}.jpg`,
  data: i === 5 ? new Uint8Array(0) : randomBytes(1000 + i * 5000),
}));
const samplesJson = Buffer.from(JSON.stringify([{ example_id: "x" }]));

/** Maps test2015/<file> → <out>/coco/test2015/<file> for the even-numbered images and the empty one. */
function selectEven(out: string) {
  return (member: string) => {
    const m = /^test2015\/(COCO_test2015_0+(\d)\.jpg)$/.exec(member);
    return m !== null && Number(m[2]) % 2 === 0 ? join(out, "coco/test2015", m[1] as string) : null;
  };
}

const zipCases: { zip64: boolean; deflate: boolean; extractor: "js" | "unzip" }[] = [];
for (const zip64 of [false, true])
  for (const deflate of [true, false])
    for (const extractor of ["js", "unzip"] as const) zipCases.push({ zip64, deflate, extractor });

for (const c of zipCases) {
  test(`zip (${c.zip64 ? "ZIP64" : "classic"}, ${c.deflate ? "deflated" : "stored"}) extracts only the selected members with ${c.extractor}`, async (t) => {
    if (c.extractor === "unzip" && !(await hasUnzip())) return t.skip("unzip is not installed here");
    const archive = join(dir, `coco-${c.zip64}-${c.deflate}-${c.extractor}.zip`);
    await writeFile(
      archive,
      buildZip([...images, { name: "GRIT/samples/ablation/localization.json", data: samplesJson }], c),
    );
    const out = join(dir, `out-${c.zip64}-${c.deflate}-${c.extractor}`);
    const written = await extractArchive(archive, "zip", {
      select: selectEven(out),
      zipExtractor: c.extractor,
    });
    assert.equal(written.length, 3);
    for (const i of [0, 2, 4]) {
      const entry = images[i] as { name: string; data: Uint8Array };
      assert.deepEqual(
        await readFile(join(out, "coco/test2015", entry.name.slice(9))),
        Buffer.from(entry.data),
      );
    }
    assert.deepEqual(readdirSync(join(out, "coco/test2015")).sort(), [
      "COCO_test2015_000000000000.jpg",
      "COCO_test2015_000000000002.jpg",
      "COCO_test2015_000000000004.jpg",
    ]);
  });
}

for (const extractor of ["js", "unzip"] as const) {
  test(`a damaged zip member fails with E_CHECKSUM and leaves no file (${extractor})`, async (t) => {
    if (extractor === "unzip" && !(await hasUnzip())) return t.skip("unzip is not installed here");
    const bytes = buildZip([{ name: "a.bin", data: randomBytes(20_000) }], { deflate: false });
    bytes[30 + 5 + 100] = (bytes[30 + 5 + 100] as number) ^ 0xff;
    const archive = join(dir, `damaged-${extractor}.zip`);
    await writeFile(archive, bytes);
    const out = join(dir, `damaged-out-${extractor}`);
    await assert.rejects(
      extractArchive(archive, "zip", { select: () => join(out, "a.bin"), zipExtractor: extractor }),
      (error: unknown) => {
        assert.ok(isGritlocError(error, "E_CHECKSUM"));
        assert.match(
          error.message,
          extractor === "js" ? /member a\.bin is damaged/ : /unzip could not extract/,
        );
        return true;
      },
    );
    assert.equal(existsSync(join(out, "a.bin")), false);
    if (existsSync(out)) assert.deepEqual(readdirSync(out), []);
  });
}

test("a file that is not a zip is reported as unreadable", async () => {
  const archive = join(dir, "not.zip");
  await writeFile(archive, randomBytes(100));
  await assert.rejects(
    extractArchive(archive, "zip", { select: () => null, zipExtractor: "js" }),
    /not\.zip is not a readable zip \(no end-of-central-directory record\)\. The download may be truncated: delete it and rerun setup\./,
  );
});

for (const longNames of ["gnu", "pax", "prefix"] as LongNames[]) {
  test(`tar.gz extracts the selected member, names longer than 100 bytes stored as ${longNames}`, async () => {
    const deep = `GRIT/${"very-long-folder-name/".repeat(6)}distortions/dist_deltas_localization_ablation.hdf5`;
    const wanted = randomBytes(70_000);
    const archive = join(dir, `d-${longNames}.tar.gz`);
    await writeFile(
      archive,
      buildTarGz(
        [
          { name: "distortions/dist_deltas_localization_test.hdf5", data: randomBytes(3000) },
          { name: deep, data: wanted },
          { name: "distortions/readme.txt", data: Buffer.from("hi") },
        ],
        longNames,
      ),
    );
    const out = join(dir, `tar-out-${longNames}`, "dist.hdf5");
    const written = await extractArchive(archive, "tar.gz", {
      select: (m) => (m.endsWith("/dist_deltas_localization_ablation.hdf5") ? out : null),
    });
    assert.deepEqual(written, [out]);
    assert.deepEqual(await readFile(out), wanted);
  });
}

test("tar.gz extraction stops after `limit` members without reading the rest", async () => {
  const tar = buildTar([
    { name: "a.bin", data: randomBytes(600) },
    { name: "b.bin", data: randomBytes(600) },
  ]);
  // Break the header of b.bin: reading that far would fail the checksum.
  const bHeader = 512 + 512 + 1024;
  tar[bHeader + 10] = 0x41;
  const archive = join(dir, "limit.tar.gz");
  await writeFile(archive, gzipSync(tar));
  const written = await extractArchive(archive, "tar.gz", { select: (m) => join(dir, "limit", m), limit: 1 });
  assert.deepEqual(written, [join(dir, "limit", "a.bin")]);
  await assert.rejects(
    extractArchive(archive, "tar.gz", { select: (m) => join(dir, "limit2", m) }),
    /limit\.tar\.gz is not a readable tar\.gz \(header checksum mismatch\)/,
  );
});

test("a truncated tar.gz fails with E_CHECKSUM and leaves no half-written member", async () => {
  const full = buildTarGz([{ name: "big.bin", data: randomBytes(300_000) }]);
  const archive = join(dir, "truncated.tar.gz");
  await writeFile(archive, full.subarray(0, Math.floor(full.length / 2)));
  const out = join(dir, "trunc-out");
  await assert.rejects(
    extractArchive(archive, "tar.gz", { select: (m) => join(out, m) }),
    (error: unknown) => {
      assert.ok(isGritlocError(error, "E_CHECKSUM"));
      assert.match(error.message, /truncated\.tar\.gz is not a readable tar\.gz/);
      return true;
    },
  );
  assert.deepEqual(existsSync(out) ? readdirSync(out) : [], []);
});
