import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createRandom } from '../../../pipeline/random';
import { generateClip, renderObjects } from '../../../pipeline/world/generate';
import { parsePrompt } from '../../../pipeline/world/caption';
import { describeReading, judgeClip, judgeReading, readFrames } from '../../../pipeline/world/judge';
import type { Colour, Motion, Shape, Size, WorldObject } from '../../../pipeline/world/spec';

/** A world object at given centres (one per frame); position/motion fields are not used by drawing. */
function obj(shape: Shape, size: Size, colour: Colour, centres: [number, number][]): WorldObject {
  return { shape, size, colour, position: 'center', motion: null, speed: 0, centres, centroids: centres };
}
const moving = (x: number, y: number, dx: number, dy: number, n = 8): [number, number][] =>
  Array.from({ length: n }, (_, t) => [x + (dx * t) / (n - 1), y + (dy * t) / (n - 1)]);
function clip(objects: WorldObject[], frames = objects[0].centres.length, width = 32, height = 32) {
  return { frames: renderObjects(objects, frames, width, height), numFrames: frames, width, height };
}
function judge(c: ReturnType<typeof clip>, prompt: string) {
  return judgeClip(c.frames, c.numFrames, c.width, c.height, prompt);
}

test('a clip passes its own caption, and the reason says what was read', () => {
  const c = clip([obj('circle', 'big', 'red', moving(8, 8, 10, 0))]);
  const v = judge(c, 'a big red circle moving right');
  assert.ok(v.pass, v.reason);
  assert.is(v.reason, 'PASS: a big red circle moving right, from the top left');
  assert.equal(v.reasons, []);
  assert.is(describeReading(v.reading), 'a big red circle moving right, from the top left');
  assert.ok(judge(c, 'a circle').pass, 'unstated attributes may be anything');
  assert.ok(judge(c, 'a red circle in the top left').pass, 'position is read in the first frame');
});

test('each wrong attribute fails with a reason', () => {
  const c = clip([obj('circle', 'big', 'red', moving(8, 8, 10, 0))]);
  assert.is(judge(c, 'a big red square moving right').reason, 'expected a square, found a circle');
  assert.match(judge(c, 'a big green circle').reason, /expected a big green circle, found a big red circle/);
  assert.match(judge(c, 'a small circle').reason, /expected a small red circle, found a big one/);
  assert.match(judge(c, 'a circle moving left').reason, /expected the red circle moving left, found it moving right/);
  assert.match(judge(c, 'a circle staying still').reason, /expected the red circle staying still, found it moving right/);
  assert.match(judge(c, 'a circle in the center').reason, /found it in the top left/);
  assert.match(judge(c, 'a circle and a square').reason, /expected 2 objects, found 1: a big red circle/);
});

test('image: shapes, sizes and positions, triangle position by its area centroid', () => {
  for (const shape of ['circle', 'square', 'triangle'] as const) {
    for (const size of ['small', 'big'] as const) {
      const c = clip([obj(shape, size, 'blue', [[16.3, 15.8]])]);
      const v = judge(c, `a ${size} blue ${shape} in the center`);
      assert.ok(v.pass, `${shape} ${size}: ${v.reason}`);
    }
  }
  // A big triangle centred at y = 9.5 (top row) has its centroid at 10.9: the middle row.
  const tri = clip([obj('triangle', 'big', 'green', [[7.5, 9.5]])]);
  assert.ok(judge(tri, 'a big green triangle in the left').pass);
  assert.not.ok(judge(tri, 'a triangle in the top left').pass);
});

test('two objects: phrases match in either order; swapped attributes fail', () => {
  const c = clip([obj('circle', 'small', 'red', [[6, 6]]), obj('square', 'big', 'blue', [[22, 22]])]);
  assert.ok(judge(c, 'a small red circle in the top left and a big blue square in the bottom right').pass);
  assert.ok(judge(c, 'a big blue square in the bottom right and a small red circle in the top left').pass);
  assert.ok(judge(c, 'a square and a circle').pass);
  assert.not.ok(judge(c, 'a red square and a blue circle').pass, 'colours swapped between shapes');
  assert.not.ok(judge(c, 'a big red circle and a small blue square').pass, 'sizes swapped');
  assert.not.ok(judge(c, 'a circle in the bottom right and a square in the top left').pass, 'positions swapped');
  assert.not.ok(judge(c, 'a red circle').pass, 'one object too many');
  const v = judge(c, 'a red square and a blue circle');
  assert.match(v.reason, /for "a red square"/);
});

test('motion: too short, too slanted, still within 2 px, one-frame images', () => {
  const short = clip([obj('square', 'small', 'cyan', moving(10, 16, 3.5, 0))]);
  assert.match(judge(short, 'a square moving right').reason, /moving only 3\.5 px right \(at least 4 px\)/);
  assert.not.ok(judge(short, 'a square staying still').pass, 'moved 3.5 px: not still either');
  const slanted = clip([obj('square', 'small', 'cyan', moving(8, 8, 8, 5))]);
  assert.match(judge(slanted, 'a square moving right').reason, /px across/);
  const enough = clip([obj('square', 'small', 'cyan', moving(8, 8, 8, 3.5))]);
  assert.ok(judge(enough, 'a square moving right').pass, 'across 3.5 < half of 8');
  const drift = clip([obj('circle', 'big', 'yellow', moving(16, 16, 1.8, 0))]);
  assert.ok(judge(drift, 'a circle staying still').pass);
  const image = clip([obj('circle', 'big', 'yellow', [[16, 16]])]);
  assert.ok(judge(image, 'a circle staying still').pass);
  assert.match(judge(image, 'a circle moving up').reason, /one-frame image cannot show motion/);
  const up = clip([obj('triangle', 'big', 'purple', moving(16, 24, 0, -12))]);
  assert.ok(judge(up, 'a big purple triangle moving up').pass);
  assert.not.ok(judge(up, 'a triangle moving down').pass);
});

test('clutter fails; specks under 6 pixels and anti-aliased edges do not', () => {
  const c = clip([obj('circle', 'big', 'red', [[10, 10]])]);
  const white = c.frames.slice();
  for (let i = 24; i < 27; i++) for (let j = 24; j < 27; j++) white.set([255, 255, 255], (i * 32 + j) * 3);
  const v = judgeClip(white, 1, 32, 32, 'a big red circle');
  assert.not.ok(v.pass);
  assert.match(v.reason, /something else is there: 9 lit pixels/);
  assert.match(describeReading(v.reading), /no Shapes World object/);
  const speck = c.frames.slice();
  for (let j = 24; j < 29; j++) speck.set([200, 200, 200], (28 * 32 + j) * 3);
  assert.ok(judgeClip(speck, 1, 32, 32, 'a big red circle').pass, '5 lit pixels are not clutter');
  // Grey pixels on the object's anti-aliased edge (next to its pixels) belong to it.
  const edge = c.frames.slice();
  let greyed = 0;
  for (let p = 0; p < 32 * 32; p++) {
    const m = Math.max(edge[3 * p], edge[3 * p + 1], edge[3 * p + 2]);
    if (m > 0 && m < 110) (edge.set([90, 90, 90], 3 * p), greyed++);
  }
  assert.ok(greyed >= 6);
  const e = judgeClip(edge, 1, 32, 32, 'a red circle');
  assert.not.match(e.reason, /something else/);
  // A seventh colour, not in the palette, is clutter.
  const grey = clip([obj('circle', 'big', 'red', [[10, 10]])]).frames;
  for (let i = 20; i < 26; i++) for (let j = 20; j < 26; j++) grey.set([128, 128, 128], (i * 32 + j) * 3);
  assert.match(judgeClip(grey, 1, 32, 32, 'a red circle').reason, /something else/);
});

test('consistency: a colour split in two, an object missing from a frame, a shape that changes', () => {
  const split = clip([obj('circle', 'small', 'red', [[6, 6]]), obj('circle', 'small', 'red', [[24, 24]])]);
  const s = judge(split, 'a red circle');
  assert.not.ok(s.pass);
  assert.match(s.reason, /the red colour appears as 2 separate objects in frame 1/);
  const a = clip([obj('circle', 'big', 'green', moving(16, 16, 0, 0, 2))]);
  const size = 32 * 32 * 3;
  const missing = a.frames.slice();
  missing.fill(0, size);
  assert.match(judgeClip(missing, 2, 32, 32, 'a green circle').reason, /the green object is missing from frame 2/);
  const sq = clip([obj('square', 'big', 'green', [[16, 16]])]);
  const changes = a.frames.slice();
  changes.set(sq.frames, size);
  const v = judgeClip(changes, 2, 32, 32, 'a green circle');
  assert.match(v.reason, /the green object changes shape: a circle in frame 1, a square in frame 2/);
  const small = clip([obj('circle', 'small', 'green', [[16, 16]])]);
  const grows = a.frames.slice();
  grows.set(small.frames, size);
  assert.match(judgeClip(grows, 2, 32, 32, 'a circle').reason, /changes size: big in frame 1, small in frame 2/);
});

test('robust to mild noise and blur, as a model\'s samples have', () => {
  const rng = createRandom('judge noise');
  for (let s = 0; s < 60; s++) {
    const c = generateClip(`noise ${s}`, { frames: s % 2 ? 8 : 1 });
    const f = new Uint8Array(c.frames.length);
    const at = (t: number, i: number, j: number, ch: number) =>
      c.frames[((t * 32 + Math.min(31, Math.max(0, i))) * 32 + Math.min(31, Math.max(0, j))) * 3 + ch];
    for (let t = 0; t < c.numFrames; t++) for (let i = 0; i < 32; i++) for (let j = 0; j < 32; j++) for (let ch = 0; ch < 3; ch++) {
      const blurred = 0.7 * at(t, i, j, ch) + 0.075 * (at(t, i - 1, j, ch) + at(t, i + 1, j, ch) + at(t, i, j - 1, ch) + at(t, i, j + 1, ch));
      f[((t * 32 + i) * 32 + j) * 3 + ch] = Math.max(0, Math.min(255, Math.round(blurred + 10 * rng.normal())));
    }
    const v = judgeClip(f, c.numFrames, 32, 32, c.caption);
    assert.ok(v.pass, `seed ${s} "${c.caption}": ${v.reason}`);
  }
});

test('empty frames and the object count', () => {
  const empty = new Uint8Array(32 * 32 * 3);
  const v = judgeClip(empty, 1, 32, 32, 'a circle');
  assert.is(v.reason, 'expected 1 object, found none');
  assert.is(describeReading(v.reading), 'an empty image');
});

test('frame sizes other than 32 × 32: thirds of the frame, radii in pixels as drawn', () => {
  for (const [w, h] of [[64, 48], [16, 16], [40, 32]] as const) {
    for (let s = 0; s < 20; s++) {
      const c = generateClip(`size ${w}x${h} ${s}`, { frames: s % 2 ? 8 : 1, width: w, height: h, objects: w < 32 ? 1 : undefined });
      const v = judgeClip(c.frames, c.numFrames, c.width, c.height, c.caption);
      assert.ok(v.pass, `${w}×${h} seed ${s} "${c.caption}": ${v.reason}`);
    }
  }
});

test('phrases as structure are judged like text, and bad structure fails without throwing', () => {
  const c = clip([obj('triangle', 'small', 'purple', [[20, 12]])]);
  assert.ok(judgeClip(c.frames, 1, 32, 32, [{ shape: 'triangle', colour: 'purple', size: 'small' }]).pass);
  assert.not.ok(judgeClip(c.frames, 1, 32, 32, [{ shape: 'circle' }]).pass);
  for (const bad of [[], [{ shape: 'hexagon' }], [null], [{ shape: 'circle', colour: 'pink' }], 'nope', null, 42, [{}, {}, {}]]) {
    const v = judgeClip(c.frames, 1, 32, 32, bad as never);
    assert.not.ok(v.pass, JSON.stringify(bad));
    assert.match(v.reason, /prompt/);
  }
});

test('malformed prompts never throw and fail with the parser\'s problem', () => {
  const c = clip([obj('circle', 'big', 'red', [[16, 16]])]);
  const prompts = [
    '', '   ', 'a'.repeat(10_000), 'a red circle '.repeat(800), '<script>alert(1)</script>', '<b>a red circle</b> & more',
    '🔴 a red circle 🔴', '🟥🟦', 'florp zib quux', 'a red \u0000 circle \u0007\u001b[31m', 'a\tred\ncircle\r', '\u202e elcric der a',
    'a red', 'a red circle and', 'and and', 'a red circle in the', 'a red circle moving', 'a circle and a square and a triangle',
    'a red circle and a red square', 'a circle in the top moving left',
  ];
  for (const p of prompts) {
    const v = judge(c, p);
    assert.type(v.reason, 'string');
    assert.type(v.pass, 'boolean');
  }
  const unknown = judge(c, 'a red circle wearing a hat');
  assert.not.ok(unknown.pass);
  assert.match(unknown.reason, /^the prompt does not parse: unexpected "wearing"/);
  assert.match(judge(c, '').reason, /the prompt is empty/);
  assert.match(judge(c, 'florp zib quux').reason, /does not parse/);
  // Case and punctuation are read as the tokenizer reads them.
  assert.ok(judge(c, 'A big, RED circle.').pass);
});

test('frames that do not fit: readFrames throws a clear Error; judgeClip fails with the reason', () => {
  const bytes = new Uint8Array(100);
  assert.throws(() => readFrames(bytes, 1, 32, 32), /frames hold 100 bytes, but 1 frame\(s\) of 32 × 32 RGB need 3072/);
  assert.throws(() => readFrames(bytes, 0, 32, 32), /numFrames/);
  const v = judgeClip(bytes, 1, 32, 32, 'a circle');
  assert.not.ok(v.pass);
  assert.match(v.reason, /the frames could not be read: frames hold 100 bytes/);
  for (const args of [[null, 1, 32, 32], [new Uint8Array(3072), NaN, 32, 32], [new Uint8Array(3072), 1, -32, 32], [[1, 2, 3], 1, 1, 1]]) {
    const w = judgeClip(...(args as [Uint8Array, number, number, number]), 'a circle');
    assert.not.ok(w.pass);
  }
});

test('one reading judged against many prompts agrees with judgeClip', () => {
  const c = generateClip(123, { frames: 8, objects: 2 });
  const r = readFrames(c.frames, 8, 32, 32);
  for (const p of [c.caption, 'a circle', parsePrompt(c.caption).phrases]) {
    assert.is(judgeReading(r, p).pass, judgeClip(c.frames, 8, 32, 32, p).pass);
  }
  const motions = r.tracks.map((t) => t.motion) as (Motion | null)[];
  assert.equal(motions, c.objects.map((o) => o.motion));
});

test.run();
