//===- CudaDriver.cpp - The CUDA driver API through dlopen ------------------===//
//
// Implements include/lowbit/Runtime/Cuda.h with libc alone: the driver's entry points are
// looked up with dlsym under their ABI names (the `_v2` names that cuda.h's macros select), and
// declared here from the driver API's documented signatures, so building needs no CUDA headers.
//
//===----------------------------------------------------------------------===//
#include "lowbit/Runtime/Cuda.h"

#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

namespace {

// The driver API's types, as opaque as the runtime needs them.
using CUresult = int;
using CUdevice = int;
using CUcontext = void *;
using CUmodule = void *;
using CUfunction = void *;
using CUevent = void *;
using CUstream = void *;
using CUdeviceptr = unsigned long long;

// CUjit_option and CUdevice_attribute values from the driver API.
constexpr int kJitErrorLogBuffer = 5;
constexpr int kJitErrorLogBufferSizeBytes = 6;
constexpr int kAttributeMultiprocessorCount = 16;
constexpr int kAttributeComputeCapabilityMajor = 75;
constexpr int kAttributeComputeCapabilityMinor = 76;

/// The entry points this runtime calls, with the symbol each is looked up by.
struct DriverApi {
  CUresult (*init)(unsigned);
  CUresult (*driverGetVersion)(int *);
  CUresult (*getErrorName)(CUresult, const char **);
  CUresult (*getErrorString)(CUresult, const char **);
  CUresult (*deviceGetCount)(int *);
  CUresult (*deviceGet)(CUdevice *, int);
  CUresult (*deviceGetName)(char *, int, CUdevice);
  CUresult (*deviceGetAttribute)(int *, int, CUdevice);
  CUresult (*deviceTotalMem)(size_t *, CUdevice);
  CUresult (*primaryCtxRetain)(CUcontext *, CUdevice);
  CUresult (*primaryCtxRelease)(CUdevice);
  CUresult (*ctxSetCurrent)(CUcontext);
  CUresult (*ctxSynchronize)();
  CUresult (*moduleLoadDataEx)(CUmodule *, const void *, unsigned, int *, void **);
  CUresult (*moduleUnload)(CUmodule);
  CUresult (*moduleGetFunction)(CUfunction *, CUmodule, const char *);
  CUresult (*memAlloc)(CUdeviceptr *, size_t);
  CUresult (*memFree)(CUdeviceptr);
  CUresult (*memcpyHtoD)(CUdeviceptr, const void *, size_t);
  CUresult (*memcpyDtoH)(void *, CUdeviceptr, size_t);
  CUresult (*memcpyDtoD)(CUdeviceptr, CUdeviceptr, size_t);
  CUresult (*memsetD8)(CUdeviceptr, unsigned char, size_t);
  CUresult (*launchKernel)(CUfunction, unsigned, unsigned, unsigned, unsigned, unsigned,
                           unsigned, unsigned, CUstream, void **, void **);
  CUresult (*eventCreate)(CUevent *, unsigned);
  CUresult (*eventRecord)(CUevent, CUstream);
  CUresult (*eventSynchronize)(CUevent);
  CUresult (*eventElapsedTime)(float *, CUevent, CUevent);
  CUresult (*eventDestroy)(CUevent);
};

struct Symbol {
  const char *name;
  size_t offset;
};

#define LOWBIT_SYMBOL(field, name) {name, offsetof(DriverApi, field)}
const Symbol kSymbols[] = {
    LOWBIT_SYMBOL(init, "cuInit"),
    LOWBIT_SYMBOL(driverGetVersion, "cuDriverGetVersion"),
    LOWBIT_SYMBOL(getErrorName, "cuGetErrorName"),
    LOWBIT_SYMBOL(getErrorString, "cuGetErrorString"),
    LOWBIT_SYMBOL(deviceGetCount, "cuDeviceGetCount"),
    LOWBIT_SYMBOL(deviceGet, "cuDeviceGet"),
    LOWBIT_SYMBOL(deviceGetName, "cuDeviceGetName"),
    LOWBIT_SYMBOL(deviceGetAttribute, "cuDeviceGetAttribute"),
    LOWBIT_SYMBOL(deviceTotalMem, "cuDeviceTotalMem_v2"),
    LOWBIT_SYMBOL(primaryCtxRetain, "cuDevicePrimaryCtxRetain"),
    LOWBIT_SYMBOL(primaryCtxRelease, "cuDevicePrimaryCtxRelease_v2"),
    LOWBIT_SYMBOL(ctxSetCurrent, "cuCtxSetCurrent"),
    LOWBIT_SYMBOL(ctxSynchronize, "cuCtxSynchronize"),
    LOWBIT_SYMBOL(moduleLoadDataEx, "cuModuleLoadDataEx"),
    LOWBIT_SYMBOL(moduleUnload, "cuModuleUnload"),
    LOWBIT_SYMBOL(moduleGetFunction, "cuModuleGetFunction"),
    LOWBIT_SYMBOL(memAlloc, "cuMemAlloc_v2"),
    LOWBIT_SYMBOL(memFree, "cuMemFree_v2"),
    LOWBIT_SYMBOL(memcpyHtoD, "cuMemcpyHtoD_v2"),
    LOWBIT_SYMBOL(memcpyDtoH, "cuMemcpyDtoH_v2"),
    LOWBIT_SYMBOL(memcpyDtoD, "cuMemcpyDtoD_v2"),
    LOWBIT_SYMBOL(memsetD8, "cuMemsetD8_v2"),
    LOWBIT_SYMBOL(launchKernel, "cuLaunchKernel"),
    LOWBIT_SYMBOL(eventCreate, "cuEventCreate"),
    LOWBIT_SYMBOL(eventRecord, "cuEventRecord"),
    LOWBIT_SYMBOL(eventSynchronize, "cuEventSynchronize"),
    LOWBIT_SYMBOL(eventElapsedTime, "cuEventElapsedTime"),
    LOWBIT_SYMBOL(eventDestroy, "cuEventDestroy_v2"),
};
#undef LOWBIT_SYMBOL

thread_local char lastError[4096];

lowbit_cuda_status fail(lowbit_cuda_status status, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

lowbit_cuda_status fail(lowbit_cuda_status status, const char *format, ...) {
  va_list args;
  va_start(args, format);
  vsnprintf(lastError, sizeof(lastError), format, args);
  va_end(args);
  return status;
}

lowbit_cuda_status invalid(const char *what) {
  return fail(LOWBIT_CUDA_ERROR_INVALID_ARGUMENT, "%s", what);
}

} // namespace

struct lowbit_cuda_device {
  void *library;
  DriverApi api;
  CUdevice device;
  CUcontext context;
};

struct lowbit_cuda_module {
  lowbit_cuda_device *device;
  CUmodule handle;
};

struct lowbit_cuda_event {
  lowbit_cuda_device *device;
  CUevent handle;
};

namespace {

/// Records a driver error as "<what>: <CUDA_ERROR_NAME> (<description>)".
lowbit_cuda_status driverError(const DriverApi &api, CUresult result, const char *what) {
  const char *name = nullptr;
  const char *description = nullptr;
  if (api.getErrorName(result, &name) != 0 || !name)
    name = "unknown CUDA error";
  if (api.getErrorString(result, &description) != 0 || !description)
    description = "no description";
  return fail(LOWBIT_CUDA_ERROR_DRIVER, "%s: %s (%d: %s)", what, name, result, description);
}

/// Calls a driver function and turns a failure into an error naming `what`.
#define LOWBIT_CHECK(device, call, what)                                                         \
  do {                                                                                           \
    CUresult result_ = (device)->api.call;                                                       \
    if (result_ != 0)                                                                            \
      return driverError((device)->api, result_, what);                                         \
  } while (false)

} // namespace

extern "C" {

const char *lowbit_cuda_last_error(void) { return lastError; }

lowbit_cuda_status lowbit_cuda_open(const char *driver_path, int ordinal,
                                    lowbit_cuda_device **device) {
  lastError[0] = '\0';
  if (!device)
    return invalid("lowbit_cuda_open: null result pointer");
  *device = nullptr;
  const char *path = driver_path ? driver_path : "libcuda.so.1";
  void *library = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!library) {
    const char *reason = dlerror();
    return fail(LOWBIT_CUDA_ERROR_NO_DRIVER,
                "cannot load the CUDA driver '%s': %s (is an NVIDIA driver installed?)", path,
                reason ? reason : "unknown reason");
  }
  auto *result = static_cast<lowbit_cuda_device *>(calloc(1, sizeof(lowbit_cuda_device)));
  if (!result) {
    dlclose(library);
    return fail(LOWBIT_CUDA_ERROR_INVALID_ARGUMENT, "out of host memory");
  }
  result->library = library;
  for (const Symbol &symbol : kSymbols) {
    void *address = dlsym(library, symbol.name);
    if (!address) {
      free(result);
      dlclose(library);
      return fail(LOWBIT_CUDA_ERROR_NO_DRIVER, "the CUDA driver '%s' has no function %s", path,
                  symbol.name);
    }
    memcpy(reinterpret_cast<char *>(&result->api) + symbol.offset, &address, sizeof(address));
  }
  lowbit_cuda_status status = LOWBIT_CUDA_SUCCESS;
  int count = 0;
  CUresult code = result->api.init(0);
  if (code != 0) {
    status = driverError(result->api, code, "cuInit");
  } else if ((code = result->api.deviceGetCount(&count)) != 0) {
    status = driverError(result->api, code, "cuDeviceGetCount");
  } else if (ordinal < 0 || ordinal >= count) {
    status = fail(LOWBIT_CUDA_ERROR_INVALID_ARGUMENT,
                  "CUDA device %d does not exist: the driver reports %d device(s)", ordinal, count);
  } else if ((code = result->api.deviceGet(&result->device, ordinal)) != 0) {
    status = driverError(result->api, code, "cuDeviceGet");
  } else if ((code = result->api.primaryCtxRetain(&result->context, result->device)) != 0) {
    status = driverError(result->api, code, "cuDevicePrimaryCtxRetain");
  } else if ((code = result->api.ctxSetCurrent(result->context)) != 0) {
    result->api.primaryCtxRelease(result->device);
    status = driverError(result->api, code, "cuCtxSetCurrent");
  }
  if (status != LOWBIT_CUDA_SUCCESS) {
    free(result);
    dlclose(library);
    return status;
  }
  *device = result;
  return LOWBIT_CUDA_SUCCESS;
}

void lowbit_cuda_close(lowbit_cuda_device *device) {
  if (!device)
    return;
  device->api.primaryCtxRelease(device->device);
  dlclose(device->library);
  free(device);
}

lowbit_cuda_status lowbit_cuda_device_info(lowbit_cuda_device *device,
                                           lowbit_cuda_device_properties *properties) {
  if (!device || !properties)
    return invalid("lowbit_cuda_device_info: null argument");
  memset(properties, 0, sizeof(*properties));
  LOWBIT_CHECK(device,
               deviceGetName(properties->name, sizeof(properties->name) - 1, device->device),
               "cuDeviceGetName");
  LOWBIT_CHECK(device,
               deviceGetAttribute(&properties->compute_major, kAttributeComputeCapabilityMajor,
                                  device->device),
               "cuDeviceGetAttribute");
  LOWBIT_CHECK(device,
               deviceGetAttribute(&properties->compute_minor, kAttributeComputeCapabilityMinor,
                                  device->device),
               "cuDeviceGetAttribute");
  LOWBIT_CHECK(device,
               deviceGetAttribute(&properties->multiprocessors, kAttributeMultiprocessorCount,
                                  device->device),
               "cuDeviceGetAttribute");
  LOWBIT_CHECK(device, driverGetVersion(&properties->driver_version), "cuDriverGetVersion");
  size_t bytes = 0;
  LOWBIT_CHECK(device, deviceTotalMem(&bytes, device->device), "cuDeviceTotalMem");
  properties->global_memory_bytes = bytes;
  return LOWBIT_CUDA_SUCCESS;
}

lowbit_cuda_status lowbit_cuda_module_load_ptx(lowbit_cuda_device *device, const char *ptx,
                                               lowbit_cuda_module **module) {
  if (!device || !ptx || !module)
    return invalid("lowbit_cuda_module_load_ptx: null argument");
  *module = nullptr;
  // The driver compiles PTX for the device; its error log says which line it rejects.
  static thread_local char log[2048];
  log[0] = '\0';
  int options[] = {kJitErrorLogBuffer, kJitErrorLogBufferSizeBytes};
  void *values[] = {log, reinterpret_cast<void *>(static_cast<uintptr_t>(sizeof(log)))};
  CUmodule handle = nullptr;
  CUresult code = device->api.moduleLoadDataEx(&handle, ptx, 2, options, values);
  if (code != 0) {
    lowbit_cuda_status status = driverError(device->api, code, "cuModuleLoadDataEx");
    if (log[0]) {
      size_t used = strlen(lastError);
      snprintf(lastError + used, sizeof(lastError) - used, "\n%s", log);
    }
    return status;
  }
  auto *result = static_cast<lowbit_cuda_module *>(calloc(1, sizeof(lowbit_cuda_module)));
  if (!result) {
    device->api.moduleUnload(handle);
    return fail(LOWBIT_CUDA_ERROR_INVALID_ARGUMENT, "out of host memory");
  }
  result->device = device;
  result->handle = handle;
  *module = result;
  return LOWBIT_CUDA_SUCCESS;
}

void lowbit_cuda_module_unload(lowbit_cuda_module *module) {
  if (!module)
    return;
  module->device->api.moduleUnload(module->handle);
  free(module);
}

lowbit_cuda_status lowbit_cuda_module_function(lowbit_cuda_module *module, const char *name,
                                               lowbit_cuda_function *function) {
  if (!module || !name || !function)
    return invalid("lowbit_cuda_module_function: null argument");
  CUfunction handle = nullptr;
  CUresult code = module->device->api.moduleGetFunction(&handle, module->handle, name);
  if (code != 0)
    return fail(LOWBIT_CUDA_ERROR_DRIVER, "the module has no kernel '%s' (driver error %d)", name,
                code);
  function->device = module->device;
  function->handle = handle;
  return LOWBIT_CUDA_SUCCESS;
}

lowbit_cuda_status lowbit_cuda_alloc(lowbit_cuda_device *device, size_t bytes, uint64_t *pointer) {
  if (!device || !pointer)
    return invalid("lowbit_cuda_alloc: null argument");
  CUdeviceptr result = 0;
  // The driver rejects zero-byte allocations; one byte keeps empty tensors valid.
  LOWBIT_CHECK(device, memAlloc(&result, bytes ? bytes : 1), "cuMemAlloc");
  *pointer = result;
  return LOWBIT_CUDA_SUCCESS;
}

lowbit_cuda_status lowbit_cuda_free(lowbit_cuda_device *device, uint64_t pointer) {
  if (!device)
    return invalid("lowbit_cuda_free: null device");
  LOWBIT_CHECK(device, memFree(pointer), "cuMemFree");
  return LOWBIT_CUDA_SUCCESS;
}

lowbit_cuda_status lowbit_cuda_copy_to_device(lowbit_cuda_device *device, uint64_t destination,
                                              const void *source, size_t bytes) {
  if (!device || (!source && bytes))
    return invalid("lowbit_cuda_copy_to_device: null argument");
  if (bytes)
    LOWBIT_CHECK(device, memcpyHtoD(destination, source, bytes), "cuMemcpyHtoD");
  return LOWBIT_CUDA_SUCCESS;
}

lowbit_cuda_status lowbit_cuda_copy_to_host(lowbit_cuda_device *device, void *destination,
                                            uint64_t source, size_t bytes) {
  if (!device || (!destination && bytes))
    return invalid("lowbit_cuda_copy_to_host: null argument");
  if (bytes)
    LOWBIT_CHECK(device, memcpyDtoH(destination, source, bytes), "cuMemcpyDtoH");
  return LOWBIT_CUDA_SUCCESS;
}

lowbit_cuda_status lowbit_cuda_copy_on_device(lowbit_cuda_device *device, uint64_t destination,
                                              uint64_t source, size_t bytes) {
  if (!device)
    return invalid("lowbit_cuda_copy_on_device: null device");
  if (bytes)
    LOWBIT_CHECK(device, memcpyDtoD(destination, source, bytes), "cuMemcpyDtoD");
  return LOWBIT_CUDA_SUCCESS;
}

lowbit_cuda_status lowbit_cuda_fill_bytes(lowbit_cuda_device *device, uint64_t destination,
                                          unsigned char value, size_t bytes) {
  if (!device)
    return invalid("lowbit_cuda_fill_bytes: null device");
  if (bytes)
    LOWBIT_CHECK(device, memsetD8(destination, value, bytes), "cuMemsetD8");
  return LOWBIT_CUDA_SUCCESS;
}

void lowbit_cuda_args_init(lowbit_cuda_args *args) { memset(args, 0, sizeof(*args)); }

static void addParam(lowbit_cuda_args *args, uint64_t value) {
  if (args->count == LOWBIT_CUDA_MAX_PARAMS) {
    args->overflow = 1;
    return;
  }
  args->values[args->count++] = value;
}

void lowbit_cuda_args_add_buffer(lowbit_cuda_args *args, uint64_t pointer, int64_t elements) {
  // The memref<?xT> descriptor: allocated and aligned pointer, offset 0, size, stride 1.
  addParam(args, pointer);
  addParam(args, pointer);
  addParam(args, 0);
  addParam(args, static_cast<uint64_t>(elements));
  addParam(args, 1);
}

void lowbit_cuda_args_add_i64(lowbit_cuda_args *args, int64_t value) {
  addParam(args, static_cast<uint64_t>(value));
}

lowbit_cuda_status lowbit_cuda_launch(lowbit_cuda_function function, const unsigned grid[3],
                                      const unsigned block[3], unsigned shared_bytes,
                                      const lowbit_cuda_args *args) {
  if (!function.device || !function.handle || !grid || !block || !args)
    return invalid("lowbit_cuda_launch: null argument");
  if (args->overflow)
    return fail(LOWBIT_CUDA_ERROR_INVALID_ARGUMENT,
                "lowbit_cuda_launch: more than %d kernel parameters", LOWBIT_CUDA_MAX_PARAMS);
  // The driver reads each parameter through a pointer to its value.
  void *pointers[LOWBIT_CUDA_MAX_PARAMS];
  for (unsigned i = 0; i < args->count; ++i)
    pointers[i] = const_cast<uint64_t *>(&args->values[i]);
  LOWBIT_CHECK(function.device,
               launchKernel(function.handle, grid[0], grid[1], grid[2], block[0], block[1],
                            block[2], shared_bytes, nullptr, pointers, nullptr),
               "cuLaunchKernel");
  return LOWBIT_CUDA_SUCCESS;
}

lowbit_cuda_status lowbit_cuda_synchronize(lowbit_cuda_device *device) {
  if (!device)
    return invalid("lowbit_cuda_synchronize: null device");
  LOWBIT_CHECK(device, ctxSynchronize(), "cuCtxSynchronize");
  return LOWBIT_CUDA_SUCCESS;
}

lowbit_cuda_status lowbit_cuda_event_create(lowbit_cuda_device *device, lowbit_cuda_event **event) {
  if (!device || !event)
    return invalid("lowbit_cuda_event_create: null argument");
  *event = nullptr;
  CUevent handle = nullptr;
  LOWBIT_CHECK(device, eventCreate(&handle, 0), "cuEventCreate");
  auto *result = static_cast<lowbit_cuda_event *>(calloc(1, sizeof(lowbit_cuda_event)));
  if (!result) {
    device->api.eventDestroy(handle);
    return fail(LOWBIT_CUDA_ERROR_INVALID_ARGUMENT, "out of host memory");
  }
  result->device = device;
  result->handle = handle;
  *event = result;
  return LOWBIT_CUDA_SUCCESS;
}

lowbit_cuda_status lowbit_cuda_event_record(lowbit_cuda_event *event) {
  if (!event)
    return invalid("lowbit_cuda_event_record: null event");
  LOWBIT_CHECK(event->device, eventRecord(event->handle, nullptr), "cuEventRecord");
  return LOWBIT_CUDA_SUCCESS;
}

lowbit_cuda_status lowbit_cuda_event_elapsed_ms(lowbit_cuda_event *start, lowbit_cuda_event *stop,
                                                float *milliseconds) {
  if (!start || !stop || !milliseconds)
    return invalid("lowbit_cuda_event_elapsed_ms: null argument");
  LOWBIT_CHECK(stop->device, eventSynchronize(stop->handle), "cuEventSynchronize");
  LOWBIT_CHECK(stop->device, eventElapsedTime(milliseconds, start->handle, stop->handle),
               "cuEventElapsedTime");
  return LOWBIT_CUDA_SUCCESS;
}

void lowbit_cuda_event_destroy(lowbit_cuda_event *event) {
  if (!event)
    return;
  event->device->api.eventDestroy(event->handle);
  free(event);
}

} // extern "C"
