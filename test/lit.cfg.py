# -*- Python -*-
import os
import random

import lit.formats
from lit.llvm import llvm_config

config.name = "lowbit"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.excludes = ["Inputs", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.lowbit_obj_root, "test")

llvm_config.use_default_substitutions()
# Our tools first, then LLVM's (FileCheck, not), then the system's (append_path prepends).
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.with_environment("PATH", config.lowbit_tools_dir, append_path=True)

tools = ["lowbit-opt", "lowbit-run", "lowbit-npy", "lowbit-import-onnx", "lowbit-compile",
         "lowbit-layout", "lowbit-bench", "lowbit-bench-tile-gemm", "mlir-runner"]
llvm_config.add_tool_substitutions(tools, [config.lowbit_tools_dir, config.llvm_tools_dir])

# Numeric tests draw random data from %seed: fresh on every lit run, printed so that a failure
# can be reproduced with LOWBIT_TEST_SEED=<seed>.
seed = os.environ.get("LOWBIT_TEST_SEED") or str(random.SystemRandom().randrange(1, 2**31))
lit_config.note("lowbit test seed: " + seed + " (set LOWBIT_TEST_SEED to repeat)")
config.substitutions.append(("%seed", seed))
config.substitutions.append(("%python", "/usr/bin/python3"))
config.substitutions.append(("%mlir_lib_dir", config.mlir_lib_dir))
# C programs that link libraries lowbit-compile writes (clang 22, warnings as errors).
config.substitutions.append(
    ("%cc", os.path.join(config.llvm_tools_dir, "clang") +
     " -std=c11 -O2 -Wall -Wextra -Werror"))
# Where the OpenMP runtime (libomp, Debian's libomp-22-dev) is, for static libraries.
config.substitutions.append(
    ("%libomp_dir", os.path.normpath(os.path.join(config.llvm_tools_dir, "..", "lib"))))
config.substitutions.append(("%lowbit_src_root", config.lowbit_src_root))
config.substitutions.append(("%lowbit_obj_root", config.lowbit_obj_root))

import shutil
# onnxruntime as an oracle: onnxruntime-node as bench/peers installs it (scripts/install-deps.sh
# runs npm there when node and the network are available). %ort_run MODEL --input=a.npy
# --write=y.npy writes onnxruntime's outputs (CPU EP, graph optimizations disabled).
ort_package = os.path.join(config.lowbit_src_root, "bench", "peers", "node_modules",
                           "onnxruntime-node", "package.json")
if shutil.which("node") and os.path.exists(ort_package):
    config.available_features.add("onnxruntime")
    config.substitutions.append(
        ("%ort_run", "node " + os.path.join(config.lowbit_src_root, "bench", "onnx",
                                            "ort_time.mjs") + " --runs=1 --optimize=disabled"))
# AArch64: with qemu-user and the cross C runtime (scripts/install-deps.sh installs both),
# tests with `REQUIRES: qemu-aarch64` link NEON code into a static AArch64 program and run it.
qemu = shutil.which("qemu-aarch64")
if qemu and os.path.exists("/usr/aarch64-linux-gnu/lib/crt1.o") and \
        os.path.isdir("/usr/lib/gcc-cross/aarch64-linux-gnu"):
    config.available_features.add("qemu-aarch64")
    config.substitutions.append(("%qemu_aarch64", qemu))
    config.substitutions.append(
        ("%aarch64_cc", os.path.join(config.llvm_tools_dir, "clang") +
         " --target=aarch64-linux-gnu -fuse-ld=lld -static -O2"))

# CUDA: when ptxas is installed, tests with `REQUIRES: ptxas` assemble the PTX that
# lowbit-pipeline-ptx produces (%extract_ptx pulls it out of the #gpu.object).
ptxas = shutil.which("ptxas") or "/usr/local/cuda/bin/ptxas"
if os.path.exists(ptxas):
    config.available_features.add("ptxas")
    config.substitutions.append(("%ptxas", ptxas))
config.substitutions.append(
    ("%extract_ptx", "/usr/bin/python3 " +
     os.path.join(config.lowbit_src_root, "test", "Target", "Inputs", "extract-ptx.py")))

# HIP: the minimal ROCm toolkit the build creates (lib/Pipelines/CMakeLists.txt) for
# lowbit-pipeline-hsaco's toolkit= option; %extract_gpu_object writes the text or bytes of
# the first #gpu.object of a module to a file.
config.substitutions.append(
    ("%rocm_toolkit", os.path.join(config.lowbit_obj_root, "rocm-toolkit")))
config.substitutions.append(
    ("%extract_gpu_object", "/usr/bin/python3 " +
     os.path.join(config.lowbit_src_root, "test", "Target", "Inputs", "extract-gpu-object.py")))

# The CUDA driver stand-in of test/lib/FakeCuda (device memory in host memory, launches
# recorded, not run), for the runtime's and the GPU benchmark's paths without a GPU.
config.substitutions.append(
    ("%fake_cuda", os.path.join(config.lowbit_obj_root, "lib", "liblowbit_fake_cuda.so")))
