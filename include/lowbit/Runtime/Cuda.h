/*===- Cuda.h - lowbit's CUDA runtime: the driver API through dlopen -------===*
 *
 * Pure C. Loads NVIDIA's driver library (libcuda.so.1) at run time with dlopen, so nothing that
 * links this runtime depends on CUDA at build or link time, and a machine without a GPU gets an
 * error code and a message instead of a loader failure.
 *
 * Every function returns LOWBIT_CUDA_SUCCESS or an error code; the message of the last error
 * of the calling thread is lowbit_cuda_last_error() (driver errors carry the driver's name for
 * the error, PTX that the driver cannot compile carries the driver's compile log).
 *
 * Ownership: lowbit_cuda_open creates a device handle that the caller closes with
 * lowbit_cuda_close; modules, device buffers and events belong to the caller until they are
 * released with their release function, and must be released before the device is closed.
 * Host buffers passed in are only read (copy_to_device) or written (copy_to_host) for the
 * number of bytes given, and are never kept.
 *
 * Kernel arguments (the ABI of a tile.kernel compiled by lowbit-pipeline-ptx): each memref
 * argument becomes five 8-byte parameters (allocated pointer, aligned pointer, offset, size,
 * stride), each index or 64-bit integer one 8-byte parameter, in argument order;
 * lowbit_cuda_args_* builds that list.
 *
 * Example (error checks elided):
 *
 *   lowbit_cuda_device *dev;
 *   lowbit_cuda_open(NULL, 0, &dev);              // libcuda.so.1, device 0
 *   lowbit_cuda_module *mod;
 *   lowbit_cuda_module_load_ptx(dev, ptx_text, &mod);
 *   lowbit_cuda_function fn;
 *   lowbit_cuda_module_function(mod, "gemm", &fn);
 *   uint64_t a;
 *   lowbit_cuda_alloc(dev, bytes, &a);
 *   lowbit_cuda_copy_to_device(dev, a, host_a, bytes);
 *   lowbit_cuda_args args;
 *   lowbit_cuda_args_init(&args);
 *   lowbit_cuda_args_add_buffer(&args, a, elements);
 *   lowbit_cuda_args_add_i64(&args, m);
 *   unsigned grid[3] = {gm, gn, 1}, block[3] = {32, 1, 1};
 *   lowbit_cuda_launch(fn, grid, block, 0, &args);
 *   lowbit_cuda_synchronize(dev);
 *   lowbit_cuda_copy_to_host(dev, host_a, a, bytes);
 *   lowbit_cuda_free(dev, a);
 *   lowbit_cuda_module_unload(mod);
 *   lowbit_cuda_close(dev);
 *
 *===----------------------------------------------------------------------===*/
#ifndef LOWBIT_RUNTIME_CUDA_H
#define LOWBIT_RUNTIME_CUDA_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum lowbit_cuda_status {
  LOWBIT_CUDA_SUCCESS = 0,
  /* The driver library could not be loaded, or lacks a function this runtime needs. */
  LOWBIT_CUDA_ERROR_NO_DRIVER = 1,
  /* The driver returned an error (no device, out of memory, launch failure, ...). */
  LOWBIT_CUDA_ERROR_DRIVER = 2,
  /* A caller error: null handle, too many kernel parameters, a bad device ordinal. */
  LOWBIT_CUDA_ERROR_INVALID_ARGUMENT = 3
} lowbit_cuda_status;

typedef struct lowbit_cuda_device lowbit_cuda_device;
typedef struct lowbit_cuda_module lowbit_cuda_module;
typedef struct lowbit_cuda_event lowbit_cuda_event;

/* A kernel of a loaded module; valid while its module is loaded. */
typedef struct lowbit_cuda_function {
  lowbit_cuda_device *device;
  void *handle; /* CUfunction */
} lowbit_cuda_function;

/* Kernel parameters, 8 bytes each. */
#define LOWBIT_CUDA_MAX_PARAMS 128
typedef struct lowbit_cuda_args {
  unsigned count;
  int overflow; /* set when more than LOWBIT_CUDA_MAX_PARAMS were added */
  uint64_t values[LOWBIT_CUDA_MAX_PARAMS];
} lowbit_cuda_args;

/* What lowbit_cuda_device_info reports. */
typedef struct lowbit_cuda_device_properties {
  char name[256];
  int compute_major, compute_minor;
  int multiprocessors;
  int driver_version; /* e.g. 13000 for CUDA 13.0 */
  uint64_t global_memory_bytes;
} lowbit_cuda_device_properties;

/* The message of the calling thread's last error ("" when there was none). */
const char *lowbit_cuda_last_error(void);

/* Loads the driver (driver_path, or "libcuda.so.1" when NULL), initializes it and makes the
 * primary context of device `ordinal` current on the calling thread. */
lowbit_cuda_status lowbit_cuda_open(const char *driver_path, int ordinal,
                                    lowbit_cuda_device **device);
/* Releases the primary context and unloads the driver; NULL is ignored. */
void lowbit_cuda_close(lowbit_cuda_device *device);
lowbit_cuda_status lowbit_cuda_device_info(lowbit_cuda_device *device,
                                           lowbit_cuda_device_properties *properties);

/* Loads a module from NUL-terminated PTX text (the driver compiles it for the device). */
lowbit_cuda_status lowbit_cuda_module_load_ptx(lowbit_cuda_device *device, const char *ptx,
                                               lowbit_cuda_module **module);
void lowbit_cuda_module_unload(lowbit_cuda_module *module);
lowbit_cuda_status lowbit_cuda_module_function(lowbit_cuda_module *module, const char *name,
                                               lowbit_cuda_function *function);

/* Device memory, addressed by its 64-bit device pointer. */
lowbit_cuda_status lowbit_cuda_alloc(lowbit_cuda_device *device, size_t bytes, uint64_t *pointer);
lowbit_cuda_status lowbit_cuda_free(lowbit_cuda_device *device, uint64_t pointer);
lowbit_cuda_status lowbit_cuda_copy_to_device(lowbit_cuda_device *device, uint64_t destination,
                                              const void *source, size_t bytes);
lowbit_cuda_status lowbit_cuda_copy_to_host(lowbit_cuda_device *device, void *destination,
                                            uint64_t source, size_t bytes);
lowbit_cuda_status lowbit_cuda_copy_on_device(lowbit_cuda_device *device, uint64_t destination,
                                              uint64_t source, size_t bytes);
lowbit_cuda_status lowbit_cuda_fill_bytes(lowbit_cuda_device *device, uint64_t destination,
                                          unsigned char value, size_t bytes);

void lowbit_cuda_args_init(lowbit_cuda_args *args);
/* A memref<?xT> argument over `elements` elements at `pointer`. */
void lowbit_cuda_args_add_buffer(lowbit_cuda_args *args, uint64_t pointer, int64_t elements);
/* An index or i64 argument. */
void lowbit_cuda_args_add_i64(lowbit_cuda_args *args, int64_t value);

/* Launches on the default stream; returns once queued (see lowbit_cuda_synchronize). */
lowbit_cuda_status lowbit_cuda_launch(lowbit_cuda_function function, const unsigned grid[3],
                                      const unsigned block[3], unsigned shared_bytes,
                                      const lowbit_cuda_args *args);
/* Waits for all queued work; reports errors of earlier launches. */
lowbit_cuda_status lowbit_cuda_synchronize(lowbit_cuda_device *device);

/* Events for timing work on the default stream. */
lowbit_cuda_status lowbit_cuda_event_create(lowbit_cuda_device *device, lowbit_cuda_event **event);
lowbit_cuda_status lowbit_cuda_event_record(lowbit_cuda_event *event);
/* Milliseconds between two recorded events; waits for `stop`. */
lowbit_cuda_status lowbit_cuda_event_elapsed_ms(lowbit_cuda_event *start, lowbit_cuda_event *stop,
                                                float *milliseconds);
void lowbit_cuda_event_destroy(lowbit_cuda_event *event);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* LOWBIT_RUNTIME_CUDA_H */
