// The GIF encoder (pipeline/export/gif.ts), read back by a minimal GIF decoder
// in test/helpers/gif-decode.ts (header, global colour table, extensions, LZW image data), so the
// frames the encoder was given must come back pixel for pixel.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeGif, lzwEncode, paletteOf } from '../../pipeline/export/gif';
import { createRandom } from '../../pipeline/random';
import { decodeGif, lzwDecode } from '../helpers/gif-decode';

/** A clip of a few flat colours: a square moving right over a background. */
function movingSquare(frames: number, w: number, h: number): Uint8Array[] {
  return Array.from({ length: frames }, (_, f) => {
    const rgb = new Uint8Array(3 * w * h);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const inside = x >= f * 2 && x < f * 2 + 6 && y >= 4 && y < 10;
        rgb.set(inside ? [220, 40, 30] : y > h / 2 ? [40, 120, 60] : [235, 232, 220], 3 * (y * w + x));
      }
    return rgb;
  });
}

test('few colours: every frame comes back exactly, with its delay and the loop', () => {
  const clip = movingSquare(8, 32, 24);
  const bytes = encodeGif(clip, { width: 32, height: 24, delayMs: 250 });
  const d = decodeGif(bytes);
  assert.is(d.width, 32);
  assert.is(d.height, 24);
  assert.is(d.frames.length, 8);
  assert.equal(d.delays, Array(8).fill(25));
  assert.is(d.loops, 0);
  d.frames.forEach((f, i) => assert.equal(Array.from(f), Array.from(clip[i]), `frame ${i}`));
  assert.not.equal(Array.from(d.frames[0]), Array.from(d.frames[1]), 'the square moves');
});

test('scale makes each pixel a block', () => {
  const clip = movingSquare(2, 16, 12);
  const d = decodeGif(encodeGif(clip, { width: 16, height: 12, scale: 3 }));
  assert.is(d.width, 48);
  assert.is(d.height, 36);
  for (const [x, y] of [[0, 0], [5, 7], [15, 11], [2, 5]]) {
    for (const [dx, dy] of [[0, 0], [2, 2], [1, 2]]) {
      const a = 3 * ((y * 3 + dy) * 48 + x * 3 + dx);
      assert.equal(Array.from(d.frames[1].subarray(a, a + 3)), Array.from(clip[1].subarray(3 * (y * 16 + x), 3 * (y * 16 + x) + 3)));
    }
  }
});

test('one frame: no loop block; two colours still get a 4-entry table', () => {
  const rgb = new Uint8Array(3 * 64).fill(255);
  rgb.set([0, 0, 0], 0);
  const bytes = encodeGif([rgb], { width: 8, height: 8 });
  const d = decodeGif(bytes);
  assert.is(d.frames.length, 1);
  assert.is(d.loops, null);
  assert.is(bytes[10] & 7, 1, 'table of 4');
  assert.equal(Array.from(d.frames[0]), Array.from(rgb));
});

test('many colours (noise): a colour cube, each pixel within half a cube step, through LZW table resets', () => {
  const rng = createRandom(3);
  const w = 96, h = 96;
  const frames = Array.from({ length: 3 }, () => Uint8Array.from({ length: 3 * w * h }, () => Math.floor(rng.uniform() * 256)));
  const { colours } = paletteOf(frames, w * h);
  assert.is(colours.length, 3 * 256);
  const d = decodeGif(encodeGif(frames, { width: w, height: h }));
  assert.is(d.frames.length, 3);
  let worst = 0;
  d.frames.forEach((f, i) => f.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - frames[i][j])))));
  assert.ok(worst <= Math.ceil(255 / 5 / 2), `worst channel error ${worst}`);
  assert.ok(worst > 0, 'it was quantised');
});

test('LZW: long runs compress, and random data round-trips at every code size', () => {
  const run = new Uint8Array(10_000);
  assert.ok(lzwEncode(run, 2).length < 300, 'a flat image is small');
  const rng = createRandom(9);
  for (const size of [2, 3, 5, 8]) {
    const data = Uint8Array.from({ length: 20_000 }, () => Math.floor(rng.uniform() * (1 << size)));
    assert.equal(Array.from(lzwDecode(lzwEncode(data, size), size, data.length)), Array.from(data), `code size ${size}`);
  }
});

test('bad input is refused', () => {
  assert.throws(() => encodeGif([], { width: 4, height: 4 }));
  assert.throws(() => encodeGif([new Uint8Array(10)], { width: 4, height: 4 }));
  assert.throws(() => encodeGif([new Uint8Array(48)], { width: 0, height: 4 }));
});

test.run();
