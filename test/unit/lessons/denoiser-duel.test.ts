// Chapter 5's side by side (pipeline/lessons/denoiser-duel.ts): the lockstep barrier
// and the one-call-at-a-time runner exactly; with the committed models, two
// denoisers (the DiT and its 1/4 snapshot, stand-ins for any two with the same
// interface, as the U-Net has) sampled together give each one's `textToVideo`
// pixels and verdict, step by step together, with previews where asked; the
// race's standings and running totals.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { pictureDifference, raceSeeds, raceSeries, raceStandings, sampleSideBySide, serialRunner, StepBarrier, type DuelStep } from '../../../pipeline/lessons/denoiser-duel';
import { ModelHost, type ModelRunner, type RunResult } from '../../../pipeline/runtime/models';
import { fileWeights, readManifestIfAny } from '../../../pipeline/runtime/weights-node';
import { textToVideo } from '../../../pipeline/text-to-video';
import { wilson } from '../../../pipeline/world/score';

const manifest = readManifestIfAny();
function withModels(names: string[], name: string, fn: () => Promise<void> | void) {
  const missing = names.filter((n) => !manifest?.models[n]);
  if (!missing.length) return test(name, fn);
  console.log(`  skipped "${name}": weights/manifest.json does not list ${missing.join(', ')} yet`);
  test.skip(name, fn);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves when `p` rejects (with a message matching `re`, if given); fails when it resolves. */
async function rejects(p: Promise<unknown>, re?: RegExp) {
  let error: unknown = null;
  try {
    await p;
  } catch (e) {
    error = e;
  }
  assert.ok(error, 'expected a rejection');
  if (re) assert.match(String((error as Error)?.message ?? error), re);
}

test('StepBarrier: no party starts step k + 1 before every party finished step k; leave and break', async () => {
  const log: string[] = [];
  const barrier = new StepBarrier(3);
  const delays = [[5, 1, 9], [1, 7, 2], [3, 3, 3]];
  await Promise.all(delays.map(async (ds, p) => {
    for (let k = 1; k <= 3; k++) {
      log.push(`start ${p} ${k}`);
      await sleep(ds[k - 1]);
      log.push(`end ${p} ${k}`);
      await barrier.arrive(k);
    }
  }));
  for (let k = 1; k < 3; k++) {
    const lastEnd = Math.max(...[0, 1, 2].map((p) => log.indexOf(`end ${p} ${k}`)));
    const firstStart = Math.min(...[0, 1, 2].map((p) => log.indexOf(`start ${p} ${k + 1}`)));
    assert.ok(lastEnd < firstStart, `step ${k + 1} started before step ${k} ended everywhere: ${log.join(', ')}`);
  }
  // a party that leaves no longer holds the others back
  const b2 = new StepBarrier(2);
  const waiting = b2.arrive(1);
  b2.leave();
  await waiting;
  // break rejects every wait, now and later
  const b3 = new StepBarrier(2);
  const w3 = b3.arrive(1);
  b3.break(new Error('model failed'));
  await rejects(w3, /model failed/);
  await rejects(b3.arrive(2), /model failed/);
  assert.throws(() => new StepBarrier(0), /positive integer/);
});

test('serialRunner: calls run one at a time in the order asked; a failed call does not stop the queue', async () => {
  let running = 0, most = 0;
  const order: string[] = [];
  const inner: ModelRunner = {
    manifest: async () => ({ version: 1, models: {} }),
    run: async (model) => {
      running++;
      most = Math.max(most, running);
      order.push(model);
      await sleep(model === 'slow' ? 15 : 2);
      running--;
      if (model === 'bad') throw new Error('bad call');
      return { outputs: {}, ms: 1, report: null } as unknown as RunResult;
    },
  };
  const r = serialRunner(inner);
  const calls = ['slow', 'a', 'bad', 'b'].map((m) => r.run(m, {}));
  await rejects(calls[2], /bad call/);
  await Promise.all([calls[0], calls[1], calls[3]]);
  assert.is(most, 1, 'never two calls at once');
  assert.equal(order, ['slow', 'a', 'bad', 'b']);
});

test('pictureDifference: the mean absolute difference and the share of pixels far apart', () => {
  const a = Uint8Array.from([0, 0, 0, 100, 100, 100, 255, 0, 0, 10, 10, 10]);
  const b = Uint8Array.from([0, 0, 0, 100, 140, 100, 255, 0, 0, 10, 10, 42]);
  const d = pictureDifference(a, b);
  assert.is(d.meanAbs, (40 + 32) / 12);
  assert.is(d.farShare, 1 / 4); // 40 > 32; 32 is not
  assert.equal(pictureDifference(a, a), { meanAbs: 0, farShare: 0 });
  assert.throws(() => pictureDifference(a, b.subarray(3)), /size/);
});

test('the race: seeds, standings with Wilson intervals, running totals per model', () => {
  assert.equal(raceSeeds(99_998, 4), [99_998, 99_999, 0, 1]);
  assert.is(raceSeeds(5).length, 16);
  const samples = [
    { model: 'unet', seed: 0, pass: true, ms: 100 },
    { model: 'dit', seed: 0, pass: false, ms: 300 },
    { model: 'unet', seed: 1, pass: false, ms: 120 },
    { model: 'dit', seed: 1, pass: true, ms: 280 },
    { model: 'unet', seed: 2, pass: true, ms: 110 },
  ];
  const [u, d] = raceStandings(samples, ['unet', 'dit']);
  assert.equal({ n: u.n, passed: u.passed, ms: u.ms }, { n: 3, passed: 2, ms: 330 });
  assert.ok(Math.abs(u.rate - 2 / 3) < 1e-12);
  assert.equal(u.ci95, wilson(2, 3));
  assert.equal({ n: d.n, passed: d.passed, ms: d.ms, rate: d.rate }, { n: 2, passed: 1, ms: 580, rate: 0.5 });
  const none = raceStandings([], ['x'])[0];
  assert.equal({ n: none.n, rate: none.rate, ci95: none.ci95 }, { n: 0, rate: 0, ci95: [0, 1] });
  const series = raceSeries(samples, ['unet', 'dit']);
  assert.equal(series.map((s) => [s.model, s.n, Math.round(s.rate * 1000) / 1000, s.seconds]), [
    ['unet', 1, 1, 0.1], ['unet', 2, 0.5, 0.22], ['unet', 3, 0.667, 0.33], ['dit', 1, 0, 0.3], ['dit', 2, 0.5, 0.58],
  ]);
});

withModels(['text_encoder', 'dit', 'dit_snap4', 'vae_decoder'], 'two denoisers side by side: each one\'s pixels and verdict are textToVideo\'s; steps together; previews where asked; one call at a time', async () => {
  const host = new ModelHost(fileWeights());
  let running = 0, most = 0;
  const counting: ModelRunner = {
    manifest: () => host.manifest(),
    run: async (model, feeds, options) => {
      running++;
      most = Math.max(most, running);
      try {
        return await host.run(model, feeds, { ...options, backend: 'wasm' });
      } finally {
        running--;
      }
    },
  };
  try {
    const options = { prompt: 'a big blue square in the center', seed: 7, steps: 6, guidance: 4, sampler: 'ddim' as const };
    const steps: DuelStep[] = [];
    const duel = await sampleSideBySide(counting, { ...options, models: ['dit_snap4', 'dit'], previewEvery: 2 }, { onStep: (s) => void steps.push(s) });
    assert.is(most, 1, 'one model call at a time');
    assert.equal(duel.entries.map((e) => e.model), ['dit_snap4', 'dit']);
    // lockstep: the log is step 1 of both, then step 2 of both, …
    assert.equal(steps.map((s) => s.step), [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6]);
    assert.equal(steps.filter((s) => s.preview).map((s) => `${s.model}@${s.step}`).sort(), ['dit@2', 'dit@4', 'dit@6', 'dit_snap4@2', 'dit_snap4@4', 'dit_snap4@6']);
    assert.ok(steps.every((s) => s.ms > 0 && s.of === 6));
    for (const e of duel.entries) {
      const alone = await textToVideo(host, { ...options, model: e.model, frames: 1 }, { backend: 'wasm' });
      assert.is(e.numFrames, 1);
      assert.ok(Buffer.from(e.frames).equals(Buffer.from(alone.frames)), `${e.model}: the side-by-side pixels equal textToVideo's`);
      assert.is(e.verdict.pass, alone.verdict!.pass);
      assert.equal(e.sample.timesteps, alone.sample.timesteps);
      assert.is(e.sample.stepMs.length, 6);
      // the last step's preview is x̂₀ of the last step: the sample itself
      const last = steps.filter((s) => s.model === e.model && s.step === 6)[0].preview!;
      assert.ok(Buffer.from(last.frames).equals(Buffer.from(e.frames)), `${e.model}: the last preview is the sample`);
    }
    assert.not.ok(Buffer.from(duel.entries[0].frames).equals(Buffer.from(duel.entries[1].frames)), 'two different models make different pictures');
    // a denoiser that fails stops the other one too, with its error (no wait forever at the barrier)
    await rejects(sampleSideBySide(counting, { ...options, models: ['dit', 'unet_not_trained'] }), /unet_not_trained/);
    // a cancelled duel stops
    const ac = new AbortController();
    const stopped = sampleSideBySide(counting, { ...options, models: ['dit_snap4', 'dit'] }, { signal: ac.signal, onStep: (s) => { if (s.step === 2) ac.abort(); } });
    await rejects(stopped);
  } finally {
    await host.release();
  }
});

test.run();
