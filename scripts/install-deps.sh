#!/usr/bin/env bash
# Installs the Debian 12 packages lowbit needs to build and test. Idempotent: it installs only
# what is missing and does nothing (no apt-get update) when everything is already present.
set -euo pipefail

packages=(
  # compiler toolchain: LLVM/MLIR/Clang/LLD 22 (lit, FileCheck and not come with llvm-22-tools)
  llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools clang-22 lld-22
  # the OpenMP runtime that parallel kernel launches run on
  libomp-22-dev
  # build system
  cmake ninja-build ccache
  # unit tests
  libgtest-dev
  # ONNX import: libonnx's protobuf classes and text parser (its package does not pull in
  # protobuf's headers)
  libonnx-dev libprotobuf-dev
  # the ONNX project's node tests (model + inputs + outputs), run by the conformance test
  libonnx-testdata
  # test helpers run with /usr/bin/python3 (lit itself, the .npy and ONNX model generators)
  python3 python3-numpy python3-onnx
  # AArch64 code run under emulation: qemu-user and a static AArch64 C runtime to link against
  qemu-user libc6-dev-arm64-cross libgcc-12-dev-arm64-cross
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
else
  echo "install-deps: installing ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# onnxruntime as a test oracle and benchmark peer: onnxruntime-node (pinned by
# bench/peers/package.json) with npm, when node and npm are present and the registry can be
# reached; without it the tests that need it are reported unsupported.
root="$(cd "$(dirname "$0")/.." && pwd)"
if [ ! -f "$root/bench/peers/node_modules/onnxruntime-node/package.json" ]; then
  if command -v npm >/dev/null && command -v node >/dev/null; then
    echo "install-deps: npm install onnxruntime-node (bench/peers)"
    (cd "$root/bench/peers" && timeout 300 npm install --ignore-scripts --no-audit --no-fund \
       >/dev/null 2>&1) || echo "install-deps: npm install failed; onnxruntime tests are skipped"
  else
    echo "install-deps: no node/npm; onnxruntime tests are skipped"
  fi
fi
