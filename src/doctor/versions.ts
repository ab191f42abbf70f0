/**
 * What runs: the versions of Node, onnxruntime-node (the copy gritloc actually loads) and gritloc.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { onnxRuntimeNodeDir } from "../onnx/session.js";
import { gritlocVersion } from "../run/run-manifest.js";

export interface DoctorVersions {
  /** e.g. "v22.12.0". */
  readonly node: string;
  readonly onnxruntimeNode: string;
  /** The onnxruntime-node folder loaded (differs from gritloc's own with `$GRITLOC_ONNXRUNTIME_NODE`). */
  readonly onnxruntimeNodePath: string;
  readonly gritloc: string;
}

/** @example collectVersions() // { node: "v22.12.0", onnxruntimeNode: "1.30.0", gritloc: "0.1.0", ... } */
export function collectVersions(): DoctorVersions {
  const dir = onnxRuntimeNodeDir();
  const { version } = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { version: string };
  return {
    node: process.version,
    onnxruntimeNode: version,
    onnxruntimeNodePath: dir,
    gritloc: gritlocVersion(),
  };
}
