import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  generateClip, objectsTouch, layoutObjects, parsePrompt, WorldError, RADIUS, POSITIONS, cellOf,
} from '../../../pipeline/world';
import { extentOf } from '../../../pipeline/world/geometry';
import { drawFrame } from '../../../pipeline/world/draw';
import { createRandom } from '../../../pipeline/random';

test('same seed, same clip; different seed, different clip', () => {
  const a = generateClip(11), b = generateClip(11), c = generateClip(12);
  assert.equal(a.frames, b.frames);
  assert.is(a.caption, b.caption);
  assert.not.equal(a.frames, c.frames);
});

test('pinned clip: the generator never changes silently', () => {
  const c = generateClip('pin', { frames: 8 });
  let sum = 0;
  for (const v of c.frames) sum = (sum * 31 + v) >>> 0;
  assert.is(c.caption, PIN_CAPTION);
  assert.is(sum, PIN_HASH);
});

test('drawing: a pixel fully inside is the colour, coverage blends and rounds', () => {
  const f = drawFrame([{ shape: 'square', size: 'big', colour: 'red', cx: 16, cy: 16 }], 32, 32);
  assert.equal([...f.subarray((16 * 32 + 16) * 3, (16 * 32 + 16) * 3 + 3)], [230, 40, 40]);
  assert.equal([...f.subarray(0, 3)], [0, 0, 0]);
  // Square half-side 0.85·7 = 5.95: column 21 spans [21, 22); sub-samples at 21.125, 21.375,
  // 21.625, 21.875 lie within 16 + 5.95 = 21.95 → all 4 columns covered; column 22 none.
  const px = (i: number, j: number) => f[(i * 32 + j) * 3];
  assert.is(px(16, 21), 230);
  assert.is(px(16, 22), 0);
  // Column 10 spans [10, 11): left edge at 10.05 → sub-samples 10.125… all inside → full.
  assert.is(px(16, 10), 230);
  // A circle's edge pixel is partly covered: strictly between black and red.
  const g = drawFrame([{ shape: 'circle', size: 'small', colour: 'red', cx: 16.3, cy: 16.3 }], 32, 32);
  const edge = g[(16 * 32 + 20) * 3];
  assert.ok(edge > 0 && edge < 230, `edge ${edge}`);
});

test('every object stays inside every frame; objects never touch; images keep centroids off grid lines', () => {
  for (let s = 0; s < 600; s++) {
    const frames = s % 2 ? 8 : 1;
    const clip = generateClip(`inside ${s}`, { frames, objects: s % 3 ? 2 : 1 });
    for (const o of clip.objects) {
      const e = extentOf(o.shape, RADIUS[o.size]);
      for (const [cx, cy] of o.centres) {
        assert.ok(cx + e.left >= 0 && cx + e.right <= 32 && cy + e.top >= 0 && cy + e.bottom <= 32, `${clip.caption} leaves the frame`);
      }
      if (frames === 1) {
        const [x, y] = o.centroids[0];
        for (const line of [32 / 3, 64 / 3]) assert.ok(Math.abs(x - line) >= 1 && Math.abs(y - line) >= 1, `${clip.caption}: centroid near a grid line`);
        assert.is(o.position, POSITIONS[cellOf(x, y)]);
      } else if (o.motion !== 'still') {
        assert.ok(o.speed >= 1.5 && o.speed <= 2.5);
      }
    }
    if (clip.objects.length === 2) {
      assert.is.not(clip.objects[0].colour, clip.objects[1].colour);
      assert.not.ok(objectsTouch(clip.objects[0], clip.objects[1]));
    }
  }
});

test('objectsTouch sees shapes closer than 2 px and accepts 2.1 px apart', () => {
  const obj = (shape: 'circle' | 'square', cx: number) => ({
    colour: 'red' as const, shape, size: 'small' as const, position: 'center' as const, motion: null, speed: 0,
    centres: [[cx, 16]] as [number, number][], centroids: [[cx, 16]] as [number, number][],
  });
  // Two small circles (r = 4): centres 9.9 apart leave a 1.9 px gap; 10.1 apart leave 2.1 px.
  assert.ok(objectsTouch(obj('circle', 10), obj('circle', 19.9)));
  assert.not.ok(objectsTouch(obj('circle', 10), obj('circle', 20.1)));
  // Squares (half-side 3.4): gap = d − 6.8.
  assert.ok(objectsTouch(obj('square', 10), obj('square', 18.7)));
  assert.not.ok(objectsTouch(obj('square', 10), obj('square', 18.9)));
});

test('phrases constrain the clip; unstated attributes vary with the seed', () => {
  const parsed = parsePrompt('a big red circle in the top left and a small blue square');
  assert.ok(parsed.ok, parsed.problems.join('; '));
  const positions = new Set<string>();
  for (let s = 0; s < 40; s++) {
    const clip = generateClip(s, { frames: 1, phrases: parsed.phrases });
    const [a, b] = clip.objects;
    assert.equal([a.size, a.colour, a.shape, a.position], ['big', 'red', 'circle', 'top left']);
    assert.equal([b.size, b.colour, b.shape], ['small', 'blue', 'square']);
    positions.add(b.position);
  }
  assert.ok(positions.size >= 5, `positions drawn: ${[...positions]}`);
  const moving = generateClip(5, { frames: 8, phrases: parsePrompt('a triangle moving up').phrases });
  const o = moving.objects[0];
  assert.is(o.motion, 'up');
  assert.ok(o.centroids[7][1] < o.centroids[0][1] - 10);
});

test('every position is reachable by every shape and size, and drawn evenly', () => {
  const counts = new Array(9).fill(0);
  const rng = createRandom('even');
  for (let s = 0; s < 1800; s++) counts[POSITIONS.indexOf(layoutObjects(rng, { frames: 1, objects: 1 })[0].position)]++;
  for (const c of counts) assert.ok(c > 140 && c < 260, `cell counts ${counts}`);
  for (const shape of ['circle', 'square', 'triangle'] as const) for (const size of ['small', 'big'] as const) for (const position of POSITIONS) {
    const o = generateClip(`${shape}${size}${position}`, { frames: 1, phrases: [{ shape, size, position }] }).objects[0];
    assert.is(o.position, position);
  }
});

test('impossible requests are a clear WorldError', () => {
  assert.throws(() => generateClip(1, { phrases: parsePrompt('a red circle and a red square').phrases }), (e: unknown) => e instanceof WorldError && /different colours/.test((e as Error).message));
  assert.throws(() => generateClip(1, { frames: 0 }), (e: unknown) => e instanceof WorldError);
  assert.throws(() => generateClip(1, { frames: 1.5 }), (e: unknown) => e instanceof WorldError);
  assert.throws(() => generateClip(1, { width: 5 }), (e: unknown) => e instanceof WorldError);
  assert.throws(() => generateClip(1, { frames: 1, phrases: [{ shape: 'circle', motion: 'left' }] }), (e: unknown) => e instanceof WorldError && /only for clips/.test((e as Error).message));
});

const PIN_CAPTION = 'a small green triangle staying still and a big purple triangle moving right';
const PIN_HASH = 2249714566;
test.run();
