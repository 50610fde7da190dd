/**
 * The judge's bars (world-spec "The judge"), measured on 10,000 generated clips:
 * half one-frame, half eight-frame, 1 or 2 objects.
 *  - agreement: the judge passes each clip with its own full caption (≥ 99.5 %);
 *  - rejection: it fails the same clip paired with its caption changed in exactly
 *    one attribute (colour, shape, size, position for images, direction for clips)
 *    or in the number of objects (a phrase added to one object, dropped from two)
 *    (≥ 99.5 %). Every clip is paired with one change of each kind.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createRandom, type Random } from '../../../pipeline/random';
import { captionText, phraseOf } from '../../../pipeline/world/caption';
import { generateClip } from '../../../pipeline/world/generate';
import { judgeReading, readFrames } from '../../../pipeline/world/judge';
import { COLOURS, MOTIONS, POSITIONS, SHAPES, SIZES, type ObjectPhrase } from '../../../pipeline/world/spec';

const CLIPS = 10_000;
const BAR = 0.995;

type Kind = 'colour' | 'shape' | 'size' | 'position' | 'direction' | 'count';

const other = <T>(rng: Random, list: readonly T[], not: T): T => rng.pick(list.filter((v) => v !== not));

/** The full phrases changed in exactly one way of this kind. */
function changed(rng: Random, phrases: ObjectPhrase[], kind: Kind, isClip: boolean): ObjectPhrase[] {
  const out = phrases.map((p) => ({ ...p }));
  const i = rng.int(out.length);
  const p = out[i];
  switch (kind) {
    case 'colour': p.colour = rng.pick(COLOURS.filter((c) => !phrases.some((q) => q.colour === c))); break;
    case 'shape': p.shape = other(rng, SHAPES, p.shape); break;
    case 'size': p.size = other(rng, SIZES, p.size!); break;
    case 'position': p.position = other(rng, POSITIONS, p.position!); break;
    case 'direction': p.motion = other(rng, MOTIONS, p.motion!); break;
    case 'count':
      if (out.length === 2) out.splice(i, 1);
      else {
        const extra: ObjectPhrase = {
          shape: rng.pick(SHAPES), size: rng.pick(SIZES),
          colour: rng.pick(COLOURS.filter((c) => c !== p.colour)),
        };
        if (isClip) extra.motion = rng.pick(MOTIONS);
        else extra.position = rng.pick(POSITIONS);
        out.splice(rng.int(2), 0, extra);
      }
      break;
  }
  return out;
}

test(`bars on ${CLIPS} generated clips: agreement and rejection ≥ 99.5 %`, () => {
  const t0 = performance.now();
  const rng = createRandom('judge bars');
  let agreed = 0;
  const rejected: Record<Kind, [number, number]> = { colour: [0, 0], shape: [0, 0], size: [0, 0], position: [0, 0], direction: [0, 0], count: [0, 0] };
  const misses: string[] = [];
  for (let s = 0; s < CLIPS; s++) {
    const frames = s % 2 ? 8 : 1;
    const clip = generateClip(s, { frames });
    const reading = readFrames(clip.frames, clip.numFrames, clip.width, clip.height);
    const own = judgeReading(reading, clip.caption);
    if (own.pass) agreed++;
    else if (misses.length < 5) misses.push(`seed ${s} "${clip.caption}": ${own.reason}`);
    const phrases = clip.objects.map(phraseOf);
    const kinds: Kind[] = ['colour', 'shape', 'size', frames > 1 ? 'direction' : 'position', 'count'];
    for (const kind of kinds) {
      const caption = captionText(changed(rng, phrases, kind, frames > 1));
      const v = judgeReading(reading, caption);
      rejected[kind][1]++;
      if (!v.pass) rejected[kind][0]++;
      else if (misses.length < 10) misses.push(`seed ${s} "${clip.caption}" passed as "${caption}"`);
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  const total = Object.values(rejected).reduce((a, [r, n]) => [a[0] + r, a[1] + n], [0, 0]);
  const pct = (a: number, n: number) => `${((100 * a) / n).toFixed(2)} %`;
  console.log(`  judge bars on ${CLIPS} clips (${seconds.toFixed(1)} s): agreement ${pct(agreed, CLIPS)}; rejection ${pct(total[0], total[1])} of ${total[1]} changed captions ` +
    `(${Object.entries(rejected).map(([k, [r, n]]) => `${k} ${pct(r, n)}`).join(', ')})`);
  if (misses.length) console.log(`  first misses:\n    ${misses.join('\n    ')}`);
  assert.ok(agreed / CLIPS >= BAR, `agreement ${pct(agreed, CLIPS)} is below 99.5 %`);
  assert.ok(total[0] / total[1] >= BAR, `rejection ${pct(total[0], total[1])} is below 99.5 %`);
  for (const [k, [r, n]] of Object.entries(rejected)) assert.ok(r / n >= BAR, `rejection of ${k} changes ${pct(r, n)} is below 99.5 %`);
});

test.run();
