#!/usr/bin/env bash
# One GPU check for a machine WITHOUT internet: `gritloc doctor --json`, bench/slicvit.ts and bench/owlvit.ts on
# CUDA, printed as one JSON object on stdout (progress on stderr).
#
# onnxruntime-node fetches its CUDA provider from NuGet at install time, which such a machine cannot reach. The
# only npm-registry package found that ships ONNX Runtime's CUDA provider libraries for Linux x64 is
# com.github.asus4.onnxruntime.linux-x64-gpu@0.4.9: ONNX Runtime 1.29.0's provider, built for CUDA 13 (it needs
# libcudart.so.13, libcublas(Lt).so.13, libcurand.so.10 and cuDNN 9 on the machine; none of those is on npm).
# A provider must come from the same ONNX Runtime version as the core library, so the run uses onnxruntime-node
# 1.29.0 (loaded through $GRITLOC_ONNXRUNTIME_NODE) instead of the project's 1.30.0. See docs/doctor.md.
#
# Usage: bench/gpu.sh [--provider cuda|cpu] [--quick] [--prepare-only] [--cache DIR]
#   --provider cpu   skip the CUDA preparation (said on stderr and in the JSON) and run everything on the CPU
#   --quick          small bench models only (bench/slicvit.ts --model small, bench/owlvit.ts --skip-b32)
#   --prepare-only   only pack the npm packages into the cache (run this where the npm registry is reachable,
#                    then copy the cache folder to the GPU machine)
#   --cache DIR      where the packed packages and the unpacked runtime go (default: <repo>/.cache/gpu-bench)
# Needs: the project checked out with its node_modules (npm ci) and dist/ built (npm run build).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PROVIDER=cuda
QUICK=0
PREPARE_ONLY=0
CACHE="$REPO/.cache/gpu-bench"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --provider) PROVIDER="$2"; shift 2 ;;
    --quick) QUICK=1; shift ;;
    --prepare-only) PREPARE_ONLY=1; shift ;;
    --cache) CACHE="$2"; shift 2 ;;
    *) echo "bench/gpu.sh: unknown argument $1 (see the usage at the top of the script)" >&2; exit 2 ;;
  esac
done
[[ "$PROVIDER" == cuda || "$PROVIDER" == cpu ]] || { echo "bench/gpu.sh: --provider must be cuda or cpu" >&2; exit 2; }

ORT_VERSION=1.29.0
PROVIDER_PACKAGE=com.github.asus4.onnxruntime.linux-x64-gpu@0.4.9
say() { echo "[gpu.sh] $*" >&2; }

# Packs the three packages into $CACHE/packages (needs the npm registry; done once).
pack_packages() {
  mkdir -p "$CACHE/packages"
  local wanted=("onnxruntime-node@$ORT_VERSION" "onnxruntime-common@$ORT_VERSION" "$PROVIDER_PACKAGE")
  if ls "$CACHE/packages/"onnxruntime-node-$ORT_VERSION.tgz "$CACHE/packages/"onnxruntime-common-$ORT_VERSION.tgz \
    "$CACHE/packages/"com.github.asus4.onnxruntime.linux-x64-gpu-0.4.9.tgz >/dev/null 2>&1; then
    say "packages already packed in $CACHE/packages"
    return
  fi
  say "packing ${wanted[*]} from the npm registry into $CACHE/packages"
  if ! (cd "$CACHE/packages" && npm pack "${wanted[@]}" >&2); then
    say "could not reach the npm registry: run 'bench/gpu.sh --prepare-only --cache DIR' on a machine that can," \
      "then copy DIR here and pass --cache DIR"
    exit 1
  fi
}

# Unpacks onnxruntime-node 1.29.0 with its onnxruntime-common and copies the CUDA provider libraries into the
# bin folder onnxruntime loads providers from (beside libonnxruntime.so).
install_runtime() {
  local root="$CACHE/runtime"
  local ort="$root/onnxruntime-node"
  rm -rf "$root"
  mkdir -p "$ort/node_modules/onnxruntime-common" "$root/provider"
  tar xzf "$CACHE/packages/onnxruntime-node-$ORT_VERSION.tgz" -C "$ort" --strip-components=1
  tar xzf "$CACHE/packages/onnxruntime-common-$ORT_VERSION.tgz" -C "$ort/node_modules/onnxruntime-common" --strip-components=1
  tar xzf "$CACHE/packages/com.github.asus4.onnxruntime.linux-x64-gpu-0.4.9.tgz" -C "$root/provider" --strip-components=1
  cp "$root/provider/Plugins/Linux/x64/"libonnxruntime_providers_*.so "$ort/bin/napi-v6/linux/x64/"
  say "onnxruntime-node $ORT_VERSION with ONNX Runtime's CUDA provider installed in $ort"
  export GRITLOC_ONNXRUNTIME_NODE="$ort"
}

PREPARATION='"skipped: --provider cpu (the project'"'"'s own onnxruntime-node runs on the CPU)"'
if [[ "$PROVIDER" == cpu ]]; then
  say "CUDA preparation SKIPPED (--provider cpu): no packages packed, the project's onnxruntime-node is used"
  [[ $PREPARE_ONLY == 1 ]] && exit 0
else
  pack_packages
  [[ $PREPARE_ONLY == 1 ]] && { say "packed; copy $CACHE to the GPU machine and run bench/gpu.sh --cache <it>"; exit 0; }
  [[ -f "$REPO/dist/cli.js" ]] || { say "dist/ is missing: run npm run build first"; exit 1; }
  install_runtime
  CUDA_CHECK="$(cd "$REPO" && node --input-type=module -e \
    'const { checkCudaProvider } = await import("./dist/index.js"); process.stdout.write(JSON.stringify(await checkCudaProvider()));')"
  PREPARATION="$(printf '{"onnxruntimeNode":"%s","providerPackage":"%s","runtime":"%s","cuda":%s}' \
    "$ORT_VERSION" "$PROVIDER_PACKAGE" "$GRITLOC_ONNXRUNTIME_NODE" "$CUDA_CHECK")"
  if [[ "$CUDA_CHECK" != *'"available":true'* ]]; then
    # onnxruntime-node 1.29.0 runs fp16 graphs on the CPU ~100x slower than 1.30.0 (docs/doctor.md), so a CUDA
    # that does not load sends everything to the CPU with the project's own onnxruntime-node.
    say "CUDA does NOT load with the prepared runtime (see cudaPreparation.cuda.reason in the summary):" \
      "running on the CPU with the project's onnxruntime-node instead"
    unset GRITLOC_ONNXRUNTIME_NODE
    PROVIDER=cpu
  fi
fi

[[ -f "$REPO/dist/cli.js" ]] || { say "dist/ is missing: run npm run build first"; exit 1; }
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
cd "$REPO"

say "gritloc doctor --json --provider $PROVIDER"
# The doctor exits 1 when a check failed; its report says which, so the script goes on.
node dist/cli.js doctor --json --provider "$PROVIDER" >"$OUT/doctor.json" || say "doctor reported a failed check"
SLICVIT_ARGS=(--provider "$PROVIDER")
OWLVIT_ARGS=(--provider "$PROVIDER" --precision "$([[ $PROVIDER == cuda ]] && echo fp16 || echo fp32)")
if [[ $QUICK == 1 ]]; then SLICVIT_ARGS+=(--model small); OWLVIT_ARGS+=(--skip-b32); fi
say "bench/slicvit.ts ${SLICVIT_ARGS[*]}"
node --import tsx bench/slicvit.ts "${SLICVIT_ARGS[@]}" >"$OUT/slicvit.json"
say "bench/owlvit.ts ${OWLVIT_ARGS[*]}"
node --import tsx bench/owlvit.ts "${OWLVIT_ARGS[@]}" >"$OUT/owlvit.json"

node -e '
const { readFileSync } = require("node:fs");
const [dir, provider, preparation, quick] = process.argv.slice(1);
const read = (name) => JSON.parse(readFileSync(`${dir}/${name}.json`, "utf8"));
const summary = {
  provider,
  quick: quick === "1",
  cudaPreparation: JSON.parse(preparation),
  doctor: read("doctor"),
  slicvit: read("slicvit"),
  owlvit: read("owlvit"),
};
process.stdout.write(JSON.stringify(summary, null, 2) + "\n");
' "$OUT" "$PROVIDER" "$PREPARATION" "$QUICK"
