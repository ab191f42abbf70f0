import assert from "node:assert/strict";
import { test } from "node:test";
import { cocoBoxToXyxy, readCocoInstances } from "../../src/proxy/coco-instances.js";
import { cocoProxySource } from "../../src/proxy/coco-source.js";

const instances = {
  images: [
    {
      id: 139,
      file_name: "000000000139.jpg",
      width: 640,
      height: 426,
      coco_url: "http://elsewhere.example/139.jpg",
    },
    { id: 285, file_name: "000000000285.jpg", width: 586, height: 640 },
  ],
  categories: [
    { id: 1, name: "person", supercategory: "person" },
    { id: 18, name: "dog", supercategory: "animal" },
    { id: 62, name: "chair", supercategory: "furniture" },
  ],
  annotations: [
    { id: 1, image_id: 139, category_id: 1, bbox: [412.8, 157.61, 53.05, 138.01], iscrowd: 0 },
    { id: 2, image_id: 139, category_id: 62, bbox: [0.2, 0.4, 639.9, 425.7], iscrowd: 0 },
    { id: 3, image_id: 139, category_id: 1, bbox: [10, 10, 5, 5], iscrowd: 1 },
    { id: 4, image_id: 285, category_id: 18, bbox: [0, 50.5, 586, 589.5], iscrowd: 0 },
  ],
};

test("COCO boxes: corners rounded, clipped to the last pixel", () => {
  assert.deepEqual(cocoBoxToXyxy([412.8, 157.61, 53.05, 138.01], 640, 426), [413, 158, 466, 296]);
  assert.deepEqual(cocoBoxToXyxy([0.2, 0.4, 639.9, 425.7], 640, 426), [0, 0, 639, 425]);
});

test("readCocoInstances groups boxes by image and category, keeping crowd boxes", () => {
  const coco = readCocoInstances(instances, "instances_val2017.json");
  assert.deepEqual(
    coco.images.map((i) => i.id),
    [139, 285],
  );
  assert.deepEqual(coco.boxes.get(139)?.get(1), [
    [413, 158, 466, 296],
    [10, 10, 15, 15],
  ]);
  assert.equal(coco.crowdAnnotations, 1);
  assert.equal(coco.boxes.get(285)?.has(1), false);
});

test("the COCO source: present where an instance is, absent (negative) everywhere else; GRIT's id layout", async () => {
  const source = cocoProxySource(readCocoInstances(instances, "i.json"), "coco/val2017/");
  assert.deepEqual(source.pool.present.get("1"), ["139"]);
  assert.deepEqual(source.pool.absent.get("1"), ["285"]);
  assert.deepEqual(source.pool.absent.get("18"), ["139"]);
  const sample = source.toSample({ category: "18", image: "139", negative: true });
  assert.deepEqual(sample, {
    pair: { category: "18", image: "139", negative: true },
    exampleId: "coco_loc_val2017_dog_139",
    imageId: "coco/val2017/000000000139.jpg",
    query: "dog",
    layout: "query-image",
  });
  const truth = await source.groundTruth(
    [sample],
    new Map([["coco/val2017/000000000139.jpg", { width: 640, height: 426 }]]),
  );
  assert.deepEqual(truth.get("coco_loc_val2017_dog_139"), {
    bboxes: [],
    imageSize: { width: 640, height: 426 },
  });
});

test("readCocoInstances names the file and the bad item", () => {
  assert.throws(
    () => readCocoInstances({ images: [], categories: [] }, "x.json"),
    /x\.json: annotations: expected a list/,
  );
  assert.throws(
    () =>
      readCocoInstances(
        { ...instances, annotations: [{ image_id: 1, category_id: 1, bbox: [0, 0, 1, 1] }] },
        "x.json",
      ),
    /E_DATA_INVALID|x\.json: annotations\[0\]/,
  );
  assert.throws(
    () =>
      readCocoInstances(
        { ...instances, images: [{ id: 1, file_name: "../x.jpg", width: 1, height: 1 }] },
        "x.json",
      ),
    /images\[0\]: expected \{id, file_name \(a plain file name\)/,
  );
});
