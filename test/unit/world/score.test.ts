import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parsePrompt } from '../../../pipeline/world/caption';
import { generateClip, renderObjects } from '../../../pipeline/world/generate';
import {
  CATEGORIES, CLIP_CATEGORIES, categoryScore, overallScore, promptSets, scoreProducer, wilson, type Category,
} from '../../../pipeline/world/score';
import { COLOURS, MOTIONS, POSITIONS, SHAPES, SIZES, type ObjectPhrase } from '../../../pipeline/world/spec';

const STATES: Record<Category, (keyof ObjectPhrase)[]> = {
  'single object': ['shape'],
  'two objects': ['shape'],
  colour: ['colour', 'shape'],
  position: ['colour', 'shape', 'position'],
  'colour binding': ['colour', 'shape'],
  size: ['size', 'colour', 'shape'],
  motion: ['colour', 'shape', 'motion'],
  'temporal consistency': ['size', 'colour', 'shape', 'motion'],
};
const VALUES: Record<string, readonly string[]> = { shape: SHAPES, colour: COLOURS, size: SIZES, position: POSITIONS, motion: MOTIONS };

test('prompt sets: deterministic, in the grammar, stating exactly the category\'s attributes, covering every value and pair', () => {
  const sets = promptSets();
  assert.equal(sets, promptSets());
  assert.equal(Object.keys(sets).sort(), [...CATEGORIES].sort());
  for (const category of CATEGORIES) {
    const prompts = sets[category];
    assert.ok(prompts.length >= 36 && prompts.length <= 60, `${category}: ${prompts.length} prompts`);
    const two = category === 'two objects' || category === 'colour binding';
    const phrases: ObjectPhrase[] = [];
    for (const p of prompts) {
      const parsed = parsePrompt(p);
      assert.ok(parsed.ok, `${category} "${p}": ${parsed.problems}`);
      assert.is(parsed.phrases.length, two ? 2 : 1, p);
      if (two) assert.is.not(parsed.phrases[0].shape, parsed.phrases[1].shape, `${p}: shapes differ`);
      for (const ph of parsed.phrases) assert.equal(Object.keys(ph).sort(), [...STATES[category]].sort(), `${category} "${p}"`);
      phrases.push(...parsed.phrases);
    }
    const keys = STATES[category];
    for (const k of keys) {
      const seen = new Set(phrases.map((ph) => ph[k]));
      assert.is(seen.size, VALUES[k].length, `${category} covers every ${k}`);
    }
    for (let a = 0; a < keys.length; a++) {
      for (let b = a + 1; b < keys.length; b++) {
        const pairs = new Set(phrases.map((ph) => `${ph[keys[a]]}|${ph[keys[b]]}`));
        assert.is(pairs.size, VALUES[keys[a]].length * VALUES[keys[b]].length, `${category} covers every ${keys[a]} × ${keys[b]}`);
      }
    }
  }
});

test('Wilson interval and the overall mean', () => {
  assert.equal(wilson(0, 0), [0, 1]);
  const [lo, hi] = wilson(50, 100);
  assert.ok(Math.abs(lo - 0.4038) < 1e-3 && Math.abs(hi - 0.5962) < 1e-3, `${lo} ${hi}`);
  const [l1, h1] = wilson(36, 36);
  assert.is(h1, 1);
  assert.ok(l1 > 0.9 && l1 < 0.91, `${l1}`);
  const o = overallScore([categoryScore('colour', 36, 36), categoryScore('size', 18, 36)]);
  assert.is(o.rate, 0.75);
  assert.ok(o.ci95[0] < 0.75 && o.ci95[1] > 0.75 && o.ci95[1] <= 1);
  assert.is(o.n, 72);
});

/** The generator itself, drawing what the prompt states. */
const generator = (prompt: string, seed: number, frames: number) => generateClip(seed, { phrases: parsePrompt(prompt).phrases, frames });

test('the generator as a producer scores 1.0 on every category', async () => {
  const report = await scoreProducer(generator, { seedsPerPrompt: 1 });
  const fails = report.samples.filter((s) => !s.verdict.pass).map((s) => `${s.category} "${s.prompt}" seed ${s.seed}: ${s.verdict.reason}`);
  assert.equal(fails, []);
  for (const c of CATEGORIES) {
    const s = report.categories[c]!;
    assert.is(s.rate, 1, c);
    assert.is(s.n, promptSets()[c].length);
    assert.is(s.ci95[1], 1);
    assert.ok(s.ci95[0] > 0.9);
  }
  assert.is(report.overall.rate, 1);
  assert.is(report.overall.categories, 8);
  // Clip categories get clips, image categories images.
  for (const s of report.samples) assert.is(s.verdict.reading.numFrames, CLIP_CATEGORIES.includes(s.category) ? 8 : 1);
});

test('a producer that always draws a big red circle scores low', async () => {
  const red = renderObjects([{ shape: 'circle', size: 'big', colour: 'red', position: 'center', motion: 'still', speed: 0, centres: [[16, 16]], centroids: [[16, 16]] }], 1);
  const still = (frames: number) => {
    const out = new Uint8Array(red.length * frames);
    for (let t = 0; t < frames; t++) out.set(red, t * red.length);
    return { frames: out, numFrames: frames, width: 32, height: 32 };
  };
  const seen: number[] = [];
  const report = await scoreProducer(async (_p, _s, frames) => still(frames), { onSample: (_s, done) => seen.push(done) });
  assert.is(seen.length, report.samples.length);
  assert.ok(report.overall.rate < 0.2, `overall ${report.overall.rate}`);
  assert.is(report.categories['two objects']!.rate, 0);
  assert.is(report.categories['colour binding']!.rate, 0);
  assert.ok(Math.abs(report.categories['single object']!.rate - 1 / 3) < 1e-9);
  console.log(`  always a big red circle: overall ${report.overall.rate.toFixed(3)} [${report.overall.ci95.map((v) => v.toFixed(3)).join(', ')}]; ` +
    CATEGORIES.map((c) => `${c} ${report.categories[c]!.passed}/${report.categories[c]!.n}`).join(', '));
});

test('options: categories, seeds per prompt, producer errors and one-frame clips fail samples without throwing', async () => {
  const report = await scoreProducer(generator, { categories: ['motion', 'colour'], seedsPerPrompt: 2, seed: 5 });
  assert.equal(Object.keys(report.categories), ['colour', 'motion']);
  assert.is(report.categories.colour!.n, 72);
  assert.is(report.samples[0].seed, 5 + 1_000_000 * CATEGORIES.indexOf('colour'));
  assert.is(report.samples[1].seed, report.samples[0].seed + 1);
  const broken = await scoreProducer(() => { throw new Error('out of memory'); }, { categories: ['size'] });
  assert.is(broken.categories.size!.rate, 0);
  assert.match(broken.samples[0].verdict.reason, /the producer failed: out of memory/);
  // A producer that ignores motion and draws one frame (an image cannot state a motion).
  const flat = await scoreProducer((p, s) => generateClip(s, { frames: 1, phrases: parsePrompt(p).phrases.map(({ motion: _m, ...rest }) => rest) }), { categories: ['motion'] });
  assert.is(flat.categories.motion!.rate, 0);
  assert.match(flat.samples[0].verdict.reason, /needs a clip of at least 2 frames/);
  const garbage = await scoreProducer(() => ({ frames: new Uint8Array(5), numFrames: 1, width: 32, height: 32 }), { categories: ['colour'] });
  assert.is(garbage.categories.colour!.rate, 0);
  const ctl = new AbortController();
  ctl.abort(new Error('stopped'));
  try {
    await scoreProducer(generator, { signal: ctl.signal });
    assert.unreachable();
  } catch (e) {
    assert.match(String(e), /stopped/);
  }
});

test.run();
