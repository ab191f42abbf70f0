/**
 * gritloc's public API. Only the exports from this file are available to users and notebooks; each is named
 * explicitly and grouped by pipeline stage (design §2: samples → plan → vision → ONNX → box → journal → merge
 * → submission → score → pictures).
 */

// Errors, logging, cache location
export { defaultCacheDir } from "./cache-dir.js";
export { GritlocError, type GritlocErrorCode, invalidOption, isGritlocError } from "./errors.js";
export {
  createLogger,
  defaultLogHandler,
  type LogHandler,
  type LogLevel,
  type LogRecord,
  setLogHandler,
} from "./logger.js";

// GRIT: samples, boxes, metric, submissions
export {
  type ApPartition,
  type ApReport,
  type ApReportOptions,
  type ApScores,
  apReport,
} from "./grit/ap-report.js";
export type { BoxXyxy } from "./grit/box.js";
export {
  GRIT_CONCEPT_GROUPS,
  type GritConceptGroup,
  type Lemma2Groups,
  loadLemma2Groups,
  parseLemma2Groups,
} from "./grit/concept-groups.js";
export {
  type ApPercent,
  type CoveredApPartition,
  type CoveredApReport,
  coveredApReport,
} from "./grit/covered-ap.js";
export { evaluateCoveredLocalization, withNullsForUncovered } from "./grit/covered-metrics.js";
export {
  GRIT_LOCALIZATION_SOURCES,
  type GritCoverage,
  groundTruthCoverage,
  type PartitionCoverage,
  type SourcePartition,
  WITHIN_SOURCE_PARTITIONS,
  type WithinSourcePartition,
} from "./grit/coverage.js";
export {
  GROUND_TRUTH_KINDS,
  GT_REPORT_NAME,
  type GroundTruthKind,
  type GroundTruthKindInfo,
  readGroundTruthKind,
} from "./grit/ground-truth-kind.js";
export { boxArea, computeIou } from "./grit/iou.js";
export { type LoadedPredictions, loadPredictions } from "./grit/load-predictions.js";
export { assignBoxes, type LocAssignment, locMetric } from "./grit/loc-metric.js";
export { mergePredictions, type PredictionConflict } from "./grit/merge-predictions.js";
export {
  type EvaluateLocalizationOptions,
  evaluateLocalization,
  GRIT_PARTITIONS,
  type GritMetrics,
  type GritPartition,
} from "./grit/metric.js";
export {
  computeSampleRecords,
  GRIT_MEASURES,
  type GritMeasure,
  type SampleRecord,
} from "./grit/sample-records.js";
export {
  type GritConcept,
  type GritSample,
  type GritSampleMeta,
  loadSamples,
  parseSamples,
  type SampleProblem,
} from "./grit/samples.js";
export {
  type ScoredPredictionFiles,
  type ScorePredictionFilesOptions,
  scorePredictionFiles,
} from "./grit/score-files.js";
export { type ScoreNotice, type ScoreNoticeKind, scoreNotice } from "./grit/score-notice.js";
export { formatApTable, formatScoreReport, scoreReportJson } from "./grit/score-report.js";
export { type GritScores, type IntervalScore, toGritScores } from "./grit/scores.js";
export { formatScoresTable, HEADLINE_ROWS, type ScoresTableOptions } from "./grit/scores-table.js";
export { serializeSamples } from "./grit/serialize-samples.js";
export { parsePredictions, type SubmissionEntry, serializePredictions } from "./grit/submission.js";
export {
  type GritSubset,
  type SubmissionZipResult,
  type WriteSubmissionZipOptions,
  writeSubmissionZip,
} from "./grit/submission-zip.js";
export { type WriteSubmissionFromFilesOptions, writeSubmissionFromFiles } from "./grit/submit-files.js";
export { studentTQuantile } from "./grit/t-quantile.js";
export {
  type PredictionFilesReport,
  type ValidatePredictionFilesOptions,
  validatePredictionFiles,
} from "./grit/validate-files.js";
export {
  formatPredictionProblems,
  type PredictionProblem,
  type PredictionProblemKind,
  validatePredictions,
} from "./grit/validate-predictions.js";
export {
  type BoxOutsideImage,
  findBoxesOutsideImage,
  formatBoxesOutsideImage,
  OUTSIDE_IMAGE_SCORING,
} from "./grit/boxes-outside-image.js";

// Data setup: manifests, downloads, images, distortions
export { applyDistortionDelta, floatToUint8 } from "./data/apply-delta.js";
export type {
  DownloadDoneEvent,
  DownloadEvent,
  DownloadProgressEvent,
  DownloadRetryEvent,
  DownloadStartEvent,
} from "./data/download-events.js";
export { type DownloadOptions, type DownloadResult, downloadFile } from "./data/download-file.js";
export { type ExtractOptions, extractArchive, type ZipExtractor } from "./data/extract-archive.js";
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
  type GroundTruthSources,
  type ImageUrlSource,
  loadGritManifest,
  type Nyuv2Source,
  type OpenImagesAnnotationFiles,
  parseGritManifest,
} from "./data/grit-manifest.js";
export { type Hdf5Array, Hdf5Reader, type NumericArray, type NumericDtype } from "./data/hdf5-file.js";
export type { RemoteFile } from "./data/manifest-reader.js";
export {
  loadModelsManifest,
  type ModelEntry,
  type ModelFile,
  type ModelsManifest,
  parseModelsManifest,
} from "./data/models-manifest.js";
export { extractNyuv2Images } from "./data/nyuv2-images.js";
export {
  type DistortedImage,
  IMAGE_SOURCES,
  type ImagePlan,
  type ImageSource,
  planImages,
} from "./data/plan-images.js";
export type {
  ArchiveDownloadEvent,
  ItemEvent,
  ItemFailedEvent,
  NoteEvent,
  PhaseEndEvent,
  PhaseStartEvent,
  SetupEvent,
  SetupPhase,
} from "./data/setup-events.js";
export { type SetupGritOptions, setupGrit } from "./data/setup-grit.js";
export type { ReportDownload, SetupReport } from "./data/setup-report.js";
export { type VerifyGritOptions, verifyGritImages } from "./data/verify-grit-images.js";
export type { SourceCheck } from "./data/verify-images.js";
export { type LabeledMatContent, writeLabeledMat } from "./data/write-labeled-mat.js";

// Ground truth: an unofficial rebuild of GRIT's hidden Open Images + NYUv2 ground truth from public annotations
export {
  type BuildGroundTruthOptions,
  buildGroundTruth,
  type GroundTruthBuild,
  groundTruthDir,
} from "./gt/build-ground-truth.js";
export { columnIndex, readCsvRows, splitCsvLine } from "./gt/csv-rows.js";
export {
  type GroundTruthFields,
  type GroundTruthRecord,
  groundTruthRecord,
  serializeGroundTruth,
} from "./gt/ground-truth-record.js";
export {
  emptyCounts,
  formatGtReport,
  type GtReport,
  type LayoutCounts,
  type UnresolvedReason,
  type UnresolvedSample,
} from "./gt/gt-report.js";
export {
  COCO_80_NAMES,
  DEFAULT_GT_RULES,
  GT_RULE_CHOICES,
  type GtRules,
  hasNewConcept,
  resolveGtRules,
} from "./gt/gt-rules.js";
export {
  instanceExtents,
  NYUV2_DATASETS,
  Nyuv2Annotations,
  type Nyuv2InstanceExtent,
} from "./gt/nyuv2-annotations.js";
export { nyuv2GroundTruth, resolveNyuv2Query } from "./gt/nyuv2-ground-truth.js";
export {
  type OpenImagesBox,
  type OpenImagesClass,
  type OpenImagesFlag,
  type OpenImagesImageLabel,
  readOpenImagesBoxes,
  readOpenImagesClasses,
  readOpenImagesImageLabels,
} from "./gt/open-images-annotations.js";
export {
  indexOpenImagesClasses,
  type OpenImagesClassIndex,
  type OpenImagesGroundTruth,
  openImagesGroundTruth,
} from "./gt/open-images-ground-truth.js";
export {
  descendantClasses,
  type OpenImagesHierarchy,
  parseOpenImagesHierarchy,
  readOpenImagesHierarchy,
} from "./gt/open-images-hierarchy.js";
export {
  mergeExtents,
  type NormalizedBox,
  nyuv2PixelBox,
  openImagesPixelBox,
  scaleCoordinate,
} from "./gt/pixel-boxes.js";
export {
  GT_SOURCES,
  type GtSource,
  layoutsOf,
  type ParsedSampleId,
  parseSampleId,
  type SampleIdLayout,
} from "./gt/sample-id-layout.js";

// Text: CLIP tokenizer
export { basicClean, cleanText, whitespaceClean } from "./text/clean-text.js";
export { ClipTokenizer, type EncodePaddedOptions, type PaddedTokens } from "./text/clip-tokenizer.js";
export { fixText } from "./text/fix-text.js";
export { htmlUnescape } from "./text/html-unescape.js";
// Vision: decode, resize, SLIC, heatmap, box search, worker pool
export {
  type BoxSearchOptions,
  type BoxSearchStages,
  boxSearch,
  boxSearchStages,
} from "./vision/box-search.js";
export { type DecodeOptions, decodeImage, type ImageHeader, readImageHeader } from "./vision/decode.js";
export { type Heatmap, heatmapFromLabels } from "./vision/heatmap.js";
export type { RgbImage, Size } from "./vision/image.js";
export {
  type PreparedImage,
  type PrepareSpec,
  prepareDecoded,
  prepareImage,
  type SlicPyramidOptions,
} from "./vision/prepare.js";
export { createPreparePool, type PreparePool, type PreparePoolOptions } from "./vision/prepare-pool.js";
export { resizeBicubic } from "./vision/resize.js";
export { scaleBoxToSource } from "./vision/scale-box.js";
export { type LabelMap, type SlicOptions, slic, slicPyramid } from "./vision/slic.js";

// ONNX: graph builder, sessions

export {
  float16BitsToFloat32,
  float32ToFloat16Bits,
  fromBfloat16Bits,
  fromFloat16Bits,
  roundToFloat16,
  toFloat16Bits,
} from "./onnx/float16.js";
export {
  type Attributes,
  type AttributeValue,
  DEFAULT_OPSET,
  type Dim,
  float,
  floats,
  GraphBuilder,
  type OnnxModel,
  type TensorSpec,
  type TensorValues,
} from "./onnx/graph-builder.js";
export { encodeModel, type WriteModelOptions, writeModelFiles } from "./onnx/model-writer.js";
export { type AttentionOptions, mergeHeads, multiHeadAttention, splitHeads } from "./onnx/nn/attention.js";
export { type DerivedWeight, NnContext, transpose2d, type WeightReader } from "./onnx/nn/context.js";
export { layerNorm } from "./onnx/nn/layer-norm.js";
export { linear, linearWeight, qkvProjection } from "./onnx/nn/linear.js";
export { mlp, quickGelu } from "./onnx/nn/mlp.js";
export type { BlockNames, LayerNormNames, LinearNames, QkvNames } from "./onnx/nn/names.js";
export { blockMlp, blockQkv, residualAttentionBlock } from "./onnx/nn/residual-attention-block.js";
export {
  CUDA_INSTALL_COMMAND,
  chooseExecution,
  type ExecutionChoice,
  OnnxSession,
  onnxRuntimeNodeDir,
  type Precision,
  type PrecisionRequest,
  type Provider,
  type ProviderRequest,
  type RuntimeOptions,
  type SessionOptions,
  type SessionTensor,
  validateRuntimeOptions,
} from "./onnx/session.js";

// Models: the Localizer interface, families, registry

export {
  type ClipCheckpoint,
  clipCheckpointFromTensors,
  type OpenClipOptions,
  openClipCheckpoint,
  safetensorsWeightReader,
} from "./models/clip/checkpoint.js";
export { buildClipTextModel, buildSpatialVisionModel } from "./models/clip/clip-graphs.js";
export { ClipTextEncoder } from "./models/clip/clip-text-encoder.js";
export {
  type ClipConfig,
  checkClipWeights,
  clipConfigToJson,
  inferClipConfig,
  parseClipConfigJson,
  readClipConfigFile,
} from "./models/clip/config.js";
export { cachedGraph, GRAPH_FORMAT_VERSION } from "./models/clip/graph-cache.js";
export { slicVitPositionalEmbedding, upsampleGridBilinear } from "./models/clip/positional-embedding.js";
export { CLIP_MEAN, CLIP_STD, clipPixelValues } from "./models/clip/preprocess.js";
export {
  type AttendedRowGroup,
  type RegionAttentionRows,
  SpatialVisionEncoder,
  type SpatialVisionEncoderOptions,
} from "./models/clip/spatial-vision-encoder.js";
export {
  type RegionAttention,
  type SpatialGeometry,
  type SpatialVisionOptions,
  spatialGeometry,
} from "./models/clip/spatial-vision-graph.js";
export { type LoadedTokenizer, loadClipTokenizer, type TextTokenizer } from "./models/clip/text-tokenizer.js";
export { addClipTextEncoder, clipTextPooled, type TextTowerShape } from "./models/clip/text-tower.js";
export {
  type ClipNames,
  type ClipNaming,
  type ClipTextNames,
  type ClipVisionNames,
  clipNames,
  detectClipNaming,
  huggingFaceClipNames,
  openAiClipNames,
} from "./models/clip/weight-names.js";
export { type InstalledModel, type InstallModelOptions, installModel } from "./models/install-model.js";
export {
  type LocalizeImageOptions,
  type LocalizeImageResult,
  localizeImage,
  type QueryResult,
} from "./models/localize-image.js";
export type { Localization, Localizer, LocalizerInfo } from "./models/localizer.js";
export { computeBoxBias } from "./models/owlvit/box-bias.js";
export type { OwlVitDetections } from "./models/owlvit/detections.js";
export { type GritPostProcessOptions, gritPostProcess } from "./models/owlvit/grit-post-process.js";
export {
  createOwlVitLocalizer,
  type OwlVitFiles,
  type OwlVitIdentity,
  type OwlVitImageEncoding,
  OwlVitLocalizer,
  type OwlVitQueryEncoding,
} from "./models/owlvit/localizer.js";
export type { OwlVitModelSpec } from "./models/owlvit/model-spec.js";
export {
  OWLVIT_B32_SIZE,
  type RandomOwlVitSize,
  randomOwlVitTensors,
  writeRandomOwlVit,
} from "./models/owlvit/random-owlvit.js";
export {
  OWLVIT_DEFAULTS,
  type OwlVitMode,
  type OwlVitOptions,
  type ResolvedOwlVitOptions,
  resolveOwlVitOptions,
} from "./models/owlvit/options.js";
export {
  type ObjectDetectionResult,
  postProcessObjectDetection,
} from "./models/owlvit/post-process-object-detection.js";
export {
  CLS_BG_SCORE,
  CLS_SCORE,
  openRegionClipWeights,
  type RegionClipWeightFiles,
  type RegionClipWeights,
} from "./models/regionclip/checkpoint.js";
export {
  type ClassEmbeddings,
  embedConcept,
  embedConcepts,
  lvisVocabulary,
  type PromptEmbedder,
  type QueryClasses,
  queryClasses,
  type RegionClipVocabulary,
  readClassEmbeddings,
  readClassNamesFile,
  regionClipVocabulary,
} from "./models/regionclip/class-embeddings.js";
export {
  conceptKey,
  prepareLvisName,
  prepareQuery,
  promptText,
  REGIONCLIP_CONTEXT_LENGTH,
  regionClipPromptIds,
  VocabularyMatcher,
} from "./models/regionclip/concept-text.js";
export {
  gritLocalization,
  type GritSelection,
  type QueryClass,
  queryClassDetections,
  type RegionEvidence,
  referenceLocalization,
} from "./models/regionclip/grit-rule.js";
export {
  createRegionClipLocalizer,
  type RegionClipFiles,
  type RegionClipIdentity,
  RegionClipLocalizer,
} from "./models/regionclip/localizer.js";
export { LVIS_V1_NAMES } from "./models/regionclip/lvis-v1-names.js";
export {
  createRegionClipFromSpec,
  type RegionClipModelSpec,
  type RegionClipSpecFiles,
  regionClipSpecFiles,
} from "./models/regionclip/model-spec.js";
export {
  REGIONCLIP_DEFAULTS,
  type RegionClipMode,
  type RegionClipOptions,
  type ResolvedRegionClipOptions,
  resolveRegionClipOptions,
} from "./models/regionclip/options.js";
export { REGIONCLIP_PROMPT_TEMPLATES } from "./models/regionclip/prompt-templates.js";
export {
  buildRegionClipTextModel,
  type RegionClipTextConfig,
  RegionClipTextEncoder,
  type RegionClipTextEncoderOptions,
  regionClipTextConfig,
} from "./models/regionclip/text-encoder.js";
export { loadRegionClipVocabulary, type VocabularySources } from "./models/regionclip/vocabulary.js";
export {
  createLocalizer,
  type LocalizerRuntime,
  type ModelFamily,
  type ModelSpec,
  type SlicVitModelSpec,
  type SmokeModelSpec,
} from "./models/registry.js";
export { buildRegionAttentionIndex, type RegionAttentionIndex } from "./models/slicvit/attention-index.js";
export {
  type ImageRegions,
  SlicVitLocalizer,
  type SlicVitLocalizerParams,
  type SlicVitTimings,
} from "./models/slicvit/localizer.js";
export {
  type ResolvedSlicVitOptions,
  resolveSlicVitOptions,
  SLICVIT_DEFAULTS,
  type SlicVitOptions,
} from "./models/slicvit/options.js";
export { normalizeRows, regionLogitsPerMap } from "./models/slicvit/region-logits.js";
export { ByteTokenizer } from "./models/smoke/byte-tokenizer.js";
export { checkSeed, randomClipTensors, SMOKE_CLIP_CONFIG } from "./models/smoke/random-clip.js";
export { createSmokeLocalizer, type SmokeLocalizerOptions } from "./models/smoke/smoke-localizer.js";
export { type WrittenSmokeModel, writeSmokeModel } from "./models/smoke/write-smoke-model.js";
export { fileSha256 } from "./models/weights/file-identity.js";
export {
  type SafetensorsDtype,
  type SafetensorsEntry,
  SafetensorsFile,
} from "./models/weights/safetensors-reader.js";
export { type SafetensorsTensor, writeSafetensors } from "./models/weights/safetensors-writer.js";
export {
  type LoadedTensor,
  readTensors,
  type TensorInfo,
  type TensorSource,
  tensorSourceWeightReader,
} from "./models/weights/tensor-source.js";
export {
  openTorchStateDict,
  readTorchTensor,
  TorchCheckpoint,
  type TorchStateDict,
  TorchStorage,
  TorchTensorRef,
} from "./models/weights/torch-checkpoint.js";

// Run: plan, journal, runner, merge
export { type MergeFailure, type MergeResult, type MergeRunOptions, mergeRun } from "./run/merge-run.js";
export type { RunCounts, RunEnd, RunEvent, RunEventType, RunSummary } from "./run/run-event.js";
export type { RunHandle } from "./run/run-handle.js";
export { type RunInferenceOptions, runInference } from "./run/run-inference.js";
export { type RunManifest, readRunManifest } from "./run/run-manifest.js";
export type { RoleOptions, RunTuning } from "./run/run-options.js";
export { formatDuration, ProgressMeter, type ProgressSnapshot } from "./run/run-progress.js";

// Visualization
export { type EncodeOptions, encodeJpeg, encodePng, type JpegOptions } from "./vision/encode.js";
export type { BoxFigureOptions } from "./viz/box-figure-options.js";
export { type BoxesFigureOptions, boxesFigure } from "./viz/boxes-figure.js";
export { findChromium } from "./viz/chromium-path.js";
export { infernoColorscale } from "./viz/colormap.js";
export { type ComparedModel, type CompareFigureOptions, compareModelsFigure } from "./viz/compare-figure.js";
export {
  GROUND_TRUTH_COLOR,
  type PlotlyFigure,
  type PlotlyLayout,
  type PlotlyTrace,
  PREDICTED_COLOR,
} from "./viz/figure.js";
export {
  type FigureHtmlOptions,
  figureHtml,
  type HtmlDisplay,
  plotlyScriptHtml,
  type ShowFigureOptions,
  showFigure,
} from "./viz/figure-html.js";
export { type GridFigureOptions, gridFigure } from "./viz/grid-figure.js";
export { type HeatmapFigureOptions, heatmapFigure } from "./viz/heatmap-figure.js";
export { blendHeatmap, type HeatmapOverlayOptions, heatmapOverlayPng } from "./viz/heatmap-overlay.js";
export { type ImageDataUriOptions, imageDataUri } from "./viz/image-data-uri.js";
export {
  HEADLINE_PARTITIONS,
  type MetricsRun,
  type PartitionFigureOptions,
  type PartitionValue,
  partitionFigure,
  partitionValues,
} from "./viz/partition-figure.js";
export {
  createRenderer,
  type FigureRenderer,
  type RendererOptions,
  type RenderOptions,
  renderPng,
} from "./viz/render-png.js";
export { type ReportOptions, type ReportSection, reportHtml } from "./viz/report-html.js";
export type { BoxPrediction, SampleView } from "./viz/sample-view.js";
export {
  type ScoreHistogramOptions,
  type ScoreSeries,
  scoreHistogramFigure,
} from "./viz/score-histogram-figure.js";

// GRIT-proxy: a local localization set with public ground truth for every partition (unofficial)
export { type BuildProxyOptions, buildProxy } from "./proxy/build-proxy.js";
export { CORRUPTION_KINDS, CORRUPTIONS, type CorruptionKind, corruptImage } from "./proxy/corruptions.js";
export {
  loadProxyManifest,
  type ProxyCocoSource,
  type ProxyDataManifest,
  type ProxyNyuv2Source,
  type ProxyOpenImagesSource,
  parseProxyManifest,
} from "./proxy/proxy-manifest.js";
export { PROXY_SIZES, type ProxySampling, type ProxySize, type SourcePlan } from "./proxy/proxy-options.js";
export { PROXY_RULES, type ProxyCounts, type ProxyReport, proxyPaths } from "./proxy/proxy-report.js";

// Notebooks: the tslab kernel
export { type InstalledKernel, type InstallKernelOptions, installKernel } from "./kernel/install-kernel.js";
export { linkPackage, type PackageLink } from "./kernel/link-package.js";

// Demo: the embedded mini GRIT set and the whole job on it
export {
  type BuildMiniGritOptions,
  buildMiniGrit,
  type MiniGrit,
  type MiniGritCounts,
} from "./demo/build-mini-grit.js";
export type { DemoEvent, DemoEventType, DemoStep, DemoWorker } from "./demo/demo-events.js";
export { type FetchedModelSpecOptions, fetchedModelSpec } from "./demo/fetched-model-spec.js";
export type { BothEndsResult, DemoInterruption } from "./demo/infer-from-both-ends.js";
export {
  MINI_GT_RULES,
  type MiniGroundTruth,
  rebuildMiniGroundTruth,
} from "./demo/rebuild-mini-ground-truth.js";
export { type DemoResult, type RunDemoOptions, runDemo } from "./demo/run-demo.js";
export type { DemoPictures } from "./demo/write-demo-pictures.js";
export { type MiniGtSources, writeMiniGtSources } from "./demo/write-mini-gt-sources.js";

// Doctor: is the setup sound, is the GPU doing the work, how fast will a run be
export type { FamilyCheck } from "./doctor/compare-family.js";
export { type CudaStatus, checkCudaProvider, describeCudaLoadError } from "./doctor/cuda-provider.js";
export { type DoctorLine, type DoctorStatus, doctorLines, formatDoctorLines } from "./doctor/doctor-lines.js";
export { type DoctorModelSize, FAMILY_PROBES, type FamilyProbe } from "./doctor/family-probes.js";
export { ABLATION_SAMPLES, type ThroughputCheck } from "./doctor/measure-throughput.js";
export { type GpuInfo, parseGpuQuery, readGpuInfo } from "./doctor/nvidia-smi.js";
export {
  cpuPlacedOps,
  type PlacementSummary,
  type ProviderPlacement,
  parsePlacementLog,
} from "./doctor/placement-log.js";
export { type DoctorOptions, type DoctorReport, type FamilyFailure, runDoctor } from "./doctor/run-doctor.js";
export type { DoctorVersions } from "./doctor/versions.js";
