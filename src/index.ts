/**
 * gritloc's public API. Only the exports from this file are available to users and notebooks; each is named
 * explicitly and grouped by pipeline stage (design §2: samples → plan → vision → ONNX → box → journal → merge
 * → submission → score → pictures).
 */

export { defaultCacheDir } from "./cache-dir.js";
// Errors and logging
export { GritlocError, type GritlocErrorCode, invalidOption, isGritlocError } from "./errors.js";
export { createLogger, type LogHandler, type LogLevel, type LogRecord, setLogHandler } from "./logger.js";

// GRIT: samples, boxes, metric, submissions

// Data setup: manifests, downloads, images, distortions
export type {
  DownloadDoneEvent,
  DownloadEvent,
  DownloadProgressEvent,
  DownloadRetryEvent,
  DownloadStartEvent,
} from "./data/download-events.js";
export { type DownloadOptions, type DownloadResult, downloadFile } from "./data/download-file.js";
export {
  type FetchedModel,
  type FetchModelOptions,
  fetchModelFiles,
  type ModelFileEvent,
} from "./data/fetch-model.js";
export {
  type ArchiveFile,
  type CocoSource,
  type GritDataManifest,
  type ImageUrlSource,
  loadGritManifest,
  type Nyuv2Source,
  parseGritManifest,
} from "./data/grit-manifest.js";
export type { RemoteFile } from "./data/manifest-reader.js";
export {
  loadModelsManifest,
  type ModelEntry,
  type ModelFile,
  type ModelsManifest,
  parseModelsManifest,
} from "./data/models-manifest.js";

// Text: CLIP tokenizer
export { basicClean, cleanText, whitespaceClean } from "./text/clean-text.js";
export { ClipTokenizer, type EncodePaddedOptions, type PaddedTokens } from "./text/clip-tokenizer.js";
export { fixText } from "./text/fix-text.js";
export { htmlUnescape } from "./text/html-unescape.js";
export type { Heatmap } from "./vision/heatmap.js";
// Vision: decode, resize, SLIC, heatmap, box search, worker pool
export type { RgbImage, Size } from "./vision/image.js";
export type { PreparedImage, PrepareSpec, SlicPyramidOptions } from "./vision/prepare.js";
export type { LabelMap } from "./vision/slic.js";

// ONNX: graph builder, sessions

// Models: the Localizer interface, families, registry
export type { Localization, Localizer, LocalizerInfo } from "./models/localizer.js";

// Run: plan, journal, runner, merge

// Visualization
export { type EncodeOptions, encodeJpeg, encodePng, type JpegOptions } from "./vision/encode.js";
export { blendHeatmap, type HeatmapOverlayOptions, heatmapOverlayPng } from "./viz/heatmap-overlay.js";
