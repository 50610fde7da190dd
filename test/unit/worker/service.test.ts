// The worker's message handling (pipeline/worker/service.ts) in Node, with JS
// sessions (test/helpers/fake-models.ts): per-cell cancellation (200 rapid
// requests end with the last one's result), progress streaming, errors that
// stay with their request, and the typed protocol end to end. The browser tests
// do the same through a real Worker and real models.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ModelHost } from '../../../pipeline/runtime/models';
import type { FromWorker, RequestMessage } from '../../../pipeline/worker/protocol';
import { ModelService } from '../../../pipeline/worker/service';
import { fakeWorld, HARDWARE_WEBGPU, NO_WEBGPU } from '../../helpers/fake-models';

function harness(world = fakeWorld(), webgpu = NO_WEBGPU) {
  const messages: FromWorker[] = [];
  const waiters: (() => void)[] = [];
  const service = new ModelService((m) => {
    messages.push(m);
    waiters.splice(0).forEach((w) => w());
  });
  // Swap in a host with the JS sessions (the service otherwise builds one from a 'configure' message).
  (service as unknown as { host: ModelHost }).host = new ModelHost(world.source, { createSession: world.createSession, webgpuSupport: async () => webgpu });
  let id = 0;
  const send = (cell: string, job: RequestMessage['job'], backend: RequestMessage['backend'] = 'auto') => {
    const m = { type: 'request', id: ++id, cell, backend, job } as RequestMessage;
    service.handle(m);
    return m.id;
  };
  const final = (rid: number) => messages.find((m) => m.id === rid && m.type !== 'progress');
  const until = async (done: () => boolean) => {
    while (!done()) await new Promise<void>((r) => waiters.push(r));
  };
  return { world, service, messages, send, final, until };
}

const generate = (seed: number, steps = 4) => ({ kind: 'generate' as const, options: { prompt: 'a red circle', model: 'dit', seed, steps, frames: 2 } });

test('200 rapid requests from one cell: the last one answers with its result, every other one is cancelled', async () => {
  const h = harness();
  h.world.delay.wasm = 1;
  const ids = Array.from({ length: 200 }, (_, i) => h.send('cell-a', generate(i)));
  await h.until(() => ids.every((i) => h.final(i)));
  const last = h.final(ids[199])!;
  assert.is(last.type, 'result');
  const lastResult = (last as { result: { sample: { options: { seed: number } } } }).result;
  assert.is(lastResult.sample.options.seed, 199);
  for (const i of ids.slice(0, 199)) assert.is(h.final(i)!.type, 'cancelled', `request ${i}`);
  // Cancelled requests stopped early: far fewer denoiser calls than 200 × 4.
  const denoiserCalls = h.world.calls.filter(([m]) => m === 'dit').length;
  assert.ok(denoiserCalls < 30, `${denoiserCalls} denoiser calls`);
  assert.is(h.service.pending, 0);
});

test('a newer request in one cell leaves another cell\'s generation alone; both stream progress', async () => {
  const h = harness();
  h.world.delay.wasm = 1;
  const a = h.send('generator', generate(1, 6));
  const b1 = h.send('slider', { kind: 'encodePrompt', prompt: 'a blue square' });
  const b2 = h.send('slider', { kind: 'encodePrompt', prompt: 'a green square' });
  await h.until(() => !!h.final(a) && !!h.final(b2));
  assert.is(h.final(a)!.type, 'result');
  assert.is(h.final(b1)!.type, 'cancelled');
  assert.is(h.final(b2)!.type, 'result');
  const steps = h.messages.filter((m) => m.id === a && m.type === 'progress' && m.progress.kind === 'step').map((m) => (m as { progress: { step: number; of: number } }).progress);
  assert.equal(steps.map((p) => `${p.step}/${p.of}`), ['1/6', '2/6', '3/6', '4/6', '5/6', '6/6']);
  const stages = h.messages.filter((m) => m.id === a && m.type === 'progress' && m.progress.kind === 'stage').map((m) => (m as { progress: { stage: string } }).progress.stage);
  assert.equal(stages, ['encode', 'sample', 'decode', 'judge']);
  // the slider's request ran between the generation's steps, not after it
  const order = h.messages.filter((m) => m.type !== 'progress').map((m) => m.id);
  assert.ok(order.indexOf(b2) < order.indexOf(a), `answers in order ${order}`);
});

test('an explicit cancel stops a job; errors answer only their own request, with the model named', async () => {
  const h = harness();
  h.world.delay.wasm = 2;
  const a = h.send('a', generate(1, 20));
  h.service.handle({ type: 'cancel', id: a });
  const b = h.send('b', { kind: 'generate', options: { prompt: 'x', model: 'unet', seed: 1 } });
  const c = h.send('c', { kind: 'encodePrompt', prompt: 'a red circle' });
  await h.until(() => [a, b, c].every((i) => h.final(i)));
  assert.is(h.final(a)!.type, 'cancelled');
  const err = h.final(b) as { type: string; error: { message: string; model: string; kind: string } };
  assert.is(err.type, 'error');
  assert.match(err.error.message, /"unet" is not in weights\/manifest.json yet/);
  assert.is(err.error.model, 'unet');
  assert.is(err.error.kind, 'not-in-manifest');
  assert.is(h.final(c)!.type, 'result');
});

test('results carry what ran each model, and previews of x̂₀ when asked', async () => {
  const h = harness();
  const a = h.send('a', { kind: 'generate', options: { prompt: 'a red circle', model: 'dit', seed: 2, steps: 3, frames: 1 }, preview: { every: 2 } });
  await h.until(() => !!h.final(a));
  const r = h.final(a) as { type: string; reports: { model: string; backend: string }[] };
  assert.is(r.type, 'result');
  assert.equal(r.reports.map((x) => `${x.model}:${x.backend}`).sort(), ['dit:wasm', 'text_encoder:wasm', 'vae_decoder:wasm']);
  const previews = h.messages
    .filter((m) => m.id === a && m.type === 'progress' && m.progress.kind === 'step')
    .map((m) => (m as { progress: { step: number; preview?: { numFrames: number; frames: Uint8Array } } }).progress);
  assert.equal(previews.map((p) => !!p.preview), [false, true, true]); // every 2nd step, and the last
  assert.is(previews[2].preview!.frames.length, 32 * 32 * 3);
});

test('the request\'s backend reaches every model call of the job', async () => {
  for (const backend of ['webgpu', 'wasm'] as const) {
    const h = harness(fakeWorld(), HARDWARE_WEBGPU);
    const a = h.send('a', { kind: 'generate', options: { prompt: 'a red circle', model: 'dit', seed: 2, steps: 2, frames: 1 } }, backend);
    await h.until(() => !!h.final(a));
    const r = h.final(a) as { reports: { model: string; backend: string; requested: string }[] };
    assert.equal(r.reports.map((x) => `${x.requested}→${x.backend}`), [`${backend}→${backend}`, `${backend}→${backend}`, `${backend}→${backend}`]);
    assert.ok(h.world.calls.every(([, b]) => b === backend));
  }
});

test.run();
