// ModelHost (pipeline/runtime/models.ts): one queue a session, the backend
// choice ('auto' timing both, forcing one), WebGPU failures falling back to
// WASM with a note, weights errors that name the model. Sessions are JS
// fixtures (test/helpers/fake-models.ts); onnxruntime itself is tested in ort.test.ts.
import { test } from 'uvu';
import { createHash } from 'node:crypto';
import * as assert from 'uvu/assert';
import { ModelHost, float32, int32, outputsToFetch } from '../../../pipeline/runtime/models';
import { memoryWeights } from '../../../pipeline/runtime/weights';
import type { Manifest } from '../../../pipeline/runtime/manifest';
import type { ModelSession } from '../../../pipeline/runtime/ort';
import { fakeWorld, HARDWARE_WEBGPU, NO_WEBGPU } from '../../helpers/fake-models';

const denoiserFeeds = () => ({
  latent: float32(new Float32Array(2 * 4 * 8 * 8).fill(1), [2, 1, 4, 8, 8]),
  timestep: float32(new Float32Array([999, 999]), [2]),
  context: float32(new Float32Array(2 * 24 * 128), [2, 24, 128]),
});

test('calls on one session never overlap, and run in the order asked', async () => {
  const world = fakeWorld();
  world.delay.wasm = 2;
  const host = new ModelHost(world.source, { createSession: world.createSession, webgpuSupport: async () => NO_WEBGPU });
  const order: number[] = [];
  await Promise.all(Array.from({ length: 20 }, (_, i) => host.run('dit', denoiserFeeds(), { backend: 'wasm' }).then(() => order.push(i))));
  assert.is(world.maxConcurrent, 1);
  assert.equal(order, Array.from({ length: 20 }, (_, i) => i));
});

test('a call whose signal aborts while it waits in the queue never runs', async () => {
  const world = fakeWorld();
  world.delay.wasm = 5;
  const host = new ModelHost(world.source, { createSession: world.createSession, webgpuSupport: async () => NO_WEBGPU });
  const first = host.run('dit', denoiserFeeds(), { backend: 'wasm' });
  const controller = new AbortController();
  const second = host.run('dit', denoiserFeeds(), { backend: 'wasm', signal: controller.signal });
  controller.abort();
  await first;
  try {
    await second;
    assert.unreachable();
  } catch (e) {
    assert.is((e as Error).name, 'AbortError');
  }
  assert.is(world.calls.length, 1);
});

test("'auto' without WebGPU: WASM, saying why, and nothing is timed", async () => {
  const world = fakeWorld();
  const host = new ModelHost(world.source, { createSession: world.createSession, webgpuSupport: async () => NO_WEBGPU });
  const r = await host.run('dit', denoiserFeeds());
  assert.is(r.report.backend, 'wasm');
  assert.is(r.report.requested, 'auto');
  assert.match(r.report.reason, /no WebGPU in this test/);
  assert.is(r.report.times, undefined);
  assert.equal(world.calls, [['dit', 'wasm']]);
});

test("'auto' with a software adapter only: WASM (a software adapter is slower), unless told to consider it", async () => {
  const world = fakeWorld();
  const sw = { available: true, fallback: true, description: 'swiftshader' };
  const host = new ModelHost(world.source, { createSession: world.createSession, webgpuSupport: async () => sw });
  const r = await host.run('dit', denoiserFeeds());
  assert.is(r.report.backend, 'wasm');
  assert.match(r.report.reason, /software/);
  const host2 = new ModelHost(world.source, { createSession: world.createSession, webgpuSupport: async () => sw, softwareWebGpu: true });
  const r2 = await host2.run('dit', denoiserFeeds());
  assert.ok(r2.report.times?.wasm !== undefined && r2.report.times?.webgpu !== undefined, 'both timed');
});

test("'auto' with WebGPU: a warm call timed on each backend, the faster wins, both times told; later calls use it", async () => {
  for (const [slow, fast] of [['wasm', 'webgpu'], ['webgpu', 'wasm']] as const) {
    const world = fakeWorld();
    world.delay[slow] = 15;
    world.delay[fast] = 0;
    const host = new ModelHost(world.source, { createSession: world.createSession, webgpuSupport: async () => HARDWARE_WEBGPU });
    const r = await host.run('dit', denoiserFeeds());
    assert.is(r.report.backend, fast);
    assert.ok(r.report.times![slow]! > r.report.times![fast]!, JSON.stringify(r.report.times));
    assert.match(r.report.reason, /faster: WebGPU [\d.]+ ms, WASM [\d.]+ ms a call/);
    // two calls on each backend (warm-up, timed); the timed one's outputs answer the call
    assert.equal(world.calls.map(([, b]) => b), ['wasm', 'wasm', 'webgpu', 'webgpu']);
    assert.is((r.outputs.prediction.data as Float32Array)[0], Math.fround(0.5 + 999 / 4000));
    const again = await host.run('dit', denoiserFeeds());
    assert.is(again.report.backend, fast);
    assert.is(world.calls.length, 5);
    assert.equal(world.calls[4], ['dit', fast]);
  }
});

test('forced WebGPU that cannot start: WASM runs it, with a note; so do later calls', async () => {
  const world = fakeWorld();
  world.failures.webgpuCreate = 'an operator WebGPU does not support';
  const host = new ModelHost(world.source, { createSession: world.createSession, webgpuSupport: async () => HARDWARE_WEBGPU });
  const r = await host.run('dit', denoiserFeeds(), { backend: 'webgpu' });
  assert.is(r.report.backend, 'wasm');
  assert.match(r.report.fallback ?? '', /WebGPU could not run this model: an operator WebGPU does not support/);
  const again = await host.run('dit', denoiserFeeds(), { backend: 'webgpu' });
  assert.is(again.report.backend, 'wasm');
  assert.ok(again.report.fallback);
});

test('WebGPU failing while running (device lost): the call is rerun on WASM, with a note', async () => {
  const world = fakeWorld();
  world.failures.webgpuRun = 'Device was lost';
  const host = new ModelHost(world.source, { createSession: world.createSession, webgpuSupport: async () => HARDWARE_WEBGPU });
  const r = await host.run('dit', denoiserFeeds(), { backend: 'webgpu' });
  assert.is(r.report.backend, 'wasm');
  assert.match(r.report.fallback ?? '', /WebGPU failed while running: Device was lost/);
  assert.equal(world.calls, [['dit', 'webgpu'], ['dit', 'wasm']]);
  // auto, same failure: WASM, and it stays there
  const world2 = fakeWorld();
  world2.failures.webgpuRun = 'Device was lost';
  const host2 = new ModelHost(world2.source, { createSession: world2.createSession, webgpuSupport: async () => HARDWARE_WEBGPU });
  const r2 = await host2.run('dit', denoiserFeeds());
  assert.is(r2.report.backend, 'wasm');
  assert.ok(r2.report.fallback);
});

test('forced WebGPU where there is none: WASM, with the browser\'s reason', async () => {
  const world = fakeWorld();
  const host = new ModelHost(world.source, { createSession: world.createSession, webgpuSupport: async () => NO_WEBGPU });
  const r = await host.run('dit', denoiserFeeds(), { backend: 'webgpu' });
  assert.is(r.report.backend, 'wasm');
  assert.match(r.report.fallback ?? '', /WebGPU is not available: no WebGPU in this test/);
});

test('a model the manifest does not list, and a missing file, are errors that name the model', async () => {
  const world = fakeWorld();
  const host = new ModelHost(world.source, { createSession: world.createSession, webgpuSupport: async () => NO_WEBGPU });
  try {
    await host.run('unet', denoiserFeeds());
    assert.unreachable();
  } catch (e) {
    assert.is((e as Error).name, 'WeightsError');
    assert.match((e as Error).message, /"unet" is not in weights\/manifest.json yet \(it lists text_encoder, dit, vae_decoder, vae_encoder\)/);
    assert.is((e as { model: string }).model, 'unet');
  }
  // weights errors are not "WebGPU failures": forcing WebGPU still reports the real problem
  const { memoryWeights } = await import('../../../pipeline/runtime/weights');
  const host2 = new ModelHost(memoryWeights(world.manifest, {}), { createSession: world.createSession, webgpuSupport: async () => HARDWARE_WEBGPU });
  for (const backend of ['webgpu', 'auto'] as const) {
    try {
      await host2.run('text_encoder', { tokens: int32(new Int32Array(24), [1, 24]) }, { backend });
      assert.unreachable();
    } catch (e) {
      assert.is((e as { kind: string }).kind, 'missing', backend);
    }
  }
});

test('a model and its inspect twin in one file: one download, and each call fetches only its own entry\'s outputs', async () => {
  const bytes = new TextEncoder().encode('one file, two entries');
  const digest = createHash('sha256').update(bytes).digest('hex');
  const entry = { file: 'dit.onnx', sha256: digest, bytes: bytes.length };
  const manifest: Manifest = {
    version: 1,
    models: {
      dit: { ...entry, outputs: { prediction: 'v' } },
      dit_inspect: { ...entry, outputs: { prediction: 'v', cross_attention: 'maps' } },
    },
  };
  const source = memoryWeights(manifest, { 'dit.onnx': bytes });
  let downloads = 0;
  const counting = { ...source, bytes: (m: string, o?: Parameters<typeof source.bytes>[1]) => (downloads++, source.bytes(m, o)) };
  const fetched: (string[] | undefined)[] = [];
  const createSession = async () => ({
    backend: 'wasm' as const,
    placement: null,
    ort: { Tensor: class { constructor(readonly type: string, readonly data: Float32Array, readonly dims: number[]) {} } },
    session: {
      inputNames: ['latent'],
      outputNames: ['prediction', 'cross_attention'],
      inputMetadata: [],
      release: async () => undefined,
      run: async (_inputs: unknown, fetches?: string[]) => {
        fetched.push(fetches);
        const t = { type: 'float32', data: new Float32Array(1), dims: [1] };
        return Object.fromEntries((fetches ?? ['prediction', 'cross_attention']).map((n) => [n, t]));
      },
    },
  }) as unknown as ModelSession;
  const host = new ModelHost(counting, { createSession, webgpuSupport: async () => NO_WEBGPU });
  const feeds = { latent: float32(new Float32Array(1), [1]) };
  const [plain, inspect] = await Promise.all([host.run('dit', feeds), host.run('dit_inspect', feeds)]);
  assert.is(downloads, 1);
  assert.equal(Object.keys(plain.outputs), ['prediction']);
  assert.equal(Object.keys(inspect.outputs).sort(), ['cross_attention', 'prediction']);
  assert.equal(fetched.map((f) => f?.join(',') ?? 'all').sort(), ['all', 'prediction']);
  // releasing one keeps the file for the other; releasing both lets it go (the next call loads it again)
  await host.release('dit');
  await host.run('dit_inspect', feeds);
  assert.is(downloads, 1);
  await host.release();
  await host.run('dit', feeds);
  assert.is(downloads, 2);
});

test('outputsToFetch: the entry\'s outputs where the graph has more; everything where the entry lists none or one the graph lacks', () => {
  assert.equal(outputsToFetch({ prediction: '' }, ['prediction', 'adaln']), ['prediction']);
  assert.is(outputsToFetch({ prediction: '', adaln: '' }, ['prediction', 'adaln']), undefined);
  assert.is(outputsToFetch(undefined, ['prediction', 'adaln']), undefined);
  assert.is(outputsToFetch({ eps: '' }, ['prediction', 'adaln']), undefined);
  assert.is(outputsToFetch({ prediction: '' }, []), undefined);
});

test.run();
