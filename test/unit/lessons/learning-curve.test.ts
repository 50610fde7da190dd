// The training logs' reader (pipeline/lessons/learning-curve.ts): what it keeps
// of a log's lines, how it joins a run's logs, and the committed DiT's curve
// as the training chapter reads it at build time (weights/logs/dit.jsonl, then
// dit-noise-a1.jsonl, to the manifest's step).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { joinLogs, meanLossBetween, parseTrainingLog, smoothLoss } from '../../../pipeline/lessons/learning-curve';
import { readManifestIfAny, WEIGHTS_DIR } from '../../../pipeline/runtime/weights-node';

test('parse: training rows kept in order; eval rows, blank and broken lines skipped', () => {
  const text = [
    '{"step": 100, "minutes": 1.5, "loss": 0.2, "grad_norm": 0.3, "lr": 0.001, "kind": "clips"}',
    '',
    '{"step": 150, "minutes": 2, "eval": {"frames1": {"passed": 2, "n": 16}}}',
    'not json',
    '{"step": 200, "minutes": 3, "loss": 0.1}',
    '{"step": 300, "loss": "x"}',
  ].join('\n');
  assert.equal(parseTrainingLog(text), [
    { step: 100, minutes: 1.5, loss: 0.2, kind: 'clips' },
    { step: 200, minutes: 3, loss: 0.1, kind: '' },
  ]);
});

test('join: a later log keeps only rows past the earlier one\'s end, nothing past upToStep; a step logged twice keeps its later row', () => {
  const row = (step: number, loss: number) => ({ step, minutes: step / 100, loss, kind: 'clips' });
  const a = [row(100, 1), row(200, 0.9), row(200, 0.8), row(300, 0.7)];
  const b = [row(250, 0.5), row(400, 0.6), row(500, 0.55), row(600, 0.5)];
  assert.equal(joinLogs([a, b], 500).map((r) => [r.step, r.loss]), [[100, 1], [200, 0.8], [300, 0.7], [400, 0.6], [500, 0.55]]);
  const s = smoothLoss([row(1, 1), row(2, 2), row(3, 3), row(4, 4)], 3);
  assert.equal(s.map((r) => r.loss), [1.5, 2, 3, 3.5]);
  assert.is(meanLossBetween(a, 150, 300), (0.9 + 0.8 + 0.7) / 3);
  assert.ok(Number.isNaN(meanLossBetween(a, 1000, 2000)));
});

test('the committed DiT\'s curve: recipes 1–6 and the shared-noise fine-tune, to the shipped step, falling', () => {
  const manifest = readManifestIfAny();
  if (!manifest?.models.dit) return console.log('  skipped: the manifest lists no DiT');
  const shipped = Number(manifest.models.dit.steps);
  const read = (f: string) => parseTrainingLog(readFileSync(path.join(WEIGHTS_DIR, 'logs', f), 'utf8'));
  const curve = joinLogs([read('dit.jsonl'), read('dit-noise-a1.jsonl')], shipped);
  assert.ok(curve.length > 400, `${curve.length} rows`);
  assert.is(curve.at(-1)!.step, shipped, 'the curve ends at the shipped weights');
  assert.ok(curve.every((r, i) => i === 0 || r.step > curve[i - 1].step), 'steps rise');
  const first = meanLossBetween(curve, 0, 1000), last = meanLossBetween(curve, shipped - 900, shipped);
  console.log(`      ${curve.length} batches: mean loss ${first.toFixed(4)} over the first 1,000 steps, ${last.toFixed(4)} over the last 900`);
  assert.ok(last < first / 4, 'the loss fell');
});

test.run();
