/**
 * RegionCLIP's weights as zero-shot inference loads them (`tools/train_net.py`: `MODEL.WEIGHTS`, then
 * `MODEL.CLIP.BB_RPN_WEIGHTS`, then `MODEL.CLIP.TEXT_EMB_PATH`): the `.pth` files → one TensorSource whose
 * names are those of the loaded `CLIPFastRCNN` state dict (the names of the fixture's `weights.safetensors`),
 * plus `lang_encoder.*` for the text side. Only the tensors inference needs are exposed.
 *
 * - From the RegionCLIP file: `backbone.*` (CLIP visual ResNet + attnpool) and `lang_encoder.*` (CLIP text
 *   tower); `teacher_backbone.*` and anything else are ignored.
 * - From the RPN file (`rpn_lvis_866.pth`): every key containing `backbone` renamed to `offline_backbone`, every
 *   key containing `proposal_generator` to `offline_proposal_generator`; `roi_heads.*` dropped
 *   (`align_and_update_state_dicts_for_CLIP(bb_rpn_weights=True)`). Without an RPN file the `offline_*`
 *   tensors of the RegionCLIP file are used, as the custom-image demo (no `BB_RPN_WEIGHTS`) does.
 * - `roi_heads.box_predictor.cls_score.weight` = the class embeddings [K, D] when given;
 *   `roi_heads.box_predictor.cls_bg_score.weight` = zeros [1, D] (a zero-initialised bias-free Linear).
 * - FrozenBN's loading rule (`detectron2/layers/batch_norm.py`): when the state dict's `_metadata` gives a
 *   FrozenBN module a version below 3, `running_var -= 1e-5`. It can only apply to the RegionCLIP file: the RPN
 *   file's tensors reach `load_state_dict` in a new dict without `_metadata` (version None: kept as stored).
 * - Either file may instead be a `.safetensors` file holding the same state-dict names (no `_metadata`, so no
 *   FrozenBN rule), e.g. the fixtures' `weights.safetensors` or the doctor's random model. A `.safetensors`
 *   weights file may also carry `cls_score.weight` (the class embeddings); a class-embeddings file replaces it.
 */
import { GritlocError } from "../../errors.js";
import { type SafetensorsDtype, SafetensorsFile } from "../weights/safetensors-reader.js";
import type { TensorInfo, TensorSource } from "../weights/tensor-source.js";
import { openTorchStateDict, readTorchTensor, type TorchStateDict } from "../weights/torch-checkpoint.js";

/** The files zero-shot inference reads. */
export interface RegionClipWeightFiles {
  /** `regionclip_pretrained-cc_rn50.pth` / `..._rn50x4.pth` (`MODEL.WEIGHTS`). */
  readonly weights: string;
  /** `rpn_lvis_866.pth` (`MODEL.CLIP.BB_RPN_WEIGHTS`); without it the RegionCLIP file's `offline_*` tensors. */
  readonly rpnWeights?: string;
  /** `lvis_1203_cls_emb.pth` / `..._rn50x4.pth` (`MODEL.CLIP.TEXT_EMB_PATH`): one [K, D] tensor. */
  readonly classEmbeddings?: string;
}

/** The inference tensors by `CLIPFastRCNN` state-dict name (+ `lang_encoder.*`); `path` is `files.weights`. */
export interface RegionClipWeights extends TensorSource {
  readonly files: RegionClipWeightFiles;
}

export const CLS_SCORE = "roi_heads.box_predictor.cls_score.weight";
export const CLS_BG_SCORE = "roi_heads.box_predictor.cls_bg_score.weight";
/** attnpool's output projection [D, C]: its rows give the region-feature (and class-embedding) width D. */
const ATTNPOOL_OUT = "backbone.attnpool.c_proj.weight";

const FROZEN_BN_EPS = Math.fround(1e-5);

type Entry = TensorInfo & { read(): Float32Array };

function invalid(path: string, problem: string): GritlocError {
  return new GritlocError("E_WEIGHTS_INVALID", `${path}: ${problem}`);
}

/** `running_var` of a FrozenBN whose recorded `_metadata` version is below 3: stored − eps (float32). */
function upgradeRunningVar(values: Float32Array): Float32Array {
  for (let i = 0; i < values.length; i++) values[i] = Math.fround(values[i] - FROZEN_BN_EPS);
  return values;
}

/** The module of a tensor name: "a.b.running_var" → "a.b". */
const moduleOf = (name: string) => name.slice(0, Math.max(0, name.lastIndexOf(".")));

/** A RegionCLIP-file tensor, with FrozenBN's version rule applied to `running_var`. */
function regionClipEntry(file: TorchStateDict, name: string): Entry {
  const info = file.entries.get(name)!;
  const version = file.moduleVersion(moduleOf(name));
  const upgrade = name.endsWith(".running_var") && version !== undefined && version < 3;
  return {
    name,
    dtype: info.dtype,
    shape: info.shape,
    read: () => (upgrade ? upgradeRunningVar(file.readFloat32(name)) : file.readFloat32(name)),
  };
}

/** A `.safetensors` file holds state-dict names as they are (the name's case is ignored). */
const isSafetensors = (path: string) => path.toLowerCase().endsWith(".safetensors");

/** A `.pth` state dict, or a `.safetensors` file seen as one (no `_metadata`: no module versions). */
async function openStateDict(path: string): Promise<TorchStateDict> {
  if (!isSafetensors(path)) return openTorchStateDict(path);
  const file = SafetensorsFile.open(path);
  return {
    path,
    entries: file.entries,
    hasMetadata: false,
    moduleVersion: () => undefined,
    readFloat32: (name) => file.readFloat32(name),
    close: () => file.close(),
  };
}

/** `str.replace` of Python: every occurrence. */
const replaceAll = (s: string, from: string, to: string) => s.split(from).join(to);

/**
 * Opens the RegionCLIP files (`.pth`, or `.safetensors` under the state-dict names) and maps their tensors to
 * inference names. Nothing but the pickles (or headers) is read here; tensors are read on demand (the class
 * embeddings of a `.pth`, one small tensor, at once).
 * @throws GritlocError E_NOT_FOUND for a missing file; E_WEIGHTS_INVALID naming the file when it is not a
 *   checkpoint, lacks `backbone.*` / the offline RPN tensors, or its class embeddings are not [K, D].
 */
export async function openRegionClipWeights(files: RegionClipWeightFiles): Promise<RegionClipWeights> {
  const opened: TorchStateDict[] = [];
  try {
    const main = await openStateDict(files.weights);
    opened.push(main);
    const entries = new Map<string, Entry>();
    for (const name of main.entries.keys()) {
      const wanted =
        name.startsWith("backbone.") ||
        name.startsWith("lang_encoder.") ||
        (files.rpnWeights === undefined &&
          (name.startsWith("offline_backbone.") || name.startsWith("offline_proposal_generator.")));
      if (wanted && !name.endsWith(".num_batches_tracked")) entries.set(name, regionClipEntry(main, name));
    }
    if (!entries.has(ATTNPOOL_OUT))
      throw invalid(
        files.weights,
        `not a RegionCLIP checkpoint: no "${ATTNPOOL_OUT}" (first tensors: ${[...main.entries.keys()].slice(0, 5).join(", ")})`,
      );
    if (files.rpnWeights !== undefined) {
      const rpn = await openStateDict(files.rpnWeights);
      opened.push(rpn);
      for (const [original, info] of rpn.entries) {
        if (original.endsWith(".num_batches_tracked")) continue;
        let name: string | undefined;
        if (original.includes("backbone")) name = replaceAll(original, "backbone", "offline_backbone");
        if (original.includes("proposal_generator"))
          name = replaceAll(original, "proposal_generator", "offline_proposal_generator");
        if (name === undefined) continue;
        entries.set(name, {
          name,
          dtype: info.dtype,
          shape: info.shape,
          read: () => rpn.readFloat32(original),
        });
      }
    }
    const offlineSource = files.rpnWeights ?? files.weights;
    for (const required of ["offline_backbone.", "offline_proposal_generator."]) {
      if (![...entries.keys()].some((n) => n.startsWith(required)))
        throw invalid(
          offlineSource,
          files.rpnWeights === undefined
            ? `has no offline RPN tensors (${required}*); pass the RPN weights (rpn_lvis_866.pth) too`
            : `has no ${required.replace("offline_", "")}* tensors; is it rpn_lvis_866.pth?`,
        );
    }
    const width = entries.get(ATTNPOOL_OUT)!.shape[0];
    const checkEmbeddings = (path: string, shape: readonly number[]) => {
      if (shape.length !== 2 || shape[1] !== width)
        throw invalid(
          path,
          `class embeddings have shape [${shape.join(", ")}], expected [K, ${width}] for these RegionCLIP weights`,
        );
    };
    if (files.classEmbeddings !== undefined) {
      const emb = await readTorchTensor(files.classEmbeddings);
      checkEmbeddings(files.classEmbeddings, emb.shape);
      entries.set(CLS_SCORE, constant(CLS_SCORE, emb.dtype, emb.shape, emb.data));
    } else if (isSafetensors(files.weights) && main.entries.has(CLS_SCORE)) {
      checkEmbeddings(files.weights, main.entries.get(CLS_SCORE)!.shape);
      entries.set(CLS_SCORE, regionClipEntry(main, CLS_SCORE));
    }
    entries.set(CLS_BG_SCORE, constant(CLS_BG_SCORE, "F32", [1, width], new Float32Array(width)));
    return {
      files,
      path: files.weights,
      entries,
      readFloat32(name) {
        const entry = entries.get(name);
        if (entry === undefined)
          throw invalid(
            files.weights,
            `tensor "${name}": missing. Check that the file is a RegionCLIP checkpoint.`,
          );
        return entry.read();
      },
      close: () => {
        for (const file of opened) file.close();
      },
    };
  } catch (error) {
    for (const file of opened) file.close();
    throw error;
  }
}

/** A tensor held in memory (each read returns a copy, so callers may modify it). */
function constant(
  name: string,
  dtype: SafetensorsDtype,
  shape: readonly number[],
  data: Float32Array,
): Entry {
  return { name, dtype, shape, read: () => data.slice() };
}
