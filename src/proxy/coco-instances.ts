/**
 * COCO instances: the parsed `instances_val2017.json` (from COCO's annotation zip) → images with their sizes,
 * the 80 categories, and integer xyxy pixel boxes per (image, category). Image URLs in the file (`coco_url`,
 * `flickr_url`) are ignored: images come from the manifest's URL template.
 */
import { GritlocError } from "../errors.js";
import type { BoxXyxy } from "../grit/box.js";
import { describeValue, isJsonObject, parseJsonText, readInputFile } from "../grit/json-file.js";

export interface CocoImage {
  readonly id: number;
  readonly fileName: string;
  readonly width: number;
  readonly height: number;
}

export interface CocoCategory {
  readonly id: number;
  readonly name: string;
}

export interface CocoInstances {
  /** Sorted by id. */
  readonly images: readonly CocoImage[];
  /** Sorted by id. */
  readonly categories: readonly CocoCategory[];
  /** image id → category id → boxes (in the file's annotation order); only present categories are keys. */
  readonly boxes: ReadonlyMap<number, ReadonlyMap<number, readonly BoxXyxy[]>>;
  /** Crowd annotations (`iscrowd` 1) seen; they count as present and are kept as one box each. */
  readonly crowdAnnotations: number;
}

/**
 * A COCO `[x, y, w, h]` box (float pixels) → an inclusive integer `[x1, y1, x2, y2]`: corners rounded and
 * clipped to the image, x2/y2 at most W-1/H-1 (the rounding and edge rule the rebuilt Open Images boxes use).
 */
export function cocoBoxToXyxy(bbox: readonly number[], width: number, height: number): BoxXyxy {
  const [x, y, w, h] = bbox as [number, number, number, number];
  const clip = (v: number, max: number) => Math.min(Math.max(Math.round(v), 0), max);
  return [clip(x, width - 1), clip(y, height - 1), clip(x + w, width - 1), clip(y + h, height - 1)];
}

function fail(file: string, what: string, value: unknown): never {
  throw new GritlocError(
    "E_DATA_INVALID",
    `${file}: ${what}, got ${describeValue(value)}. Expected COCO's instances_val2017.json; check the COCO annotations URL and member in the proxy manifest.`,
  );
}

const isPositiveInt = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) > 0;
const isNonNegativeInt = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/**
 * Reads a parsed instances file; `file` names it in messages.
 * @throws GritlocError E_DATA_INVALID naming the first malformed image, category or annotation.
 * @example
 * const coco = readCocoInstances(JSON.parse(text), "instances_val2017.json");
 * coco.categories.length; // 80
 */
export function readCocoInstances(json: unknown, file: string): CocoInstances {
  if (!isJsonObject(json)) fail(file, "expected an object with images, annotations and categories", json);
  const { images, annotations, categories } = json;
  if (!Array.isArray(images)) fail(file, "images: expected a list", images);
  if (!Array.isArray(annotations)) fail(file, "annotations: expected a list", annotations);
  if (!Array.isArray(categories)) fail(file, "categories: expected a list", categories);
  const imageById = new Map<number, CocoImage>();
  for (const [i, image] of images.entries()) {
    const ok =
      isJsonObject(image) &&
      isNonNegativeInt(image.id) &&
      typeof image.file_name === "string" &&
      /^[\w.-]+$/.test(image.file_name) &&
      isPositiveInt(image.width) &&
      isPositiveInt(image.height);
    if (!ok) fail(file, `images[${i}]: expected {id, file_name (a plain file name), width, height}`, image);
    imageById.set(image.id as number, {
      id: image.id as number,
      fileName: image.file_name as string,
      width: image.width as number,
      height: image.height as number,
    });
  }
  const categoryById = new Map<number, CocoCategory>();
  for (const [i, category] of categories.entries()) {
    const ok =
      isJsonObject(category) &&
      isPositiveInt(category.id) &&
      typeof category.name === "string" &&
      category.name !== "";
    if (!ok) fail(file, `categories[${i}]: expected {id, name}`, category);
    categoryById.set(category.id as number, { id: category.id as number, name: category.name as string });
  }
  const boxes = new Map<number, Map<number, BoxXyxy[]>>();
  let crowdAnnotations = 0;
  for (const [i, a] of annotations.entries()) {
    const ok =
      isJsonObject(a) &&
      imageById.has(a.image_id as number) &&
      categoryById.has(a.category_id as number) &&
      Array.isArray(a.bbox) &&
      a.bbox.length === 4 &&
      a.bbox.every((v) => typeof v === "number" && Number.isFinite(v));
    if (!ok)
      fail(file, `annotations[${i}]: expected {image_id, category_id (both known), bbox [x, y, w, h]}`, a);
    const image = imageById.get(a.image_id as number) as CocoImage;
    if (a.iscrowd === 1) crowdAnnotations++;
    let byCategory = boxes.get(image.id);
    if (byCategory === undefined) boxes.set(image.id, (byCategory = new Map()));
    const list = byCategory.get(a.category_id as number) ?? [];
    list.push(cocoBoxToXyxy(a.bbox as number[], image.width, image.height));
    byCategory.set(a.category_id as number, list);
  }
  return {
    images: [...imageById.values()].sort((a, b) => a.id - b.id),
    categories: [...categoryById.values()].sort((a, b) => a.id - b.id),
    boxes,
    crowdAnnotations,
  };
}

/**
 * Reads an instances file from disk.
 * @throws GritlocError E_NOT_FOUND, E_DATA_INVALID (also for invalid JSON).
 */
export async function loadCocoInstances(path: string): Promise<CocoInstances> {
  const text = (await readInputFile(path, "COCO instances file")).toString("utf8");
  return readCocoInstances(parseJsonText(text, path, "E_DATA_INVALID"), path);
}
