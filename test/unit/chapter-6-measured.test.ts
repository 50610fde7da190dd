// Chapter 6's quoted figures (chapters/chapter-6/measured.ts) are the committed
// evaluations' and the manifest's, and the before/after pairs it names really are
// before and after the denoiser read the context blocks' `phrases`.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { ATTENTION_PEAK, BINDING_GAIN, BINDING_PROBE } from '../../chapters/chapter-6/measured';

const read = (p: string) => JSON.parse(readFileSync(new URL(`../../weights/${p}`, import.meta.url), 'utf8'));
const rate = (p: string) => read(p).scores.images['colour binding'].rate as number;

test('the binding rates are the recipes\' evaluations, two decimals, and each pair is before and after `phrases`', () => {
  for (const [model, before, after] of [['unet', 'unet-recipe3', 'unet-recipe6'], ['dit', 'dit-recipe4', 'dit-recipe6']] as const) {
    assert.is(BINDING_GAIN[model].before, rate(`eval/recipes/${before}.json`).toFixed(2));
    assert.is(BINDING_GAIN[model].after, rate(`eval/recipes/${after}.json`).toFixed(2));
    assert.is(read(`eval/recipes/${before}.json`).text_states ?? 'hidden', 'hidden', `${before} read the CLIP's states`);
    assert.is(read(`eval/recipes/${after}.json`).text_states, 'phrases', `${after} read the context blocks'`);
    assert.ok(Number(BINDING_GAIN[model].after) > Number(BINDING_GAIN[model].before), `${model}: the prose says binding rose`);
  }
});

test('the cosines are the manifest\'s binding probe, and the phrases output tells the swapped captions apart more', () => {
  const probe = read('manifest.json').models.text_encoder.context_blocks.binding_probe;
  assert.equal(BINDING_PROBE, { hidden: probe.clip_cosine.toFixed(2), phrases: probe.context_cosine.toFixed(2), captions: probe.n });
  assert.ok(Number(BINDING_PROBE.phrases) < Number(BINDING_PROBE.hidden));
});

test('the cross-attention peak counts are the shipped DiT\'s tally (npm run eval:attention -- --out weights/eval/attention/dit.json), layout steps then the last third', () => {
  const tally = read('eval/attention/dit.json');
  assert.is(tally.sha256, read('manifest.json').models.dit.sha256, 'the tally is of the DiT the manifest ships: re-run it after shipping a new one');
  const spans = Object.values(tally.spans) as { steps: number[]; inside: number }[];
  assert.is(ATTENTION_PEAK.layout.steps, '1–20');
  assert.is(ATTENTION_PEAK.late.steps, '21–30');
  assert.is(ATTENTION_PEAK.layout.inside, spans.find((s) => s.steps.length === 20)!.inside);
  assert.is(ATTENTION_PEAK.late.inside, spans.find((s) => s.steps.length === 10)!.inside);
  assert.ok(ATTENTION_PEAK.layout.inside <= ATTENTION_PEAK.seeds && ATTENTION_PEAK.late.inside <= ATTENTION_PEAK.seeds);
});

test.run();
