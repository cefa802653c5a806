/*===- AotLibrary.c - The C API of a library lowbit-compile writes --------===*
 *
 * lowbit-compile links this file, compiled to LLVM bitcode for the target, into every library
 * it writes, next to the model's code. The model's code defines:
 *
 *   lowbit_model_table     int64 description of the boundary (below)
 *   lowbit_model_strings   the names and element types the table points into
 *   lowbit_model_invoke    the model's function, arguments packed as void *[] (one pointer
 *                          per memref descriptor field or scalar, in order; results last)
 *   lowbit_model_prepack_invoke   the same for the generated prepack entry point (a no-op
 *                          when no argument is prepacked)
 *   lowbit_model_weights   int64: the number of weights kept in a weights file, the file's
 *                          size after its header, its fingerprint, then each weight's offset
 *                          and size (lib/Target/AotWeights.cpp); zero weights when embedded
 *   lowbit_model_weight_slots   where each weight's address goes once the file is mapped
 *   lowbit_model_weights_file   the file's name, found next to the library by default
 *
 * Afterwards every lowbit_model_<api> function here is renamed <NAME>_<api>, and every other
 * symbol becomes internal: several models link into one program without clashes.
 *
 * Table layout (int64): version, number of inputs, outputs and prepacked inputs, then one
 * record per input, per output and per prepacked input (its buffer between the prepack entry
 * point and the model), each:
 *   kind (0 tensor, 1 scalar), input index (prepacked records; else -1), name offset, type
 *   offset (into the strings), byte size, rank, logical shape[rank], boundary rank, boundary
 *   shape[boundary rank] (the shape of the memref crossing the boundary: low-bit tensors
 *   cross as their interchange-packed bytes)
 *
 * Freestanding C: no system header (the bitcode serves targets whose C headers are not
 * installed); the few libc functions used are declared here. Contexts are tracked in a list
 * of live contexts, so that a call on a destroyed context is an error, not a use after free.
 *
 *===----------------------------------------------------------------------===*/

typedef long long i64;
typedef unsigned long size_t;

void *malloc(size_t size);
void *calloc(size_t count, size_t size);
void free(void *pointer);
void *memcpy(void *destination, const void *source, size_t size);
char *getenv(const char *name);
int sched_getaffinity(int pid, size_t size, void *mask);

extern const i64 lowbit_model_table[];
extern const char lowbit_model_strings[];
extern const i64 lowbit_model_weights[];
extern void **const lowbit_model_weight_slots[];
extern const char lowbit_model_weights_file[];
void lowbit_model_invoke(void **arguments);
void lowbit_model_prepack_invoke(void **arguments);

/* Files and mappings (Linux; the same numbers on x86-64 and AArch64). */
typedef struct {
  const char *dli_fname;
  void *dli_fbase;
  const char *dli_sname;
  void *dli_saddr;
} DlInfo;
int dladdr(const void *address, DlInfo *info);
int open(const char *path, int flags, ...);
long read(int fd, void *buffer, size_t size);
long lseek(int fd, long offset, int whence);
int close(int fd);
void *mmap(void *address, size_t length, int protection, int flags, int fd, long offset);
enum { kReadOnly = 0, kCloseOnExec = 02000000, kSeekEnd = 2, kProtRead = 1, kMapPrivate = 2 };

enum { kTableVersion = 1, kKindTensor = 0, kKindScalar = 1 };
enum { kFieldKind, kFieldInput, kFieldName, kFieldType, kFieldBytes, kFieldRank, kFieldShape };

/*--- The table ---------------------------------------------------------------*/

static i64 numInputs(void) { return lowbit_model_table[1]; }
static i64 numOutputs(void) { return lowbit_model_table[2]; }
static i64 numPrepacked(void) { return lowbit_model_table[3]; }

static i64 recordLength(const i64 *record) {
  i64 rank = record[kFieldRank];
  return kFieldShape + rank + 1 + record[kFieldShape + rank];
}

/* Record `index` of all (inputs, then outputs, then prepacked buffers). */
static const i64 *record(i64 index) {
  const i64 *current = lowbit_model_table + 4;
  for (i64 i = 0; i < index; ++i)
    current += recordLength(current);
  return current;
}

/* The prepacked record of input `input`, or -1 when the input is passed as it is. */
static i64 prepackedIndex(i64 input) {
  for (i64 p = 0; p < numPrepacked(); ++p)
    if (record(numInputs() + numOutputs() + p)[kFieldInput] == input)
      return p;
  return -1;
}

static const i64 *boundaryShape(const i64 *r) { return r + kFieldShape + r[kFieldRank] + 1; }
static i64 boundaryRank(const i64 *r) { return r[kFieldShape + r[kFieldRank]]; }

/*--- Buffers, threads and copies the model's code calls ---------------------------*/

/* The model's buffers come from a cache of freed ones (BufferCache.c), through the functions
 * MLIR's lowering of memref.alloc and memref.dealloc calls. */
#include "BufferCache.c"

void *_mlir_memref_to_llvm_alloc(size_t size) { return lowbit_buffer_alloc(size, 0); }
void *_mlir_memref_to_llvm_aligned_alloc(size_t alignment, size_t size) {
  return lowbit_buffer_alloc(size, alignment);
}
void _mlir_memref_to_llvm_free(void *pointer) { lowbit_buffer_free(pointer); }

static int threadsFromEnvironment(void) {
  const char *text = getenv("LOWBIT_NUM_THREADS");
  if (text && *text) {
    long value = 0;
    const char *c = text;
    while (*c >= '0' && *c <= '9' && value <= 4096)
      value = value * 10 + (*c++ - '0');
    if (*c == '\0' && value > 0 && value <= 4096)
      return (int)value;
  }
  unsigned long mask[16] = {0};
  if (sched_getaffinity(0, sizeof(mask), mask) == 0) {
    int count = 0;
    for (int i = 0; i < 16; ++i)
      count += __builtin_popcountl(mask[i]);
    if (count > 0)
      return count;
  }
  return 1;
}

/* Kernel launches take min(blocks, lowbit_num_threads()) threads (lowbit/Runtime/Threads.h). */
int lowbit_num_threads(void) {
  static int cached;
  int value = __atomic_load_n(&cached, __ATOMIC_ACQUIRE);
  if (value == 0) {
    value = threadsFromEnvironment();
    __atomic_store_n(&cached, value, __ATOMIC_RELEASE);
  }
  return value;
}

/* A ranked memref descriptor: allocated, aligned, offset, sizes[rank], strides[rank]. */
struct Descriptor {
  char *allocated, *aligned;
  i64 offset;
  i64 sizesAndStrides[];
};
struct UnrankedMemref {
  i64 rank;
  struct Descriptor *descriptor;
};

/* Copies between strided views (memref.copy that is not a plain block copy). */
void memrefCopy(i64 elementSize, struct UnrankedMemref *source, struct UnrankedMemref *target) {
  i64 rank = source->rank;
  struct Descriptor *from = source->descriptor, *to = target->descriptor;
  char *in = from->aligned + from->offset * elementSize;
  char *out = to->aligned + to->offset * elementSize;
  if (rank == 0) {
    memcpy(out, in, (size_t)elementSize);
    return;
  }
  const i64 *sizes = from->sizesAndStrides, *inStrides = from->sizesAndStrides + rank;
  const i64 *outStrides = to->sizesAndStrides + rank;
  for (i64 d = 0; d < rank; ++d)
    if (sizes[d] == 0)
      return;
  i64 index[rank];
  for (i64 d = 0; d < rank; ++d)
    index[d] = 0;
  for (;;) {
    memcpy(out, in, (size_t)elementSize);
    i64 d = rank - 1;
    for (; d >= 0; --d) {
      in += inStrides[d] * elementSize;
      out += outStrides[d] * elementSize;
      if (++index[d] < sizes[d])
        break;
      in -= inStrides[d] * sizes[d] * elementSize;
      out -= outStrides[d] * sizes[d] * elementSize;
      index[d] = 0;
    }
    if (d < 0)
      return;
  }
}

/*--- Contexts ----------------------------------------------------------------*/

enum { kErrorCapacity = 256 };

typedef struct lowbit_model_context {
  struct lowbit_model_context *next; /* in the list of live contexts */
  int busy;                          /* a call is running on this context */
  char error[kErrorCapacity];
  void **arguments, **prepackArguments; /* packed argument lists */
  i64 *fields;                          /* descriptor fields they point to */
  void **prepacked;                     /* the prepacked buffers, owned */
  /* Where each caller's buffer goes, bound once by create: the inputs (at = null for a
   * prepacked one, which the model reads from its buffer), the outputs, and the prepack entry
   * point's inputs (the prepacked inputs as given). */
  struct Binding *bindings;
} lowbit_model_context;

struct Binding {
  const i64 *record; /* of the memref or scalar */
  void **at;         /* its first slot in a packed argument list */
  i64 buffer;        /* the input or output whose pointer goes there */
};

static lowbit_model_context *liveContexts;
static int liveLock;

static void lockLive(void) {
  while (__atomic_exchange_n(&liveLock, 1, __ATOMIC_ACQUIRE))
    ;
}
static void unlockLive(void) { __atomic_store_n(&liveLock, 0, __ATOMIC_RELEASE); }

static int isLive(const lowbit_model_context *context) {
  int found = 0;
  lockLive();
  for (lowbit_model_context *c = liveContexts; c && !found; c = c->next)
    found = c == context;
  unlockLive();
  return found;
}

/* out = a + b + c (each may be null), truncated to the capacity. */
static void compose(char out[kErrorCapacity], const char *a, const char *b, const char *c) {
  const char *parts[3] = {a, b, c};
  int length = 0;
  for (int p = 0; p < 3; ++p)
    for (const char *s = parts[p]; s && *s && length < kErrorCapacity - 1; ++s)
      out[length++] = *s;
  out[length] = '\0';
}

static void setError(lowbit_model_context *context, const char *a, const char *b, const char *c) {
  compose(context->error, a, b, c);
}

static const char *decimal(i64 value, char buffer[24]) {
  char *end = buffer + 23, *c = end;
  *c = '\0';
  int negative = value < 0;
  unsigned long long magnitude =
      negative ? 0ull - (unsigned long long)value : (unsigned long long)value;
  do {
    *--c = (char)('0' + magnitude % 10);
    magnitude /= 10;
  } while (magnitude);
  if (negative)
    *--c = '-';
  return c;
}

/* Descriptor fields of a record's memref: allocated, aligned, offset, sizes, strides (the
 * two pointers stored as int64). */
static i64 descriptorFields(const i64 *r) {
  return r[kFieldKind] == kKindScalar ? 1 : 3 + 2 * boundaryRank(r);
}

/* Points arguments[0..] at the fields of record r's descriptor starting at fields; returns
 * how many argument slots it used. */
static i64 bindRecord(const i64 *r, i64 *fields, void **arguments) {
  if (r[kFieldKind] == kKindScalar) {
    arguments[0] = fields; /* replaced by the value's address at each call */
    return 1;
  }
  i64 rank = boundaryRank(r);
  const i64 *shape = boundaryShape(r);
  fields[2] = 0;
  i64 stride = 1;
  for (i64 d = rank - 1; d >= 0; --d) {
    fields[3 + d] = shape[d];
    fields[3 + rank + d] = stride;
    stride *= shape[d];
  }
  for (i64 f = 0; f < 3 + 2 * rank; ++f)
    arguments[f] = &fields[f];
  return 3 + 2 * rank;
}

/* Sets the data pointer of a bound record. */
static void setData(const i64 *r, void **arguments, const void *data) {
  if (r[kFieldKind] == kKindScalar) {
    arguments[0] = (void *)data;
    return;
  }
  ((const void **)arguments[0])[0] = data;
  ((const void **)arguments[1])[0] = data;
}

static void release(lowbit_model_context *context) {
  if (context->prepacked)
    for (i64 p = 0; p < numPrepacked(); ++p)
      free(context->prepacked[p]);
  free(context->prepacked);
  free(context->bindings);
  free(context->arguments);
  free(context->prepackArguments);
  free(context->fields);
  free(context);
}

/*--- Weights kept in a file -----------------------------------------------------*/

/* The message of the last failed create (lowbit_model_error(NULL)). */
static char createError[kErrorCapacity];
static int weightsMapped;

/* Maps the weights file at `path` (NULL: lowbit_model_weights_file next to the file holding
 * this code) and points every slot into it; once per process. Called under the live lock. */
static int mapWeights(const char *path) {
  i64 count = lowbit_model_weights[0];
  if (count == 0 || weightsMapped)
    return 0;
  char buffer[4096];
  if (!path) {
    DlInfo info = {0, 0, 0, 0};
    const char *self =
        dladdr((const void *)&mapWeights, &info) && info.dli_fname ? info.dli_fname : "";
    size_t length = 0, slash = 0;
    for (; self[length]; ++length)
      if (self[length] == '/')
        slash = length + 1;
    size_t name = 0;
    while (lowbit_model_weights_file[name])
      ++name;
    if (slash + name + 1 > sizeof(buffer)) {
      compose(createError, "the path of the weights file is too long", 0, 0);
      return 1;
    }
    memcpy(buffer, self, slash);
    memcpy(buffer + slash, lowbit_model_weights_file, name + 1);
    path = buffer;
  }
  int fd = open(path, kReadOnly | kCloseOnExec);
  if (fd < 0) {
    compose(createError, "cannot open the weights file ", path, 0);
    return 1;
  }
  unsigned char header[64];
  i64 size = lseek(fd, 0, kSeekEnd);
  const char *problem = 0;
  if (size < 64 || lseek(fd, 0, 0) != 0 || read(fd, header, 64) != 64) {
    problem = " is too short to be a weights file";
  } else {
    i64 fingerprint = 0, bytes = 0;
    for (int b = 7; b >= 0; --b) {
      fingerprint = (i64)((unsigned long long)fingerprint << 8 | header[8 + b]);
      bytes = (i64)((unsigned long long)bytes << 8 | header[16 + b]);
    }
    if (__builtin_memcmp(header, "LOWBITW1", 8) != 0)
      problem = " is not a lowbit weights file";
    else if (fingerprint != lowbit_model_weights[2] || bytes != lowbit_model_weights[1])
      problem = " belongs to another build of the library";
    else if (size - 64 < bytes)
      problem = " is truncated";
  }
  if (problem) {
    close(fd);
    compose(createError, "the weights file ", path, problem);
    return 1;
  }
  char *base = mmap(0, (size_t)size, kProtRead, kMapPrivate, fd, 0);
  close(fd);
  if (base == (char *)-1) {
    compose(createError, "cannot map the weights file ", path, 0);
    return 1;
  }
  for (i64 w = 0; w < count; ++w)
    *lowbit_model_weight_slots[w] = base + 64 + lowbit_model_weights[3 + 2 * w];
  weightsMapped = 1;
  return 0;
}

int lowbit_model_create_from(lowbit_model_context **result, const char *weights) {
  if (!result) {
    compose(createError, "the context pointer is null", 0, 0);
    return 1;
  }
  *result = 0;
  if (lowbit_model_table[0] != kTableVersion) {
    compose(createError, "the library's tables have an unknown version", 0, 0);
    return 1;
  }
  lockLive();
  int failed = mapWeights(weights);
  unlockLive();
  if (failed)
    return 1;
  lowbit_model_context *context = calloc(1, sizeof(lowbit_model_context));
  if (!context) {
    compose(createError, "out of memory", 0, 0);
    return 1;
  }
  i64 inputs = numInputs(), outputs = numOutputs(), prepacked = numPrepacked();
  i64 fieldCount = 0;
  for (i64 i = 0; i < inputs + outputs + prepacked; ++i)
    fieldCount += descriptorFields(record(i));
  /* The model takes each input (the prepacked buffer in place of a prepacked input), then
   * the outputs; the prepack entry point the prepacked inputs as given, then their buffers. */
  i64 prepackFields = 0;
  for (i64 p = 0; p < prepacked; ++p) {
    const i64 *buffer = record(inputs + outputs + p);
    prepackFields += descriptorFields(record(buffer[kFieldInput])) + descriptorFields(buffer);
  }
  context->fields = calloc((size_t)(fieldCount + prepackFields + 1), sizeof(i64));
  context->arguments = calloc((size_t)(fieldCount + 1), sizeof(void *));
  context->prepackArguments = calloc((size_t)(prepackFields + 1), sizeof(void *));
  context->prepacked = calloc((size_t)(prepacked + 1), sizeof(void *));
  context->bindings = calloc((size_t)(inputs + outputs + prepacked + 1), sizeof(struct Binding));
  if (!context->fields || !context->arguments || !context->prepackArguments ||
      !context->prepacked || !context->bindings) {
    release(context);
    compose(createError, "out of memory", 0, 0);
    return 1;
  }
  for (i64 p = 0; p < prepacked; ++p) {
    const i64 *buffer = record(inputs + outputs + p);
    context->prepacked[p] = malloc((size_t)(buffer[kFieldBytes] > 0 ? buffer[kFieldBytes] : 1));
    if (!context->prepacked[p]) {
      release(context);
      compose(createError, "out of memory", 0, 0);
      return 1;
    }
  }
  i64 *fields = context->fields;
  void **arguments = context->arguments;
  struct Binding *binding = context->bindings;
  for (i64 i = 0; i < inputs; ++i, ++binding) {
    i64 p = prepackedIndex(i);
    const i64 *r = p < 0 ? record(i) : record(inputs + outputs + p);
    i64 used = bindRecord(r, fields, arguments);
    *binding = (struct Binding){r, p < 0 ? arguments : 0, i};
    if (p >= 0)
      setData(r, arguments, context->prepacked[p]);
    fields += used;
    arguments += used;
  }
  for (i64 o = 0; o < outputs; ++o, ++binding) {
    const i64 *r = record(inputs + o);
    i64 used = bindRecord(r, fields, arguments);
    *binding = (struct Binding){r, arguments, o};
    fields += used;
    arguments += used;
  }
  arguments = context->prepackArguments;
  for (i64 p = 0; p < prepacked; ++p, ++binding) {
    i64 input = record(inputs + outputs + p)[kFieldInput];
    const i64 *r = record(input);
    i64 used = bindRecord(r, fields, arguments);
    *binding = (struct Binding){r, arguments, input};
    fields += used;
    arguments += used;
  }
  for (i64 p = 0; p < prepacked; ++p) {
    const i64 *buffer = record(inputs + outputs + p);
    i64 used = bindRecord(buffer, fields, arguments);
    setData(buffer, arguments, context->prepacked[p]);
    fields += used;
    arguments += used;
  }
  lockLive();
  context->next = liveContexts;
  liveContexts = context;
  unlockLive();
  *result = context;
  return 0;
}

int lowbit_model_create(lowbit_model_context **result) {
  return lowbit_model_create_from(result, 0);
}

void lowbit_model_destroy(lowbit_model_context *context) {
  if (!context)
    return;
  int found = 0;
  lockLive();
  for (lowbit_model_context **link = &liveContexts; *link; link = &(*link)->next)
    if (*link == context) {
      *link = context->next;
      found = 1;
      break;
    }
  unlockLive();
  if (found)
    release(context);
}

const char *lowbit_model_error(const lowbit_model_context *context) {
  if (!context)
    return createError;
  if (!isLive(context))
    return "not a live context (destroyed, or never created)";
  return context->error;
}

int lowbit_model_run(lowbit_model_context *context, const void *const *inputs,
                     void *const *outputs) {
  if (!context || !isLive(context))
    return 1;
  if (__atomic_exchange_n(&context->busy, 1, __ATOMIC_ACQUIRE)) {
    setError(context, "another call is running on this context (use one context per thread)", 0, 0);
    return 1;
  }
  int status = 1;
  char digits[24];
  i64 count = numInputs(), results = numOutputs(), prepacked = numPrepacked();
  if (!inputs) {
    setError(context, "inputs is null", 0, 0);
  } else if (!outputs) {
    setError(context, "outputs is null", 0, 0);
  } else {
    status = 0;
    for (i64 i = 0; i < count && !status; ++i)
      if (!inputs[i]) {
        setError(context, "input #", decimal(i, digits), " is null");
        status = 1;
      }
    for (i64 o = 0; o < results && !status; ++o)
      if (!outputs[o]) {
        setError(context, "output #", decimal(o, digits), " is null");
        status = 1;
      }
  }
  if (status) {
    __atomic_store_n(&context->busy, 0, __ATOMIC_RELEASE);
    return status;
  }
  /* Point the descriptors at the caller's buffers. */
  const struct Binding *binding = context->bindings;
  for (i64 i = 0; i < count; ++i, ++binding)
    if (binding->at)
      setData(binding->record, binding->at, inputs[i]);
  for (i64 o = 0; o < results; ++o, ++binding)
    setData(binding->record, binding->at, outputs[o]);
  for (i64 p = 0; p < prepacked; ++p, ++binding)
    setData(binding->record, binding->at, inputs[binding->buffer]);
  if (prepacked)
    lowbit_model_prepack_invoke(context->prepackArguments);
  lowbit_model_invoke(context->arguments);
  context->error[0] = '\0';
  __atomic_store_n(&context->busy, 0, __ATOMIC_RELEASE);
  return 0;
}

/*--- The boundary --------------------------------------------------------------*/

int lowbit_model_num_inputs(void) { return (int)numInputs(); }
int lowbit_model_num_outputs(void) { return (int)numOutputs(); }

/* Record of input (output = 0) or output (output = 1) `index`, or null. */
static const i64 *boundary(int output, int index) {
  i64 count = output ? numOutputs() : numInputs();
  if (index < 0 || index >= count)
    return 0;
  return record(output ? numInputs() + index : index);
}

const char *lowbit_model_input_name(int index) {
  const i64 *r = boundary(0, index);
  return r ? lowbit_model_strings + r[kFieldName] : 0;
}
const char *lowbit_model_output_name(int index) {
  const i64 *r = boundary(1, index);
  return r ? lowbit_model_strings + r[kFieldName] : 0;
}
const char *lowbit_model_input_type(int index) {
  const i64 *r = boundary(0, index);
  return r ? lowbit_model_strings + r[kFieldType] : 0;
}
const char *lowbit_model_output_type(int index) {
  const i64 *r = boundary(1, index);
  return r ? lowbit_model_strings + r[kFieldType] : 0;
}
int lowbit_model_input_rank(int index) {
  const i64 *r = boundary(0, index);
  return r ? (int)r[kFieldRank] : -1;
}
int lowbit_model_output_rank(int index) {
  const i64 *r = boundary(1, index);
  return r ? (int)r[kFieldRank] : -1;
}
const i64 *lowbit_model_input_shape(int index) {
  const i64 *r = boundary(0, index);
  return r ? r + kFieldShape : 0;
}
const i64 *lowbit_model_output_shape(int index) {
  const i64 *r = boundary(1, index);
  return r ? r + kFieldShape : 0;
}
size_t lowbit_model_input_size(int index) {
  const i64 *r = boundary(0, index);
  return r ? (size_t)r[kFieldBytes] : 0;
}
size_t lowbit_model_output_size(int index) {
  const i64 *r = boundary(1, index);
  return r ? (size_t)r[kFieldBytes] : 0;
}
