//===- FakeCudaDriver.cpp - A CUDA driver stand-in for machines without a GPU ===//
//
// A shared library with the driver API entry points that lib/Runtime looks up, so that the
// runtime's protocol (loading, memory, module and kernel lookup, parameter packing, error
// messages) is tested where no GPU exists. Memory is host memory; a "module" is the PTX text,
// whose `.entry NAME(` lines are its kernels; a launch runs nothing but records its grid,
// block and parameters (as many as the entry declares `.param`s), which the tests read with
// fakecuda_last_launch(). FAKE_CUDA_DEVICES sets the device count (default 1).
//
//===----------------------------------------------------------------------===//
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <string>
#include <vector>

namespace {

constexpr int kSuccess = 0;
constexpr int kInvalidValue = 1;
constexpr int kOutOfMemory = 2;
constexpr int kNotInitialized = 3;
constexpr int kInvalidPtx = 218;
constexpr int kNotFound = 500;

bool initialized = false;

struct Module {
  std::string ptx;
};

struct Function {
  std::string name;
  unsigned params;
};

struct Launch {
  unsigned grid[3];
  unsigned block[3];
  unsigned sharedBytes;
  std::string kernel;
  std::vector<uint64_t> params;
};

Launch lastLaunch;
int launches = 0;

/// The number of `.param` declarations of entry `name` in `ptx`, or -1 without that entry.
int countParams(const std::string &ptx, const std::string &name) {
  size_t at = ptx.find(".entry " + name + "(");
  if (at == std::string::npos)
    return -1;
  size_t end = ptx.find(')', at);
  int count = 0;
  for (size_t p = ptx.find(".param", at); p != std::string::npos && p < end;
       p = ptx.find(".param", p + 1))
    ++count;
  return count;
}

} // namespace

extern "C" {

// What the tests read back.
int fakecuda_launch_count(void) { return launches; }
const char *fakecuda_last_kernel(void) { return lastLaunch.kernel.c_str(); }
void fakecuda_last_launch(unsigned grid[3], unsigned block[3], unsigned *sharedBytes) {
  memcpy(grid, lastLaunch.grid, sizeof(lastLaunch.grid));
  memcpy(block, lastLaunch.block, sizeof(lastLaunch.block));
  *sharedBytes = lastLaunch.sharedBytes;
}
unsigned fakecuda_last_param_count(void) { return lastLaunch.params.size(); }
uint64_t fakecuda_last_param(unsigned i) { return lastLaunch.params.at(i); }

// The driver API.
int cuInit(unsigned) {
  initialized = true;
  return kSuccess;
}
int cuDriverGetVersion(int *version) {
  *version = 13000;
  return kSuccess;
}
int cuGetErrorName(int code, const char **name) {
  switch (code) {
  case kInvalidValue: *name = "CUDA_ERROR_INVALID_VALUE"; return kSuccess;
  case kOutOfMemory: *name = "CUDA_ERROR_OUT_OF_MEMORY"; return kSuccess;
  case kNotInitialized: *name = "CUDA_ERROR_NOT_INITIALIZED"; return kSuccess;
  case kInvalidPtx: *name = "CUDA_ERROR_INVALID_PTX"; return kSuccess;
  case kNotFound: *name = "CUDA_ERROR_NOT_FOUND"; return kSuccess;
  default: return kInvalidValue;
  }
}
int cuGetErrorString(int code, const char **text) {
  const char *name;
  if (cuGetErrorName(code, &name) != kSuccess)
    return kInvalidValue;
  *text = "fake driver error";
  return kSuccess;
}
int cuDeviceGetCount(int *count) {
  const char *env = getenv("FAKE_CUDA_DEVICES");
  *count = env ? atoi(env) : 1;
  return initialized ? kSuccess : kNotInitialized;
}
int cuDeviceGet(int *device, int ordinal) {
  *device = ordinal;
  return kSuccess;
}
int cuDeviceGetName(char *name, int length, int) {
  strncpy(name, "Fake CUDA Device", length);
  return kSuccess;
}
int cuDeviceGetAttribute(int *value, int attribute, int) {
  switch (attribute) {
  case 16: *value = 4; return kSuccess;  // multiprocessors
  case 75: *value = 9; return kSuccess;  // compute capability major
  case 76: *value = 0; return kSuccess;  // compute capability minor
  default: return kInvalidValue;
  }
}
int cuDeviceTotalMem_v2(size_t *bytes, int) {
  *bytes = size_t(1) << 30;
  return kSuccess;
}
int cuDevicePrimaryCtxRetain(void **context, int) {
  static int token;
  *context = &token;
  return kSuccess;
}
int cuDevicePrimaryCtxRelease_v2(int) { return kSuccess; }
int cuCtxSetCurrent(void *) { return kSuccess; }
int cuCtxSynchronize() { return kSuccess; }

int cuModuleLoadDataEx(void **module, const void *image, unsigned count, int *options,
                       void **values) {
  std::string ptx = static_cast<const char *>(image);
  if (ptx.find(".version") == std::string::npos) {
    // Like the driver: the compile log explains the rejection.
    for (unsigned i = 0; i < count; ++i)
      if (options[i] == 5)
        strcpy(static_cast<char *>(values[i]), "ptxas fatal: no .version directive");
    return kInvalidPtx;
  }
  *module = new Module{ptx};
  return kSuccess;
}
int cuModuleUnload(void *module) {
  delete static_cast<Module *>(module);
  return kSuccess;
}
int cuModuleGetFunction(void **function, void *module, const char *name) {
  int params = countParams(static_cast<Module *>(module)->ptx, name);
  if (params < 0)
    return kNotFound;
  *function = new Function{name, unsigned(params)}; // leaks, as the driver's handles do
  return kSuccess;
}

int cuMemAlloc_v2(unsigned long long *pointer, size_t bytes) {
  void *memory = malloc(bytes);
  if (!memory)
    return kOutOfMemory;
  *pointer = reinterpret_cast<uintptr_t>(memory);
  return kSuccess;
}
int cuMemFree_v2(unsigned long long pointer) {
  free(reinterpret_cast<void *>(pointer));
  return kSuccess;
}
int cuMemcpyHtoD_v2(unsigned long long destination, const void *source, size_t bytes) {
  memcpy(reinterpret_cast<void *>(destination), source, bytes);
  return kSuccess;
}
int cuMemcpyDtoH_v2(void *destination, unsigned long long source, size_t bytes) {
  memcpy(destination, reinterpret_cast<const void *>(source), bytes);
  return kSuccess;
}
int cuMemcpyDtoD_v2(unsigned long long destination, unsigned long long source, size_t bytes) {
  memmove(reinterpret_cast<void *>(destination), reinterpret_cast<const void *>(source), bytes);
  return kSuccess;
}
int cuMemsetD8_v2(unsigned long long destination, unsigned char value, size_t bytes) {
  memset(reinterpret_cast<void *>(destination), value, bytes);
  return kSuccess;
}

int cuLaunchKernel(void *function, unsigned gx, unsigned gy, unsigned gz, unsigned bx,
                   unsigned by, unsigned bz, unsigned sharedBytes, void *, void **params,
                   void **) {
  auto *f = static_cast<Function *>(function);
  if (gx == 0 || gy == 0 || gz == 0 || bx * by * bz == 0 || bx * by * bz > 1024)
    return kInvalidValue;
  lastLaunch = {{gx, gy, gz}, {bx, by, bz}, sharedBytes, f->name, {}};
  // Every parameter of lowbit's kernels is 8 bytes wide.
  for (unsigned i = 0; i < f->params; ++i)
    lastLaunch.params.push_back(*static_cast<uint64_t *>(params[i]));
  ++launches;
  return kSuccess;
}

int cuEventCreate(void **event, unsigned) {
  *event = new int(0);
  return kSuccess;
}
int cuEventRecord(void *event, void *) {
  ++*static_cast<int *>(event);
  return kSuccess;
}
int cuEventSynchronize(void *) { return kSuccess; }
int cuEventElapsedTime(float *milliseconds, void *start, void *stop) {
  // Unrecorded events are an error, as in the driver.
  if (*static_cast<int *>(start) == 0 || *static_cast<int *>(stop) == 0)
    return kInvalidValue;
  *milliseconds = 0.5f;
  return kSuccess;
}
int cuEventDestroy_v2(void *event) {
  delete static_cast<int *>(event);
  return kSuccess;
}

} // extern "C"
