/**
 * Starts a runner worker on a RunFixture with the test doubles (no model, no sharp), as `runInference` would
 * with a real localizer and prepare pool.
 */

import { sha256File } from "../../../src/data/hash-file.js";
import type { Localizer } from "../../../src/models/localizer.js";
import type { RunHandle } from "../../../src/run/run-handle.js";
import { startRun } from "../../../src/run/run-handle.js";
import {
  type RoleOptions,
  type RunTuning,
  resolveRole,
  resolveTuning,
} from "../../../src/run/run-options.js";
import { runWorker } from "../../../src/run/run-worker.js";
import { newWorkerId } from "../../../src/run/worker-id.js";
import type { RunFixture } from "./run-fixture.js";
import { createTestLocalizer, testPrepare } from "./test-localizer.js";

export interface TestWorkerOptions extends RoleOptions, RunTuning {
  readonly localizer?: Localizer;
  readonly limit?: number;
  readonly retryErrors?: boolean;
  readonly samples?: RunFixture["samples"];
}

export function startTestWorker(fixture: RunFixture, options: TestWorkerOptions = {}): RunHandle {
  const workerId = newWorkerId();
  const localizer = options.localizer ?? createTestLocalizer();
  return startRun(workerId, async (emit, signal) => {
    const config = {
      samples: options.samples ?? fixture.samples,
      samplesFile: { path: fixture.samplesPath, sha256: await sha256File(fixture.samplesPath) },
      modelSpec: { family: "test" },
      imagesDir: fixture.imagesDir,
      runDir: fixture.runDir,
      workerId,
      role: resolveRole(options),
      limit: options.limit ?? Number.POSITIVE_INFINITY,
      retryErrors: options.retryErrors ?? false,
      ...resolveTuning({ flushIntervalMs: 50, pollIntervalMs: 20, listIntervalMs: 1, ...options }, 1),
    };
    return runWorker({ localizer, prepare: testPrepare }, config, emit, signal);
  });
}
