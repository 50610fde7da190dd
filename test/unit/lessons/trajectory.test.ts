// The trajectory helpers (pipeline/lessons/trajectory.ts) and the worker's x_t preview
// (PreviewOption.input in pipeline/worker/service.ts), with JS sessions.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { channelCells, shownStep, stats, stripSteps, trajectoryStep, type StepWithPreviews } from '../../../pipeline/lessons/trajectory';
import { ModelHost } from '../../../pipeline/runtime/models';
import type { FromWorker, RequestMessage } from '../../../pipeline/worker/protocol';
import { ModelService } from '../../../pipeline/worker/service';
import { decodeLatents } from '../../../pipeline/text-to-video';
import { fakeWorld, NO_WEBGPU } from '../../helpers/fake-models';

test('shownStep clamps to 1 … of (0 without steps); stripSteps keeps the first and the last, evenly between', () => {
  assert.is(shownStep(100, 30), 30);
  assert.is(shownStep(0, 30), 1);
  assert.is(shownStep(12, 30), 12);
  assert.is(shownStep(5, 0), 0);
  assert.is(shownStep(NaN, 7), 7);
  assert.equal(stripSteps(30, 8), [1, 5, 9, 13, 18, 22, 26, 30]);
  assert.equal(stripSteps(5, 8), [1, 2, 3, 4, 5]);
  assert.equal(stripSteps(1, 8), [1]);
  assert.equal(stripSteps(100, 1), [100]);
  assert.equal(stripSteps(9, 8), [1, 2, 3, 4, 6, 7, 8, 9]);
  assert.equal(stripSteps(0, 8), []);
  for (const of of [2, 3, 10, 31, 77, 100]) {
    const s = stripSteps(of, 6);
    assert.is(s[0], 1);
    assert.is(s.at(-1), of);
    assert.ok(s.every((v, i) => i === 0 || v > s[i - 1]), `${of}: ${s}`);
  }
});

test('channelCells reads (F, C, h, w) by channel, row, column; stats are the population mean and std', () => {
  const latent = Float32Array.from({ length: 2 * 4 * 2 * 3 }, (_, i) => i);
  const cells = channelCells(latent, 1, { channels: 4, height: 2, width: 3 });
  assert.is(cells.length, 24);
  assert.equal(cells[0], { channel: 0, x: 0, y: 0, value: 24 });
  assert.equal(cells[4], { channel: 0, x: 1, y: 1, value: 28 });
  assert.equal(cells[23], { channel: 3, x: 2, y: 1, value: 47 });
  assert.equal(channelCells(latent, 9, { channels: 4, height: 2, width: 3 })[0].value, 24, 'a frame past the end shows the last');
  assert.throws(() => channelCells(new Float32Array(5), 0, { channels: 4, height: 2, width: 3 }), /not whole frames/);
  assert.equal(stats([1, 3]), { mean: 2, std: 1 });
  assert.ok(Number.isNaN(stats([]).mean));
});

test('trajectoryStep takes the captured tensors and the previews; without the tensors it is null', () => {
  const a = new Float32Array(256).fill(1), b = new Float32Array(256).fill(2), c = new Float32Array(256).fill(3);
  const frames = new Uint8Array(3072).fill(9);
  const p: StepWithPreviews = {
    step: 3, of: 10, timestep: 799, prevTimestep: 699, ms: 4, report: null as never,
    input: a, predEpsilon: b, predX0: c,
    preview: { frames, numFrames: 1, width: 32, height: 32, report: null as never, ms: 1 },
  };
  const s = trajectoryStep(p, 0.1)!;
  assert.equal([s.step, s.of, s.timestep, s.prevTimestep, s.alphaBar, s.ms], [3, 10, 799, 699, 0.1, 4]);
  assert.is(s.xt, a);
  assert.is(s.epsHat, b);
  assert.is(s.x0Hat, c);
  assert.is(s.x0Frames, frames);
  assert.is(s.xtFrames, null);
  assert.is(trajectoryStep({ ...p, input: undefined }, 0.1), null);
});

test('the worker: a preview with `input` decodes each step\'s x_t too, and only where it decodes x̂₀', async () => {
  const world = fakeWorld();
  const messages: FromWorker[] = [];
  let done: () => void = () => {};
  const service = new ModelService((m) => {
    messages.push(m);
    if (m.type !== 'progress') done();
  });
  const host = new ModelHost(world.source, { createSession: world.createSession, webgpuSupport: async () => NO_WEBGPU });
  (service as unknown as { host: ModelHost }).host = host;
  const finished = new Promise<void>((r) => (done = r));
  const job: RequestMessage['job'] = { kind: 'generate', options: { prompt: 'a red circle', model: 'dit', seed: 3, steps: 4, frames: 2 }, preview: { every: 2, input: true } };
  service.handle({ type: 'request', id: 1, cell: 'c', backend: 'wasm', job } as RequestMessage);
  await finished;
  assert.is(messages.at(-1)!.type, 'result');
  const steps = messages.flatMap((m) => (m.type === 'progress' && m.progress.kind === 'step' ? [m.progress] : []));
  assert.equal(steps.map((s) => [s.step, !!s.preview, !!s.previewInput, !!s.input]), [[1, false, false, true], [2, true, true, true], [3, false, false, true], [4, true, true, true]]);
  for (const s of steps.filter((x) => x.previewInput)) {
    const want = await decodeLatents(host, s.input!, { frames: 2, height: 8, width: 8 });
    assert.equal(Array.from(s.previewInput!.frames), Array.from(want.frames), `x_t of step ${s.step}, decoded`);
    assert.is(s.previewInput!.numFrames, 2);
  }
  // without `input`, no x_t preview (as before)
  messages.length = 0;
  const again = new Promise<void>((r) => (done = r));
  service.handle({ type: 'request', id: 2, cell: 'c', backend: 'wasm', job: { ...job, preview: { every: 1 } } } as RequestMessage);
  await again;
  const plain = messages.flatMap((m) => (m.type === 'progress' && m.progress.kind === 'step' ? [m.progress] : []));
  assert.ok(plain.length === 4 && plain.every((s) => s.preview && !s.previewInput && !s.input));
});

test.run();
