#!/usr/bin/env node
// onnxruntime (onnxruntime-node, CPU execution provider) com.microsoft.MatMulNBits peer benchmark.
//
// For every (K, N, bits, zero points, accuracy_level) and every M it
//   1. makes sure the models exist (runs make_models.py with Debian's python3 when missing),
//   2. creates one session per weight copy (enough copies that their weights exceed --rotate-bytes,
//      so weights stream from DRAM rather than from the 32 MB L3),
//   3. checks onnxruntime's output against the NumPy float64 reference (exact M = 1 and M = 3
//      references on every copy, and at each timed M the reference rows tiled to M rows),
//   4. times session.run() rotating over the copies and prints the median as one JSON line.
// Unsupported combinations (session creation fails) give a JSON line with "error".
//
// Usage: node ort_bench.mjs [--models DIR (default cache/models)] [--shapes 4096x4096,4096x11008,11008x4096] [--bits 2,4,8]
//          [--zp 0,1] [--levels 0,4] [--m 1,16,128,512] [--threads 2] [--block 128]
//          [--min-calls 20] [--min-time 1] [--max-time 5] [--rotate-bytes 67108864]
//          [--spin 0|1|2] [--copies N] [--quiet-wait S] [--noisy-cores 0.25]
//          [--python /usr/bin/python3] [--no-overhead]
// Shapes are KxN (input features x output features); y[M,N] = x[M,K] * W[N,K]^T.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const ort = require('onnxruntime-node');
const ORT_VERSION = require('onnxruntime-node/package.json').version;

// ---------------------------------------------------------------- options
const opt = {
  models: path.join(here, 'cache', 'models'),
  shapes: '4096x4096,4096x11008,11008x4096',
  bits: '2,4,8',
  zp: '0,1',
  levels: '0,4',
  m: '1,16,128,512',
  threads: 2,
  block: 128,
  'min-calls': 20,
  'min-time': 1.0,
  'max-time': 5.0,
  'rotate-bytes': 64 * 1024 * 1024,
  spin: 2,
  copies: 0,
  'quiet-wait': 0,
  'noisy-cores': 0.25,
  python: '/usr/bin/python3',
  overhead: true,
};
{
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]);
    if (!m) { console.error(`bad argument ${argv[i]}`); process.exit(2); }
    if (m[1] === 'no-overhead') { opt.overhead = false; continue; }
    if (m[1] === 'help') {
      const src = fs.readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n');
      console.log(src.slice(1, src.findIndex((l) => l.startsWith('import'))).map((l) => l.replace(/^\/\/ ?/, '')).join('\n'));
      process.exit(0);
    }
    if (!(m[1] in opt)) { console.error(`unknown option ${argv[i]}`); process.exit(2); }
    let v = m[2];
    if (v === undefined) {
      if (i + 1 >= argv.length) { console.error(`missing value for ${argv[i]}`); process.exit(2); }
      v = argv[++i];
    }
    opt[m[1]] = typeof opt[m[1]] === 'number' ? Number(v) : v;
  }
}
const list = (s) => String(s).split(',').filter((x) => x !== '').map(Number);
const shapes = opt.shapes.split(',').map((s) => s.split('x').map(Number));
const threads = opt.threads;
const log = (...a) => console.error('[ort_bench]', ...a);
const emit = (o) => console.log(JSON.stringify(o));

// Accuracy-level dependent tolerance on max|y - ref| / max|ref|: level 4 quantizes A to int8 per
// block (errors ~1e-3..1e-2); float levels should agree to float32 rounding.
const tolFor = (level) => (level >= 4 ? 5e-2 : 1e-3);

function sessionOptions() {
  return {
    executionProviders: ['cpu'],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    logSeverityLevel: 4, // the failures we expect are reported as JSON "error" lines instead
    // spin 0: workers never spin; spin 1: ORT default (spin while waiting for work);
    // spin 2: spin during a run but stop spinning when run() returns (session.force_spinning_stop).
    extra: { session: { intra_op: { allow_spinning: opt.spin ? '1' : '0' }, force_spinning_stop: opt.spin === 2 ? '1' : '0' } },
  };
}

function readF32(p) {
  const b = fs.readFileSync(p);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

function weightBytes(k, n, bits, block, zp) {
  const kb = Math.ceil(k / block);
  return n * kb * (block * bits / 8) + n * kb * 4 + (zp ? n * Math.ceil(kb * bits / 8) : 0);
}

function baseName(k, n, bits, block, zp, copy) {
  return `mnb_k${k}_n${n}_b${bits}_g${block}_${zp ? 'zp' : 'sym'}_c${copy}`;
}

function ensureModels(dir, k, n, bits, block, zp, copies, levels) {
  const need = [];
  for (let c = 0; c < copies; c++) {
    const base = baseName(k, n, bits, block, zp, c);
    const ok = fs.existsSync(path.join(dir, base + '.ref.json')) &&
      levels.every((l) => fs.existsSync(path.join(dir, `${base}.acc${l}.onnx`)));
    if (!ok) need.push(c);
  }
  if (need.length === 0) return;
  log(`generating ${need.length} of ${copies} copies of k${k} n${n} b${bits} ${zp ? 'zp' : 'sym'} ...`);
  const t0 = Date.now();
  // make_models.py skips complete copies and only adds missing graph files.
  execFileSync(opt.python, [path.join(here, 'make_models.py'), '--out', dir, '--k', String(k), '--n', String(n),
    '--bits', String(bits), '--block', String(block), ...(zp ? ['--zero-points'] : []), '--copies', String(copies),
    '--accuracy-levels', levels.join(',')], { stdio: ['ignore', 'ignore', 'ignore'] });
  log(`  done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

function loadRef(dir, base) {
  const meta = JSON.parse(fs.readFileSync(path.join(dir, base + '.ref.json'), 'utf8'));
  return { meta, a: readF32(path.join(dir, meta.ref_a)), y: readF32(path.join(dir, meta.ref_y)) };
}

// Input of M rows: reference row (i mod 3) for row i.  Expected output row i = ref row (i mod 3).
function tiledInput(a, k, m, rows) {
  const x = new Float32Array(m * k);
  for (let i = 0; i < m; i++) x.set(a.subarray((i % rows) * k, (i % rows + 1) * k), i * k);
  return x;
}

function relErr(y, ref, n, m, rows, absmax) {
  let e = 0;
  for (let i = 0; i < m; i++) {
    const r = (i % rows) * n;
    const o = i * n;
    for (let j = 0; j < n; j++) {
      const d = Math.abs(y[o + j] - ref[r + j]);
      if (!(d <= e)) e = Number.isNaN(d) ? Infinity : d;
    }
  }
  return e / absmax;
}

// CPU use by other processes while we time: /proc/stat busy time minus this process's own
// utime+stime (all threads), both in USER_HZ ticks.  Reported as "other_cores" (average number of
// cores busy with something else; ~0 on a quiet machine) and "steal_cores" (hypervisor steal).
function cpuSnapshot() {
  try {
    const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const [user, nice, system, idle, iowait, irq, softirq, steal] = f;
    const total = user + nice + system + idle + iowait + irq + softirq + steal;
    const me = fs.readFileSync('/proc/self/stat', 'utf8');
    const rest = me.slice(me.lastIndexOf(')') + 2).split(' ');
    return { total, busy: user + nice + system + irq + softirq, steal, self: Number(rest[11]) + Number(rest[12]) };
  } catch {
    return null;
  }
}
function otherLoad(a, b) {
  if (!a || !b || b.total <= a.total) return {};
  const ncpu = os.cpus().length;
  const wall = (b.total - a.total) / ncpu; // ticks of wall time
  return {
    other_cores: +Math.max(0, (b.busy - a.busy - (b.self - a.self)) / wall).toFixed(2),
    steal_cores: +((b.steal - a.steal) / wall).toFixed(2),
  };
}

// With --quiet-wait S (a budget for the whole run), a measurement during which other processes
// used more than --noisy-cores cores is repeated once the machine is quiet again.
let quietBudget = null;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function waitQuiet() {
  if (quietBudget === null) quietBudget = opt['quiet-wait'] * 1e3;
  while (quietBudget > 0) {
    const a = cpuSnapshot();
    await sleep(2000);
    quietBudget -= 2000;
    const l = otherLoad(a, cpuSnapshot());
    if (l.other_cores !== undefined && l.other_cores <= opt['noisy-cores']) return true;
    log(`machine busy (${l.other_cores} cores used by others); waiting (${(quietBudget / 1e3).toFixed(0)} s of budget left)`);
  }
  return false;
}

const median = (v) => {
  const s = [...v].sort((p, q) => p - q);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : 0.5 * (s[h - 1] + s[h]);
};

async function timeCalls(runOne, count) {
  // runOne(i) runs call i (rotating over copies).  Returns per-call milliseconds.
  const minCalls = opt['min-calls'];
  const minTime = opt['min-time'] * 1e3;
  const maxTime = opt['max-time'] * 1e3;
  const times = [];
  const start = performance.now();
  for (let i = 0; ; i++) {
    const t0 = process.hrtime.bigint();
    await runOne(i);
    const t1 = process.hrtime.bigint();
    times.push(Number(t1 - t0) / 1e6);
    const el = performance.now() - start;
    if (times.length >= minCalls && el >= minTime) break;
    if (el >= maxTime && times.length >= Math.min(5, minCalls)) break; // long calls: bounded wall time
    if (count && times.length >= count) break;
  }
  return times;
}

// ---------------------------------------------------------------- bits support probe
const supportCache = new Map();
async function probeSupport(bits, zp, level) {
  // A tiny model with the same bits / zp / level: the CPU kernel checks bits at construction.
  const key = `${bits}/${zp}/${level}`;
  if (supportCache.has(key)) return supportCache.get(key);
  const dir = path.join(opt.models, 'probe');
  fs.mkdirSync(dir, { recursive: true });
  ensureModels(dir, 2 * opt.block, 16, bits, opt.block, zp, 1, list(opt.levels));
  const base = baseName(2 * opt.block, 16, bits, opt.block, zp, 0);
  let res = null;
  try {
    const s = await ort.InferenceSession.create(path.join(dir, `${base}.acc${level}.onnx`), sessionOptions());
    const { meta, a, y } = loadRef(dir, base);
    const out = await s.run({ A: new ort.Tensor('float32', a, [meta.ref_rows, meta.k]) });
    const e = relErr(out.Y.data, y, meta.n, meta.ref_rows, meta.ref_rows, meta.ref_y_absmax);
    await s.release();
    if (!(e <= tolFor(level))) res = `wrong result on probe model (max_rel_err ${e})`;
  } catch (err) {
    res = String(err && err.message ? err.message : err).replace(/\s+/g, ' ').slice(0, 400);
  }
  supportCache.set(key, res);
  return res;
}

// ---------------------------------------------------------------- call overhead
async function measureOverhead(k) {
  const p = path.join(opt.models, 'overhead', `identity_k${k}.onnx`);
  if (!fs.existsSync(p)) {
    execFileSync(opt.python, ['-c', `
import onnx, sys
from onnx import helper, TensorProto
g = helper.make_graph([helper.make_node("Identity", ["A"], ["Y"])], "identity",
    [helper.make_tensor_value_info("A", TensorProto.FLOAT, ["M", ${k}])],
    [helper.make_tensor_value_info("Y", TensorProto.FLOAT, ["M", ${k}])])
m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)]); m.ir_version = 8
import os; os.makedirs(os.path.dirname(sys.argv[1]), exist_ok=True); onnx.save(m, sys.argv[1])
`, p]);
  }
  const s = await ort.InferenceSession.create(p, sessionOptions());
  const x = new ort.Tensor('float32', new Float32Array(k), [1, k]);
  for (let i = 0; i < 50; i++) await s.run({ A: x });
  const saved = [opt['min-calls'], opt['min-time']];
  [opt['min-calls'], opt['min-time']] = [200, 0.3];
  const t = await timeCalls(() => s.run({ A: x }));
  [opt['min-calls'], opt['min-time']] = saved;
  await s.release();
  return median(t);
}

// ---------------------------------------------------------------- main loop
async function benchConfig(k, n, bits, zp, level, ms) {
  const block = opt.block;
  const common = {
    peer: 'onnxruntime', version: ORT_VERSION, op: 'MatMulNBits', k, n, bits, block,
    accuracy_level: level, zero_points: !!zp, threads,
  };
  const wb = weightBytes(k, n, bits, block, zp);
  const unsupported = await probeSupport(bits, zp, level);
  if (unsupported) {
    for (const m of ms) emit({ ...common, m, time_ms: null, weight_bytes: wb, error: unsupported });
    return;
  }
  const copies = opt.copies > 0 ? opt.copies : Math.max(2, Math.ceil(opt['rotate-bytes'] / wb));
  ensureModels(opt.models, k, n, bits, block, zp, copies, list(opt.levels));

  const sessions = [];
  const refs = [];
  try {
    const t0 = Date.now();
    for (let c = 0; c < copies; c++) {
      const base = baseName(k, n, bits, block, zp, c);
      refs.push(loadRef(opt.models, base));
      sessions.push(await ort.InferenceSession.create(path.join(opt.models, `${base}.acc${level}.onnx`),
        sessionOptions()));
    }
    log(`k${k} n${n} b${bits} ${zp ? 'zp' : 'sym'} acc${level}: ${copies} sessions in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  } catch (err) {
    for (const s of sessions) await s.release();
    const msg = String(err && err.message ? err.message : err).replace(/\s+/g, ' ').slice(0, 400);
    for (const m of ms) emit({ ...common, m, time_ms: null, weight_bytes: wb, copies, error: msg });
    return;
  }
  const rows = refs[0].meta.ref_rows;
  const absmax = (c) => refs[c].meta.ref_y_absmax;

  // Exact references: M = 1 (row 0) and M = 3 (rows 0..2), on every copy.
  let errRef1 = 0, errRef3 = 0;
  for (let c = 0; c < copies; c++) {
    const { a, y } = refs[c];
    const o1 = await sessions[c].run({ A: new ort.Tensor('float32', a.slice(0, k), [1, k]) });
    errRef1 = Math.max(errRef1, relErr(o1.Y.data, y, n, 1, rows, absmax(c)));
    const o3 = await sessions[c].run({ A: new ort.Tensor('float32', a, [rows, k]) });
    errRef3 = Math.max(errRef3, relErr(o3.Y.data, y, n, rows, rows, absmax(c)));
  }

  for (const m of ms) {
    let line = { ...common, m };
    try {
      // Every copy gets the same tiled input (copies share K and the reference input seed).
      const x = new ort.Tensor('float32', tiledInput(refs[0].a, k, m, rows), [m, k]);
      let err = 0;
      for (let c = 0; c < copies; c++) { // check + first warm-up round
        const out = await sessions[c].run({ A: x });
        err = Math.max(err, relErr(out.Y.data, refs[c].y, n, m, rows, absmax(c)));
      }
      for (let c = 0; c < Math.min(copies, 2); c++) await sessions[c].run({ A: x }); // a little more warm-up
      let times, load, retries = 0;
      for (;;) {
        const snap0 = cpuSnapshot();
        times = await timeCalls((i) => sessions[i % copies].run({ A: x }));
        load = otherLoad(snap0, cpuSnapshot());
        if (!(load.other_cores > opt['noisy-cores']) || retries >= 3 || !(await waitQuiet())) break;
        retries++;
        for (let c = 0; c < Math.min(copies, 2); c++) await sessions[c].run({ A: x });
      }
      if (retries) load.retries = retries;
      const t = median(times);
      const tol = tolFor(level);
      line = {
        ...line, time_ms: +t.toFixed(4), weight_bytes: wb, max_rel_err: +err.toPrecision(3),
        max_rel_err_ref_m1: +errRef1.toPrecision(3), max_rel_err_ref_m3: +errRef3.toPrecision(3),
        check: err <= tol && errRef1 <= tol && errRef3 <= tol ? 'ok' : 'FAIL', tol,
        copies, rotate_bytes: copies * wb, calls: times.length,
        time_ms_min: +Math.min(...times).toFixed(4),
        gops: +(2 * m * k * n / (t * 1e6)).toFixed(2),
        weight_gbps: +(wb / (t * 1e6)).toFixed(2),
        ...load,
      };
    } catch (err) {
      line = { ...line, time_ms: null, weight_bytes: wb, copies,
        error: String(err && err.message ? err.message : err).replace(/\s+/g, ' ').slice(0, 400) };
    }
    emit(line);
  }
  for (const s of sessions) await s.release();
}

async function main() {
  fs.mkdirSync(opt.models, { recursive: true });
  log(`onnxruntime-node ${ORT_VERSION}, threads ${threads}, spin ${opt.spin}, models in ${opt.models}`);
  if (opt.overhead) {
    const k = shapes[0][0];
    const t = await measureOverhead(k);
    emit({ peer: 'onnxruntime', version: ORT_VERSION, op: 'Identity', note: 'per-call overhead of session.run from Node (1 x K float32 Identity)', m: 1, k, threads, time_ms: +t.toFixed(4) });
  }
  const ms = list(opt.m);
  for (const [k, n] of shapes)
    for (const bits of list(opt.bits))
      for (const zp of list(opt.zp))
        for (const level of list(opt.levels))
          await benchConfig(k, n, bits, zp, level, ms);
}

main().catch((e) => { console.error(e); process.exit(1); });
