//===- CudaRuntimeTest.cpp - lib/Runtime's CUDA driver loader ---------------===//
//
// Without a GPU: a missing driver, NVIDIA's stub driver (when CUDA's stubs are installed) and
// the fake driver of test/lib/FakeCuda/FakeCudaDriver.cpp, which keeps device memory in host memory and
// records launches, so the runtime's memory copies, module and kernel lookup, parameter
// packing and error messages are checked here; bench/gpu-tile-gemm.sh runs real kernels.
//
//===----------------------------------------------------------------------===//
#include "lowbit/Runtime/Cuda.h"

#include <gtest/gtest.h>

#include <dlfcn.h>
#include <stdlib.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace {

constexpr const char *kPtx = R"(
.version 8.0
.target sm_90
.address_size 64
.visible .entry gemm(
	.param .u64 .ptr .align 1 gemm_param_0,
	.param .u64 .ptr .align 1 gemm_param_1,
	.param .u64 gemm_param_2,
	.param .u64 gemm_param_3,
	.param .u64 gemm_param_4,
	.param .u64 gemm_param_5
)
.maxntid 32, 1, 1
{
	ret;
}
)";

std::string lastError() { return lowbit_cuda_last_error(); }

/// The fake driver, opened by the runtime; the test reads the fake's launch record through
/// its own handle of the same library.
class FakeDriverTest : public ::testing::Test {
protected:
  void SetUp() override {
    unsetenv("FAKE_CUDA_DEVICES");
    ASSERT_EQ(lowbit_cuda_open(LOWBIT_FAKE_CUDA_DRIVER, 0, &device), LOWBIT_CUDA_SUCCESS)
        << lastError();
    fake = dlopen(LOWBIT_FAKE_CUDA_DRIVER, RTLD_NOW | RTLD_NOLOAD);
    ASSERT_NE(fake, nullptr);
  }
  void TearDown() override {
    lowbit_cuda_close(device);
    if (fake)
      dlclose(fake);
  }
  template <typename F> F symbol(const char *name) {
    return reinterpret_cast<F>(dlsym(fake, name));
  }

  lowbit_cuda_device *device = nullptr;
  void *fake = nullptr;
};

TEST(CudaRuntime, MissingDriverIsAnError) {
  lowbit_cuda_device *device = reinterpret_cast<lowbit_cuda_device *>(1);
  EXPECT_EQ(lowbit_cuda_open("/nonexistent/libcuda.so.1", 0, &device),
            LOWBIT_CUDA_ERROR_NO_DRIVER);
  EXPECT_EQ(device, nullptr);
  EXPECT_NE(lastError().find("cannot load the CUDA driver '/nonexistent/libcuda.so.1'"),
            std::string::npos)
      << lastError();
}

TEST(CudaRuntime, LibraryWithoutTheDriverApiIsAnError) {
  // libc is loadable but is no driver: the first missing entry point is named.
  lowbit_cuda_device *device = nullptr;
  EXPECT_EQ(lowbit_cuda_open("libc.so.6", 0, &device), LOWBIT_CUDA_ERROR_NO_DRIVER);
  EXPECT_NE(lastError().find("has no function cuInit"), std::string::npos) << lastError();
}

TEST(CudaRuntime, StubDriverReportsTheDriverError) {
  const char *stub = "/usr/local/cuda/lib64/stubs/libcuda.so";
  void *probe = dlopen(stub, RTLD_NOW | RTLD_LOCAL);
  if (!probe)
    GTEST_SKIP() << "no CUDA stub driver at " << stub;
  dlclose(probe);
  // NVIDIA's link-time stub fails every call (CUDA_ERROR_STUB_LIBRARY).
  lowbit_cuda_device *device = nullptr;
  EXPECT_EQ(lowbit_cuda_open(stub, 0, &device), LOWBIT_CUDA_ERROR_DRIVER);
  EXPECT_EQ(device, nullptr);
  EXPECT_EQ(lastError().rfind("cuInit: ", 0), 0u) << lastError();
  EXPECT_NE(lastError().find("34"), std::string::npos) << lastError();
}

TEST(CudaRuntime, NullArgumentsAreRejected) {
  EXPECT_EQ(lowbit_cuda_open(nullptr, 0, nullptr), LOWBIT_CUDA_ERROR_INVALID_ARGUMENT);
  uint64_t pointer;
  EXPECT_EQ(lowbit_cuda_alloc(nullptr, 16, &pointer), LOWBIT_CUDA_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(lastError().find("lowbit_cuda_alloc"), std::string::npos);
  lowbit_cuda_close(nullptr);
  lowbit_cuda_module_unload(nullptr);
  lowbit_cuda_event_destroy(nullptr);
}

TEST_F(FakeDriverTest, DeviceOrdinalOutOfRange) {
  setenv("FAKE_CUDA_DEVICES", "2", 1);
  lowbit_cuda_device *other = nullptr;
  EXPECT_EQ(lowbit_cuda_open(LOWBIT_FAKE_CUDA_DRIVER, 2, &other),
            LOWBIT_CUDA_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(lastError().find("CUDA device 2 does not exist: the driver reports 2 device(s)"),
            std::string::npos)
      << lastError();
  EXPECT_EQ(lowbit_cuda_open(LOWBIT_FAKE_CUDA_DRIVER, 1, &other), LOWBIT_CUDA_SUCCESS);
  lowbit_cuda_close(other);
}

TEST_F(FakeDriverTest, DeviceInfo) {
  lowbit_cuda_device_properties properties;
  ASSERT_EQ(lowbit_cuda_device_info(device, &properties), LOWBIT_CUDA_SUCCESS) << lastError();
  EXPECT_STREQ(properties.name, "Fake CUDA Device");
  EXPECT_EQ(properties.compute_major, 9);
  EXPECT_EQ(properties.compute_minor, 0);
  EXPECT_EQ(properties.multiprocessors, 4);
  EXPECT_EQ(properties.driver_version, 13000);
  EXPECT_EQ(properties.global_memory_bytes, uint64_t(1) << 30);
}

TEST_F(FakeDriverTest, CopiesRoundTrip) {
  std::mt19937 rng(std::random_device{}());
  std::vector<uint8_t> host(1000 + rng() % 1000);
  for (uint8_t &byte : host)
    byte = rng();
  uint64_t a, b;
  ASSERT_EQ(lowbit_cuda_alloc(device, host.size(), &a), LOWBIT_CUDA_SUCCESS);
  ASSERT_EQ(lowbit_cuda_alloc(device, host.size(), &b), LOWBIT_CUDA_SUCCESS);
  ASSERT_EQ(lowbit_cuda_copy_to_device(device, a, host.data(), host.size()), LOWBIT_CUDA_SUCCESS);
  ASSERT_EQ(lowbit_cuda_copy_on_device(device, b, a, host.size()), LOWBIT_CUDA_SUCCESS);
  ASSERT_EQ(lowbit_cuda_fill_bytes(device, a, 0xA5, host.size()), LOWBIT_CUDA_SUCCESS);
  std::vector<uint8_t> back(host.size()), filled(host.size());
  ASSERT_EQ(lowbit_cuda_copy_to_host(device, back.data(), b, back.size()), LOWBIT_CUDA_SUCCESS);
  ASSERT_EQ(lowbit_cuda_copy_to_host(device, filled.data(), a, filled.size()),
            LOWBIT_CUDA_SUCCESS);
  EXPECT_EQ(back, host);
  EXPECT_EQ(filled, std::vector<uint8_t>(host.size(), 0xA5));
  EXPECT_EQ(lowbit_cuda_free(device, a), LOWBIT_CUDA_SUCCESS);
  EXPECT_EQ(lowbit_cuda_free(device, b), LOWBIT_CUDA_SUCCESS);
  // Zero-byte allocations and copies are valid.
  uint64_t empty;
  ASSERT_EQ(lowbit_cuda_alloc(device, 0, &empty), LOWBIT_CUDA_SUCCESS);
  EXPECT_EQ(lowbit_cuda_copy_to_device(device, empty, nullptr, 0), LOWBIT_CUDA_SUCCESS);
  EXPECT_EQ(lowbit_cuda_free(device, empty), LOWBIT_CUDA_SUCCESS);
}

TEST_F(FakeDriverTest, BadPtxCarriesTheCompileLog) {
  lowbit_cuda_module *module = reinterpret_cast<lowbit_cuda_module *>(1);
  EXPECT_EQ(lowbit_cuda_module_load_ptx(device, "not ptx", &module), LOWBIT_CUDA_ERROR_DRIVER);
  EXPECT_EQ(module, nullptr);
  EXPECT_NE(lastError().find("cuModuleLoadDataEx: CUDA_ERROR_INVALID_PTX (218"),
            std::string::npos)
      << lastError();
  EXPECT_NE(lastError().find("\nptxas fatal: no .version directive"), std::string::npos)
      << lastError();
}

TEST_F(FakeDriverTest, MissingKernelIsNamed) {
  lowbit_cuda_module *module;
  ASSERT_EQ(lowbit_cuda_module_load_ptx(device, kPtx, &module), LOWBIT_CUDA_SUCCESS);
  lowbit_cuda_function function;
  EXPECT_EQ(lowbit_cuda_module_function(module, "gemv", &function), LOWBIT_CUDA_ERROR_DRIVER);
  EXPECT_NE(lastError().find("the module has no kernel 'gemv'"), std::string::npos);
  lowbit_cuda_module_unload(module);
}

TEST_F(FakeDriverTest, LaunchPacksMemrefDescriptorsAndIndices) {
  lowbit_cuda_module *module;
  ASSERT_EQ(lowbit_cuda_module_load_ptx(device, kPtx, &module), LOWBIT_CUDA_SUCCESS)
      << lastError();
  lowbit_cuda_function function;
  ASSERT_EQ(lowbit_cuda_module_function(module, "gemm", &function), LOWBIT_CUDA_SUCCESS);
  std::mt19937_64 rng(std::random_device{}());
  uint64_t buffer;
  int64_t elements = 1 + rng() % 100000, m = rng() % 5000;
  ASSERT_EQ(lowbit_cuda_alloc(device, elements * 2, &buffer), LOWBIT_CUDA_SUCCESS);
  lowbit_cuda_args args;
  lowbit_cuda_args_init(&args);
  lowbit_cuda_args_add_buffer(&args, buffer, elements);
  lowbit_cuda_args_add_i64(&args, m);
  unsigned grid[3] = {3, 5, 1}, block[3] = {32, 1, 1};
  ASSERT_EQ(lowbit_cuda_launch(function, grid, block, 128, &args), LOWBIT_CUDA_SUCCESS)
      << lastError();
  ASSERT_EQ(lowbit_cuda_synchronize(device), LOWBIT_CUDA_SUCCESS);

  EXPECT_STREQ(symbol<const char *(*)()>("fakecuda_last_kernel")(), "gemm");
  unsigned seenGrid[3], seenBlock[3], shared;
  symbol<void (*)(unsigned *, unsigned *, unsigned *)>("fakecuda_last_launch")(seenGrid, seenBlock,
                                                                               &shared);
  EXPECT_EQ(std::vector<unsigned>(seenGrid, seenGrid + 3), std::vector<unsigned>({3, 5, 1}));
  EXPECT_EQ(std::vector<unsigned>(seenBlock, seenBlock + 3), std::vector<unsigned>({32, 1, 1}));
  EXPECT_EQ(shared, 128u);
  // The entry declares six .params: the five of the memref descriptor, then the index.
  auto param = symbol<uint64_t (*)(unsigned)>("fakecuda_last_param");
  ASSERT_EQ(symbol<unsigned (*)()>("fakecuda_last_param_count")(), 6u);
  EXPECT_EQ(param(0), buffer);
  EXPECT_EQ(param(1), buffer);
  EXPECT_EQ(param(2), 0u);
  EXPECT_EQ(param(3), uint64_t(elements));
  EXPECT_EQ(param(4), 1u);
  EXPECT_EQ(param(5), uint64_t(m));

  // A launch the driver rejects (1025 threads per block) is an error, not a crash.
  unsigned tooWide[3] = {1025, 1, 1};
  EXPECT_EQ(lowbit_cuda_launch(function, grid, tooWide, 0, &args), LOWBIT_CUDA_ERROR_DRIVER);
  EXPECT_NE(lastError().find("cuLaunchKernel: CUDA_ERROR_INVALID_VALUE"), std::string::npos)
      << lastError();
  lowbit_cuda_free(device, buffer);
  lowbit_cuda_module_unload(module);
}

TEST_F(FakeDriverTest, TooManyParametersAreRejected) {
  lowbit_cuda_module *module;
  ASSERT_EQ(lowbit_cuda_module_load_ptx(device, kPtx, &module), LOWBIT_CUDA_SUCCESS);
  lowbit_cuda_function function;
  ASSERT_EQ(lowbit_cuda_module_function(module, "gemm", &function), LOWBIT_CUDA_SUCCESS);
  lowbit_cuda_args args;
  lowbit_cuda_args_init(&args);
  for (int i = 0; i < 26; ++i) // 130 parameters
    lowbit_cuda_args_add_buffer(&args, 0, 1);
  unsigned grid[3] = {1, 1, 1}, block[3] = {32, 1, 1};
  int before = symbol<int (*)()>("fakecuda_launch_count")();
  EXPECT_EQ(lowbit_cuda_launch(function, grid, block, 0, &args),
            LOWBIT_CUDA_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(lastError().find("more than 128 kernel parameters"), std::string::npos);
  EXPECT_EQ(symbol<int (*)()>("fakecuda_launch_count")(), before);
  lowbit_cuda_module_unload(module);
}

TEST_F(FakeDriverTest, EventsTime) {
  lowbit_cuda_event *start, *stop;
  ASSERT_EQ(lowbit_cuda_event_create(device, &start), LOWBIT_CUDA_SUCCESS);
  ASSERT_EQ(lowbit_cuda_event_create(device, &stop), LOWBIT_CUDA_SUCCESS);
  float ms = -1;
  // Not yet recorded: the driver's error comes through.
  EXPECT_EQ(lowbit_cuda_event_elapsed_ms(start, stop, &ms), LOWBIT_CUDA_ERROR_DRIVER);
  ASSERT_EQ(lowbit_cuda_event_record(start), LOWBIT_CUDA_SUCCESS);
  ASSERT_EQ(lowbit_cuda_event_record(stop), LOWBIT_CUDA_SUCCESS);
  ASSERT_EQ(lowbit_cuda_event_elapsed_ms(start, stop, &ms), LOWBIT_CUDA_SUCCESS);
  EXPECT_FLOAT_EQ(ms, 0.5f);
  lowbit_cuda_event_destroy(start);
  lowbit_cuda_event_destroy(stop);
}

} // namespace
