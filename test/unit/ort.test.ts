import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSession, executionReport, loadedBuilds, loadOrt, ort, setupOrt, tensor } from '../../pipeline/runtime/ort';
import { encodeModel, tinyInput, tinyModel, tinyReference, TINY } from '../helpers/tiny-onnx';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.is(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

test('a fresh process loads no build until a session needs one, then only that backend\'s', () => {
  // In a child process: uvu runs every test file in this one, and others load the WASM build first.
  const script = `
    import { createSession, loadedBuilds, ort } from ${JSON.stringify(path.join(root, 'pipeline/runtime/ort.ts'))};
    const before = loadedBuilds();
    let proxy = '';
    try { ort.Tensor; } catch (e) { proxy = e.message; }
    const bytes = new Uint8Array(${JSON.stringify(Array.from(tinyModel()))});
    await createSession(bytes, { backend: 'wasm' });
    console.log(JSON.stringify({ before, proxy, after: loadedBuilds() }));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  const got = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
  assert.equal(got.before, []);
  assert.match(got.proxy, /WASM build is not loaded yet/);
  assert.equal(got.after, ['wasm']);
});

test('Node: one WASM thread, onnxruntime finds its own files', async () => {
  const env = setupOrt();
  assert.is(env.numThreads, 1);
  assert.is(env.wasmBase, null);
  assert.is(env.placementVisible, false);
  const wasm = await loadOrt('wasm');
  assert.is(wasm.env.wasm.numThreads, 1);
  assert.is(ort.env, wasm.env, '`ort` is the plain WASM build once loaded');
});

test('a WASM session comes from the plain WASM build, not the WebGPU one', async () => {
  const s = await createSession(tinyModel(), { backend: 'wasm' });
  assert.is(s.ort, await loadOrt('wasm'));
  assert.not.ok(loadedBuilds().includes('webgpu'), 'the WebGPU build stays unloaded');
  const out = await s.session.run({ x: tensor(s, 'float32', tinyInput(), [1, TINY.inC, TINY.h, TINY.w]) });
  assert.ok(out.y.data instanceof Float32Array);
  await s.session.release();
});

test('the encoder writes a model onnxruntime accepts, with the declared inputs and outputs', async () => {
  const { session } = await createSession(tinyModel(), { backend: 'wasm' });
  assert.equal(session.inputNames, ['x']);
  assert.equal(session.outputNames, ['features', 'y']);
  await session.release();
});

test('tiny Conv → Relu → MatMul → Add → Tanh model on WASM matches the JS reference', async () => {
  const s = await createSession(tinyModel(), { backend: 'wasm' });
  const x = tinyInput();
  const out = await s.session.run({ x: new s.ort.Tensor('float32', x, [1, TINY.inC, TINY.h, TINY.w]) });
  const ref = tinyReference(x);
  assert.equal(out.features.dims, [1, TINY.outC, TINY.h, TINY.w]);
  assert.equal(out.y.dims, [1, TINY.hidden]);
  assert.ok(maxAbsDiff(out.features.data as Float32Array, ref.features) < 1e-5);
  assert.ok(maxAbsDiff(out.y.data as Float32Array, ref.y) < 1e-5);
  // the model is not trivial: outputs vary and Relu clips some features
  const y = Array.from(out.y.data as Float32Array);
  assert.ok(new Set(y.map((v) => v.toFixed(3))).size === TINY.hidden, `y = ${y}`);
  assert.ok(Array.from(ref.features).some((v) => v === 0) && Array.from(ref.features).some((v) => v > 0));
  const report = executionReport(s);
  assert.is(report.requested, 'wasm');
  assert.is(report.ran, 'wasm');
  assert.is(report.measured, false); // Node: the placement log goes straight to stderr
  await s.session.release();
});

test('a MatMul + Add + Relu graph with negative int64 attributes (Flatten axis -1)', async () => {
  const w = Float32Array.from([1, -2, 0.5, 3, -1, 0.25]);
  const b = Float32Array.from([0.5, -0.5]);
  const bytes = encodeModel({
    name: 'mlp',
    inputs: [{ name: 'x', dims: [1, 1, 3] }],
    outputs: [{ name: 'y', dims: [1, 2] }],
    initializers: [
      { name: 'w', dims: [3, 2], data: w },
      { name: 'b', dims: [2], data: b },
    ],
    nodes: [
      { op: 'Flatten', inputs: ['x'], outputs: ['f'], attributes: { axis: -1 } },
      { op: 'MatMul', inputs: ['f', 'w'], outputs: ['m'] },
      { op: 'Add', inputs: ['m', 'b'], outputs: ['a'] },
      { op: 'Relu', inputs: ['a'], outputs: ['y'] },
    ],
  });
  const { session } = await createSession(bytes, { backend: 'wasm' });
  const out = await session.run({ x: new ort.Tensor('float32', Float32Array.from([1, 2, 3]), [1, 1, 3]) }); // `ort`: the WASM build
  // [1,2,3]·w = [1 + 1 - 3, -2 + 6 + 0.75] = [-1, 4.75]; + b → [-0.5, 4.25]; relu → [0, 4.25]
  assert.equal(Array.from(out.y.data as Float32Array), [0, 4.25]);
  await session.release();
});

test('a bad model is a clear error, not a crash', async () => {
  try {
    await createSession(new Uint8Array([1, 2, 3]), { backend: 'wasm' });
    assert.unreachable('should have thrown');
  } catch (e) {
    assert.match((e as Error).message, /protobuf parsing failed/);
  }
});

test('WebGPU in Node is refused with a reason, not silently run on WASM', async () => {
  try {
    await createSession(tinyModel(), { backend: 'webgpu' });
    assert.unreachable('should have thrown');
  } catch (e) {
    assert.match((e as Error).message, /WebGPU is not available/);
  }
});

test.run();
