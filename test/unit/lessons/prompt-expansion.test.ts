// Prompt expansion (pipeline/lessons/prompt-expansion.ts): short and loose prompts
// rewritten into the world's grammar by rules, each rule that fired listed;
// the intent states only what was said, the expansion fills the rest from a
// seed; both always parse in the world's grammar.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { expandPrompt } from '../../../pipeline/lessons/prompt-expansion';
import { parsePrompt } from '../../../pipeline/world/caption';
import { judgeClip } from '../../../pipeline/world/judge';
import { generateClip } from '../../../pipeline/world';

const kinds = (e: ReturnType<typeof expandPrompt>) => e.rules.map((r) => r.kind);

test('"red ball": ball → circle, "a" added; the expansion fills size and position (image) or motion (clip) from the seed', () => {
  const e = expandPrompt('red ball', { seed: 3, mode: 'image' });
  assert.is(e.intent, 'a red circle');
  assert.match(e.expanded, /^a (small|big) red circle in the (top left|top|top right|left|center|right|bottom left|bottom|bottom right)$/);
  assert.equal(e.rules.find((r) => r.kind === 'synonym'), { kind: 'synonym', from: 'ball', to: 'circle', why: 'the world’s word for that shape' });
  assert.ok(kinds(e).includes('article'));
  assert.equal(e.rules.filter((r) => r.kind === 'fill').map((r) => r.from), ['size', 'position']);
  const clip = expandPrompt('red ball', { seed: 3, mode: 'clip' });
  assert.is(clip.intent, 'a red circle');
  assert.match(clip.expanded, /^a (small|big) red circle (moving (left|right|up|down)|staying still)$/);
  assert.equal(clip.rules.filter((r) => r.kind === 'fill').map((r) => r.from), ['size', 'motion']);
});

test('the seed chooses the filled attributes; the same seed, the same expansion', () => {
  const seen = new Set<string>();
  for (let seed = 0; seed < 20; seed++) seen.add(expandPrompt('a circle', { seed, mode: 'image' }).expanded);
  assert.ok(seen.size >= 8, `20 seeds give ${seen.size} expansions`);
  assert.equal(expandPrompt('a circle', { seed: 5, mode: 'image' }), expandPrompt('a circle', { seed: 5, mode: 'image' }));
});

test('a full caption passes through untouched: no rule fires', () => {
  for (const [p, mode] of [
    ['a big red circle in the top left', 'image'],
    ['a small yellow triangle moving right and a big cyan circle staying still', 'clip'],
  ] as const) {
    const e = expandPrompt(p, { seed: 1, mode });
    assert.is(e.intent, p);
    assert.is(e.expanded, p);
    assert.equal(e.rules, [], p);
  }
});

test('synonyms of shapes, colours and sizes; places and motions in other words', () => {
  assert.is(expandPrompt('crimson disc in the upper left corner', { seed: 1, mode: 'image' }).intent, 'a red circle in the top left');
  assert.is(expandPrompt('blue box in the middle', { seed: 1, mode: 'image' }).intent, 'a blue square in the center');
  assert.is(expandPrompt('a huge teal pyramid rolling to the right', { seed: 1, mode: 'clip' }).intent, 'a big cyan triangle moving right');
  assert.is(expandPrompt('a tiny violet cube falling', { seed: 1, mode: 'clip' }).intent, 'a small purple square moving down');
  assert.is(expandPrompt('a red ball not moving', { seed: 1, mode: 'clip' }).intent, 'a red circle staying still');
  assert.is(expandPrompt('green cube left', { seed: 1, mode: 'clip' }).intent, 'a green square moving left');
  const e = expandPrompt('a huge teal pyramid rolling to the right', { seed: 1, mode: 'clip' });
  assert.equal(e.rules.filter((r) => r.kind !== 'fill').map((r) => `${r.from} → ${r.to}`), ['huge → big', 'teal → cyan', 'pyramid → triangle', 'rolling to the right → moving right']);
});

test('counts: "two tiny boxes" is two phrases with different colours; more than two is cut to two', () => {
  const e = expandPrompt('two tiny boxes falling', { seed: 2, mode: 'clip' });
  assert.is(e.intent, 'a small square moving down and a small square moving down');
  assert.is(e.phrases.length, 2);
  assert.is.not(e.phrases[0].colour, e.phrases[1].colour);
  assert.ok(kinds(e).includes('count'));
  const three = expandPrompt('three purple dots', { seed: 2, mode: 'image' });
  assert.is(three.phrases.length, 2);
  assert.ok(three.rules.some((r) => r.kind === 'fix' && /at most 2/.test(r.why)));
  const same = expandPrompt('a red ball and a red box', { seed: 2, mode: 'image' });
  assert.is(same.intent, 'a red circle and a square');
  assert.is.not(same.phrases[1].colour, 'red');
});

test('words the world has no use for are dropped, and said so; an unknown word is named', () => {
  const e = expandPrompt('please make a video of a dog and a teal pyramid', { seed: 1, mode: 'image' });
  const drops = e.rules.filter((r) => r.kind === 'drop');
  assert.ok(drops.some((r) => r.from.includes('please') && r.from.includes('video')));
  assert.ok(drops.some((r) => r.from === 'dog' && /unknown/.test(r.why)));
  assert.match(e.intent, /cyan triangle/);
});

test('an image drops a motion, a clip drops a place, each with its rule', () => {
  const img = expandPrompt('a red ball moving left', { seed: 1, mode: 'image' });
  assert.is(img.intent, 'a red circle');
  assert.ok(img.rules.some((r) => r.kind === 'fix' && /one frame/.test(r.why)));
  const clip = expandPrompt('a red ball in the top left', { seed: 1, mode: 'clip' });
  assert.is(clip.intent, 'a red circle');
  assert.ok(clip.rules.some((r) => r.kind === 'fix' && /images only/.test(r.why)));
});

test('nothing readable: no intent, and the expansion still names one object', () => {
  for (const p of ['', 'dog', '😀', 'a'.repeat(300)]) {
    const e = expandPrompt(p, { seed: 4, mode: 'image' });
    assert.is(e.intent, '', p);
    assert.is(e.phrases.length, 1);
    assert.ok(parsePrompt(e.expanded).ok);
  }
});

test('every expansion parses in the world\'s grammar, states every attribute, and keeps the intent: a clip drawn for the expansion passes the intent too', () => {
  let checked = 0;
  const prompts = ['red ball', 'two tiny boxes falling', 'a ball and a box', 'crimson disc upper left', 'big blue thing', 'a square moving up and a circle', 'three cubes', 'violet pyramid static', 'a small circle and a small circle'];
  for (const mode of ['image', 'clip'] as const) {
    for (const p of prompts) {
      for (let seed = 0; seed < 5; seed++) {
        const e = expandPrompt(p, { seed, mode });
        const parsed = parsePrompt(e.expanded);
        assert.ok(parsed.ok, `${p} (${mode}, seed ${seed}) → ${e.expanded}: ${parsed.problems.join('; ')}`);
        for (const ph of e.phrases) {
          assert.ok(ph.colour && ph.size && (mode === 'image' ? ph.position : ph.motion), `${e.expanded} states every attribute`);
        }
        if (e.intent) {
          assert.ok(parsePrompt(e.intent).ok, e.intent);
          // A world clip that has exactly the expansion's objects also matches the intent (when the generator can draw it).
          let clip;
          try {
            clip = generateClip(`exp:${p}:${seed}`, { frames: mode === 'image' ? 1 : 8, phrases: e.phrases });
          } catch {
            continue;
          }
          const judge = (prompt: string) => judgeClip(clip.frames, clip.numFrames, clip.width, clip.height, prompt);
          if (!judge(e.expanded).pass) continue; // the judge errs on 0.5 % of the world's own clips
          checked++;
          assert.ok(judge(e.intent).pass, `${e.intent} ⊂ ${e.expanded}`);
        }
      }
    }
  }
  assert.ok(checked >= 60, `${checked} clips held to their intent`);
});

test.run();
