/**
 * What the proxy builder needs from each public source: its draw pool, how a drawn pair becomes a GRIT
 * sample (query, image id, example id in GRIT's layouts) and, once the images are present, its ground truth.
 */
import type { BoxXyxy } from "../grit/box.js";
import type { Size } from "../vision/image.js";
import type { DrawnPair, PairPool } from "./draw-pairs.js";

export type ProxySourceName = "coco" | "open_images" | "nyuv2";

/** Sources in the order samples are written. */
export const PROXY_SOURCES: readonly ProxySourceName[] = ["coco", "open_images", "nyuv2"];

/** A drawn pair as a GRIT sample, before ground truth. */
export interface ProxyPairSample {
  readonly pair: DrawnPair;
  readonly exampleId: string;
  /** e.g. "coco/val2017/000000000139.jpg", relative to images/. */
  readonly imageId: string;
  readonly query: string;
  /** Which GRIT id layout the example id follows, e.g. "<query>_<image>" (counted in the report). */
  readonly layout: string;
}

/** Ground truth of one sample: boxes in pixels of the image as stored, and that image's size. */
export interface ProxyTruth {
  readonly bboxes: readonly BoxXyxy[];
  readonly imageSize: Size;
}

export interface ProxySource {
  readonly name: ProxySourceName;
  /** `meta.data_source` of its records. */
  readonly dataSource: string;
  readonly pool: PairPool;
  toSample(pair: DrawnPair): ProxyPairSample;
  /**
   * Ground truth by example id for `samples` (of this source) whose image is in `sizes` (image id → the size
   * of the image as stored, measured by decoding it); samples without a size get none.
   */
  groundTruth(
    samples: readonly ProxyPairSample[],
    sizes: ReadonlyMap<string, Size>,
  ): Promise<ReadonlyMap<string, ProxyTruth>>;
}
