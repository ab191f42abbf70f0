/**
 * The Open Images readers on tiny inline CSV/JSON files: quoted names, headerless class lists, rows kept only
 * for the named images, flags incl. −1, CRLF lines, a BOM, and errors that name the file and line; the class
 * hierarchy with Subcategory (followed) and Part (not followed) links and a class under two parents.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { isGritlocError } from "../../src/errors.js";
import { splitCsvLine } from "../../src/gt/csv-rows.js";
import {
  readOpenImagesBoxes,
  readOpenImagesClasses,
  readOpenImagesImageLabels,
} from "../../src/gt/open-images-annotations.js";
import { descendantClasses, parseOpenImagesHierarchy } from "../../src/gt/open-images-hierarchy.js";

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "gritloc-oi-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

test("CSV lines: quotes, doubled quotes and commas inside quotes", () => {
  assert.deepEqual(splitCsvLine("a,b,,c"), ["a", "b", "", "c"]);
  assert.deepEqual(splitCsvLine('/m/1,"Fork, tuning"'), ["/m/1", "Fork, tuning"]);
  assert.deepEqual(splitCsvLine('x,"say ""hi""",y'), ["x", 'say "hi"', "y"]);
});

test("class descriptions: headerless MID,name lines (a BOM and a header are skipped), quoted names kept whole", async () => {
  const path = await file(
    "classes.csv",
    '\ufeff/m/011k07,Tortoise\r\n/m/0fake,"Fork, tuning"\n\n/m/0k4j,Car\n',
  );
  assert.deepEqual(await readOpenImagesClasses(path), [
    { mid: "/m/011k07", displayName: "Tortoise" },
    { mid: "/m/0fake", displayName: "Fork, tuning" },
    { mid: "/m/0k4j", displayName: "Car" },
  ]);
  const withHeader = await file("classes-h.csv", "LabelName,DisplayName\n/m/0k4j,Car\n");
  assert.deepEqual(await readOpenImagesClasses(withHeader), [{ mid: "/m/0k4j", displayName: "Car" }]);
  const broken = await file("classes-bad.csv", "/m/0k4j,Car\n/m/0xyz\n");
  await assert.rejects(readOpenImagesClasses(broken), (error: unknown) => {
    assert.ok(isGritlocError(error, "E_DATA_INVALID"));
    assert.match(error.message, /classes-bad\.csv:2: expected "MID,Display name", got "\/m\/0xyz"/);
    return true;
  });
  await assert.rejects(readOpenImagesClasses(join(dir, "nope.csv")), (e: unknown) =>
    isGritlocError(e, "E_NOT_FOUND"),
  );
});

test("boxes: only the named images, in file order, with coordinates and flags (−1 = not annotated)", async () => {
  const path = await file(
    "boxes.csv",
    [
      "ImageID,Source,LabelName,Confidence,XMin,XMax,YMin,YMax,IsOccluded,IsTruncated,IsGroupOf,IsDepiction,IsInside",
      "img1,xclick,/m/0k4j,1,0.1,0.5,0.2,0.9,0,1,0,0,0",
      "other,xclick,/m/0k4j,1,not,a,number,row,0,0,0,0,0",
      "img2,activemil,/m/01bjv,1,0,1,0,1,-1,-1,1,1,-1",
      "img1,xclick,/m/0bt9lr,1,0.25,0.75,0,0.5,1,0,0,1,0",
    ].join("\n"),
  );
  const boxes = await readOpenImagesBoxes(path, new Set(["img1", "img2", "img3"]));
  assert.deepEqual([...boxes.keys()], ["img1", "img2"]);
  assert.deepEqual(boxes.get("img1"), [
    {
      imageId: "img1",
      labelName: "/m/0k4j",
      source: "xclick",
      xMin: 0.1,
      xMax: 0.5,
      yMin: 0.2,
      yMax: 0.9,
      isOccluded: 0,
      isTruncated: 1,
      isGroupOf: 0,
      isDepiction: 0,
      isInside: 0,
    },
    {
      imageId: "img1",
      labelName: "/m/0bt9lr",
      source: "xclick",
      xMin: 0.25,
      xMax: 0.75,
      yMin: 0,
      yMax: 0.5,
      isOccluded: 1,
      isTruncated: 0,
      isGroupOf: 0,
      isDepiction: 1,
      isInside: 0,
    },
  ]);
  const img2 = boxes.get("img2")?.[0];
  assert.deepEqual([img2?.isOccluded, img2?.isGroupOf, img2?.isDepiction, img2?.isInside], [-1, 1, 1, -1]);
  // The malformed row belongs to an image nobody asked for: it is skipped, not parsed.
  await assert.rejects(
    readOpenImagesBoxes(path, new Set(["other"])),
    /boxes\.csv:3: XMin is "not", expected a number/,
  );
});

test("boxes and image labels: a missing column or an empty file is E_DATA_INVALID naming the file", async () => {
  const noFlags = await file(
    "short.csv",
    "ImageID,Source,LabelName,Confidence,XMin,XMax,YMin,YMax\nimg1,x,/m/1,1,0,1,0,1\n",
  );
  await assert.rejects(readOpenImagesBoxes(noFlags, new Set(["img1"])), (error: unknown) => {
    assert.ok(isGritlocError(error, "E_DATA_INVALID"));
    assert.match(
      error.message,
      /short\.csv: the header has no column IsOccluded, IsTruncated, IsGroupOf, IsDepiction, IsInside/,
    );
    return true;
  });
  await assert.rejects(
    readOpenImagesImageLabels(await file("empty.csv", ""), new Set()),
    /empty\.csv:1: the file is empty/,
  );
});

test("image labels: verified present (1) and absent (0) per named image", async () => {
  const path = await file(
    "labels.csv",
    "ImageID,Source,LabelName,Confidence\nimg1,verification,/m/0k4j,1\nimg9,verification,/m/0k4j,0\nimg1,crowdsource-verification,/m/0199g,0\n",
  );
  const labels = await readOpenImagesImageLabels(path, new Set(["img1"]));
  assert.deepEqual(labels.get("img1"), [
    { imageId: "img1", labelName: "/m/0k4j", source: "verification", confidence: 1 },
    { imageId: "img1", labelName: "/m/0199g", source: "crowdsource-verification", confidence: 0 },
  ]);
  assert.equal(labels.has("img9"), false);
});

test("hierarchy: Subcategory links are followed to every depth, Part links are not, parents merge", () => {
  const hierarchy = parseOpenImagesHierarchy(
    {
      LabelName: "/m/0bl9f",
      Subcategory: [
        {
          LabelName: "/m/vehicle",
          Subcategory: [{ LabelName: "/m/car", Part: [{ LabelName: "/m/wheel" }] }, { LabelName: "/m/boat" }],
        },
        { LabelName: "/m/fruit", Subcategory: [{ LabelName: "/m/tomato" }] },
        {
          LabelName: "/m/vegetable",
          Subcategory: [{ LabelName: "/m/tomato", Subcategory: [{ LabelName: "/m/cherry-tomato" }] }],
        },
      ],
    },
    "h.json",
  );
  assert.deepEqual(descendantClasses(hierarchy, "/m/vehicle"), ["/m/vehicle", "/m/car", "/m/boat"]);
  assert.deepEqual(descendantClasses(hierarchy, "/m/fruit"), ["/m/fruit", "/m/tomato", "/m/cherry-tomato"]);
  assert.deepEqual(descendantClasses(hierarchy, "/m/unknown"), ["/m/unknown"]);
  assert.equal(descendantClasses(hierarchy, "/m/0bl9f").length, 8);
  assert.throws(
    () => parseOpenImagesHierarchy({ LabelName: "/m/0bl9f", Subcategory: [{ Subcategory: [] }] }, "h.json"),
    /h\.json: \(root\)\.Subcategory\[0\]\.LabelName is not a string/,
  );
  assert.throws(
    () => parseOpenImagesHierarchy({ LabelName: "/m/x", Part: {} }, "h.json"),
    /\(root\)\.Part is not a list/,
  );
});

test("without an image id set every row with an image id is kept (a row with an empty id is not)", async () => {
  const boxesPath = await file(
    "boxes-all.csv",
    [
      "ImageID,Source,LabelName,Confidence,XMin,XMax,YMin,YMax,IsOccluded,IsTruncated,IsGroupOf,IsDepiction,IsInside",
      "img1,xclick,/m/0k4j,1,0.1,0.5,0.2,0.9,0,1,0,0,0",
      ",xclick,/m/0k4j,1,not,a,number,row,0,0,0,0,0",
      "img2,activemil,/m/01bjv,1,0,1,0,1,-1,-1,1,1,-1",
    ].join("\n"),
  );
  const boxes = await readOpenImagesBoxes(boxesPath);
  assert.deepEqual([...boxes.keys()], ["img1", "img2"]);
  assert.deepEqual(
    boxes.get("img2")?.map((b) => b.labelName),
    ["/m/01bjv"],
  );
  const labelsPath = await file(
    "labels-all.csv",
    "ImageID,Source,LabelName,Confidence\nimg1,verification,/m/0k4j,1\n,verification,/m/0k4j,0\nimg9,verification,/m/0k4j,0\n",
  );
  const labels = await readOpenImagesImageLabels(labelsPath);
  assert.deepEqual([...labels.keys()], ["img1", "img9"]);
  assert.deepEqual(labels.get("img9"), [
    { imageId: "img9", labelName: "/m/0k4j", source: "verification", confidence: 0 },
  ]);
});
