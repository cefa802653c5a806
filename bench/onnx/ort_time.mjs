#!/usr/bin/env node
// Times one ONNX model with onnxruntime (onnxruntime-node, CPU execution provider) on the inputs
// of .npy files and checks its outputs against expected .npy files.
//
//   node ort_time.mjs MODEL.onnx --input=a.npy[,b.npy...] [--expected=y.npy[,...]]
//                     [--threads=2] [--runs=N] [--min-time=1] [--optimize=all|disabled]
//                     [--write=y0.npy[,y1.npy...]]
//
// Prints one JSON line: {"median_ms", "best_ms", "runs", "max_rel_error", "ort_version"}
// (max_rel_error: max |y - expected| / max |expected| over the outputs). --write saves the
// outputs of the first call as .npy files (onnxruntime as an oracle; --runs=1 skips the
// timing). Inputs and outputs of float32, float16, uint8, int8, int32 and int64.
// onnxruntime-node comes from bench/peers (npm install --ignore-scripts there).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '..', 'peers', 'package.json'));
const ort = require('onnxruntime-node');
const ORT_VERSION = require('onnxruntime-node/package.json').version;

const args = { threads: 2, runs: 0, 'min-time': 1.0, optimize: 'all', input: '', expected: '',
               write: '' };
let model = '';
for (const a of process.argv.slice(2)) {
  const m = /^--([a-z-]+)=(.*)$/.exec(a);
  if (m && m[1] in args) args[m[1]] = typeof args[m[1]] === 'number' ? Number(m[2]) : m[2];
  else if (!a.startsWith('--') && !model) model = a;
  else { console.error(`ort_time: bad argument ${a}`); process.exit(2); }
}

// The .npy descriptors read and written, with onnxruntime's tensor types.
const TYPES = {
  '<f4': ['float32', Float32Array], '<f2': ['float16', Uint16Array],
  '|u1': ['uint8', Uint8Array], '|i1': ['int8', Int8Array],
  '<i4': ['int32', Int32Array], '<i8': ['int64', BigInt64Array],
};

// A little-endian .npy file as {type, shape, data} (float32, float16, uint8, int8, int32,
// int64).
function readNpy(file) {
  const bytes = fs.readFileSync(file);
  if (bytes.toString('latin1', 0, 6) !== '\x93NUMPY') throw new Error(`${file}: not a .npy file`);
  const major = bytes[6];
  const headerLength = major === 1 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8);
  const start = (major === 1 ? 10 : 12) + headerLength;
  const header = bytes.toString('latin1', major === 1 ? 10 : 12, start);
  const descr = /'descr': '([^']*)'/.exec(header);
  if (!descr || !(descr[1] in TYPES) || /'fortran_order': True/.test(header))
    throw new Error(`${file}: only C-order float32, float16, uint8, int8, int32 and int64 arrays are read`);
  const [type, Array] = TYPES[descr[1]];
  const shape = /'shape': \(([^)]*)\)/.exec(header)[1].split(',').filter((s) => s.trim() !== '')
    .map(Number);
  const data = new Array(bytes.buffer.slice(bytes.byteOffset + start,
                                            bytes.byteOffset + bytes.length));
  return { type, shape, data };
}

// The .npy bytes of a tensor of one of TYPES.
function npyBytes(type, shape, data) {
  const descr = Object.keys(TYPES).find((d) => TYPES[d][0] === type);
  if (!descr) throw new Error(`outputs of type ${type} are not written`);
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${dims}), }`;
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 10 - 1, ' ') + '\n';
  const prefix = Buffer.alloc(10);
  prefix.write('\x93NUMPY', 0, 'latin1');
  prefix[6] = 1;
  prefix.writeUInt16LE(header.length, 8);
  return Buffer.concat([prefix, Buffer.from(header, 'latin1'),
                        Buffer.from(data.buffer, data.byteOffset, data.byteLength)]);
}

const session = await ort.InferenceSession.create(model, {
  executionProviders: ['cpu'],
  intraOpNumThreads: args.threads,
  interOpNumThreads: 1,
  graphOptimizationLevel: args.optimize,
});
const feeds = {};
args.input.split(',').filter((s) => s).forEach((file, i) => {
  const { type, shape, data } = readNpy(file);
  feeds[session.inputNames[i]] = new ort.Tensor(type, data, shape);
});
let outputs = await session.run(feeds);
args.write.split(',').filter((s) => s).forEach((file, i) => {
  const tensor = outputs[session.outputNames[i]];
  fs.writeFileSync(file, npyBytes(tensor.type, tensor.dims, tensor.data));
});
let maxError = 0;
args.expected.split(',').filter((s) => s).forEach((file, i) => {
  const expected = readNpy(file).data;
  const actual = outputs[session.outputNames[i]].data;
  let scale = 0, error = 0;
  for (let j = 0; j < expected.length; j++) {
    scale = Math.max(scale, Math.abs(Number(expected[j])));
    error = Math.max(error, Math.abs(Number(actual[j]) - Number(expected[j])));
  }
  maxError = Math.max(maxError, error / (scale || 1));
});
const times = [];
const started = performance.now();
const more = () => (args.runs > 0 ? times.length < args.runs
                                   : times.length < 10 ||
                                     performance.now() - started < args['min-time'] * 1000);
while (more()) {
  const t0 = performance.now();
  outputs = await session.run(feeds);
  times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
console.log(JSON.stringify({ median_ms: times[times.length >> 1], best_ms: times[0],
                             runs: times.length, max_rel_error: maxError,
                             ort_version: ORT_VERSION }));
