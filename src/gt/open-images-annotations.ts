/**
 * Open Images annotation files (v5/v6 CSV layout), streamed and filtered to the images a sample set names:
 * class-descriptions-boxable.csv → classes; *-annotations-bbox.csv → normalized boxes per image;
 * *-annotations-human-imagelabels-boxable.csv → verified present/absent labels per image.
 */
import { GritlocError } from "../errors.js";
import { columnIndex, readCsvRows } from "./csv-rows.js";

/** One boxable class: its MID ("/m/0199g") and display name ("Bicycle"). */
export interface OpenImagesClass {
  readonly mid: string;
  readonly displayName: string;
}

/** A flag column: 1 = yes, 0 = no, −1 = not annotated. */
export type OpenImagesFlag = -1 | 0 | 1;

/** One row of a bbox CSV: coordinates are normalized to [0, 1] of the image's width and height. */
export interface OpenImagesBox {
  readonly imageId: string;
  /** The class MID (the CSV's LabelName). */
  readonly labelName: string;
  /** "xclick" (drawn by a human), "activemil" (verified by humans), … */
  readonly source: string;
  readonly xMin: number;
  readonly xMax: number;
  readonly yMin: number;
  readonly yMax: number;
  readonly isOccluded: OpenImagesFlag;
  readonly isTruncated: OpenImagesFlag;
  readonly isGroupOf: OpenImagesFlag;
  readonly isDepiction: OpenImagesFlag;
  readonly isInside: OpenImagesFlag;
}

/** One human-verified image-level label: Confidence 1 = present, 0 = verified absent. */
export interface OpenImagesImageLabel {
  readonly imageId: string;
  readonly labelName: string;
  readonly source: string;
  readonly confidence: number;
}

function bad(path: string, line: number, text: string): GritlocError {
  return new GritlocError(
    "E_DATA_INVALID",
    `${path}:${line}: ${text}. Check that the manifest points at the Open Images file it names (a damaged download is deleted and fetched again on the next run).`,
  );
}

/**
 * Reads class-descriptions-boxable.csv (`MID,Display name` lines, no header; a `LabelName,DisplayName`
 * header is skipped when present).
 * @throws GritlocError E_NOT_FOUND for a missing file, E_DATA_INVALID for a line without two fields.
 * @example
 * const classes = await readOpenImagesClasses("downloads/class-descriptions-boxable.csv");
 * classes[0]; // { mid: "/m/011k07", displayName: "Tortoise" }
 */
export async function readOpenImagesClasses(path: string): Promise<OpenImagesClass[]> {
  const classes: OpenImagesClass[] = [];
  for await (const [line, fields] of readCsvRows(path)) {
    if (line === 1 && fields[0] === "LabelName") continue;
    const [mid, displayName] = fields;
    if (
      fields.length < 2 ||
      mid === undefined ||
      displayName === undefined ||
      mid === "" ||
      displayName === ""
    ) {
      throw bad(path, line, `expected "MID,Display name", got ${JSON.stringify(fields.join(","))}`);
    }
    classes.push({ mid, displayName });
  }
  return classes;
}

function flag(value: string | undefined, path: string, line: number, column: string): OpenImagesFlag {
  if (value === "1") return 1;
  if (value === "0") return 0;
  if (value === "-1" || value === "" || value === undefined) return -1;
  throw bad(path, line, `${column} is ${JSON.stringify(value)}, expected 1, 0 or -1`);
}

function coordinate(value: string | undefined, path: string, line: number, column: string): number {
  const parsed = Number(value);
  if (value === undefined || value.trim() === "" || !Number.isFinite(parsed)) {
    throw bad(path, line, `${column} is ${JSON.stringify(value)}, expected a number`);
  }
  return parsed;
}

const BOX_COLUMNS = [
  "ImageID",
  "Source",
  "LabelName",
  "XMin",
  "XMax",
  "YMin",
  "YMax",
  "IsOccluded",
  "IsTruncated",
  "IsGroupOf",
  "IsDepiction",
  "IsInside",
] as const;

/** A row's image id is kept when it is non-empty and, given `imageIds`, one of them. */
const wanted = (imageId: string | undefined, imageIds: ReadonlySet<string> | undefined): boolean =>
  !!imageId && (imageIds === undefined || imageIds.has(imageId));

/**
 * Streams a bbox CSV (header `ImageID,Source,LabelName,Confidence,XMin,XMax,YMin,YMax,IsOccluded,…`) and
 * keeps the rows of `imageIds` only (every row with an image id when `imageIds` is undefined), grouped by
 * image id in file order. Images without a row are absent from the map.
 * @throws GritlocError E_NOT_FOUND for a missing file, E_DATA_INVALID naming the line of a malformed kept row
 *   or a missing column.
 * @example
 * const boxes = await readOpenImagesBoxes("downloads/test-annotations-bbox.csv", new Set(["000026e7ee790996"]));
 */
export async function readOpenImagesBoxes(
  path: string,
  imageIds?: ReadonlySet<string>,
): Promise<Map<string, OpenImagesBox[]>> {
  const byImage = new Map<string, OpenImagesBox[]>();
  let c: Record<(typeof BOX_COLUMNS)[number], number> | null = null;
  for await (const [line, f] of readCsvRows(path)) {
    if (c === null) {
      c = columnIndex(f, BOX_COLUMNS, path);
      continue;
    }
    const imageId = f[c.ImageID] as string;
    if (!wanted(imageId, imageIds)) continue;
    const box: OpenImagesBox = {
      imageId,
      labelName: f[c.LabelName] ?? "",
      source: f[c.Source] ?? "",
      xMin: coordinate(f[c.XMin], path, line, "XMin"),
      xMax: coordinate(f[c.XMax], path, line, "XMax"),
      yMin: coordinate(f[c.YMin], path, line, "YMin"),
      yMax: coordinate(f[c.YMax], path, line, "YMax"),
      isOccluded: flag(f[c.IsOccluded], path, line, "IsOccluded"),
      isTruncated: flag(f[c.IsTruncated], path, line, "IsTruncated"),
      isGroupOf: flag(f[c.IsGroupOf], path, line, "IsGroupOf"),
      isDepiction: flag(f[c.IsDepiction], path, line, "IsDepiction"),
      isInside: flag(f[c.IsInside], path, line, "IsInside"),
    };
    const list = byImage.get(imageId);
    if (list === undefined) byImage.set(imageId, [box]);
    else list.push(box);
  }
  if (c === null) throw bad(path, 1, "the file is empty (no header)");
  return byImage;
}

/**
 * Streams a human image-label CSV (header `ImageID,Source,LabelName,Confidence`) and keeps the rows of
 * `imageIds` (every row with an image id when `imageIds` is undefined), grouped by image id.
 * @throws GritlocError E_NOT_FOUND for a missing file, E_DATA_INVALID for a malformed kept row or a missing column.
 */
export async function readOpenImagesImageLabels(
  path: string,
  imageIds?: ReadonlySet<string>,
): Promise<Map<string, OpenImagesImageLabel[]>> {
  const byImage = new Map<string, OpenImagesImageLabel[]>();
  let c: Record<"ImageID" | "Source" | "LabelName" | "Confidence", number> | null = null;
  for await (const [line, f] of readCsvRows(path)) {
    if (c === null) {
      c = columnIndex(f, ["ImageID", "Source", "LabelName", "Confidence"] as const, path);
      continue;
    }
    const imageId = f[c.ImageID] as string;
    if (!wanted(imageId, imageIds)) continue;
    const label: OpenImagesImageLabel = {
      imageId,
      labelName: f[c.LabelName] ?? "",
      source: f[c.Source] ?? "",
      confidence: coordinate(f[c.Confidence], path, line, "Confidence"),
    };
    const list = byImage.get(imageId);
    if (list === undefined) byImage.set(imageId, [label]);
    else list.push(label);
  }
  if (c === null) throw bad(path, 1, "the file is empty (no header)");
  return byImage;
}
