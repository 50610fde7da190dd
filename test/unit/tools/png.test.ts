import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PNG } from 'pngjs';
import { generateClip } from '../../../pipeline/world/generate';
import { decodeStrip, encodeStrip } from '../../../tools/png';

test('round trip: a strip decodes to the same bytes, at scale 1 and upscaled', () => {
  for (const frames of [1, 8]) {
    const c = generateClip(`png ${frames}`, { frames });
    for (const scale of [1, 2, 4, 7]) {
      const png = encodeStrip(c.frames, c.numFrames, 32, 32, scale);
      const meta = PNG.sync.read(png);
      assert.is(meta.width, 32 * frames * scale);
      assert.is(meta.height, 32 * scale);
      const back = decodeStrip(png);
      assert.is(back.numFrames, frames);
      assert.is(back.scale, scale);
      assert.is(back.width, 32);
      assert.is(back.height, 32);
      assert.ok(Buffer.from(back.frames).equals(Buffer.from(c.frames)), `frames ${frames} scale ${scale}`);
      assert.is(decodeStrip(png, { frames }).numFrames, frames);
    }
  }
});

test('transparent pixels are read over black', () => {
  const png = new PNG({ width: 32, height: 32 });
  png.data.fill(0);
  for (let p = 0; p < 32 * 32; p++) png.data.set([200, 100, 50, 128], p * 4);
  const back = decodeStrip(PNG.sync.write(png));
  assert.equal([...back.frames.subarray(0, 3)], [100, 50, 25]);
});

test('malformed PNGs give clear errors', () => {
  assert.throws(() => decodeStrip(new TextEncoder().encode('hello, not a png')), /not a PNG file/);
  assert.throws(() => decodeStrip(new Uint8Array(0)), /not a PNG file/);
  const good = encodeStrip(new Uint8Array(32 * 32 * 3), 1);
  assert.throws(() => decodeStrip(good.subarray(0, 40)), /not a readable PNG file/);
  const odd = PNG.sync.write(new PNG({ width: 50, height: 30 }));
  assert.throws(() => decodeStrip(odd), /wrong size: a strip is 32·T wide and 32 high, or an exact integer upscale of that; this PNG is 50 × 30/);
  const notMultiple = PNG.sync.write(new PNG({ width: 100, height: 64 }));
  assert.throws(() => decodeStrip(notMultiple), /this PNG is 100 × 64/);
  const eight = encodeStrip(new Uint8Array(8 * 32 * 32 * 3), 8);
  assert.throws(() => decodeStrip(eight, { frames: 3 }), /3 frames asked for/);
  assert.throws(() => encodeStrip(new Uint8Array(10), 1), /frames hold 10 bytes/);
});

test.run();
