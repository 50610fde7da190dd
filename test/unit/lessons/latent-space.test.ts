// pipeline/lessons/latent-space.ts: PSNR, the error map, latent edits and mixes, the
// false-colour view of a latent (chapters 3 and 4).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compressionRatio, editChannel, errorMap, frameOf, isIdentityEdit, latentFalseColour, mixBytes, mixLatents, planeStats, psnr } from '../../../pipeline/lessons/latent-space';

test('PSNR: 10·log10(255²/MSE) on bytes; equal images are ∞; sizes must agree', () => {
  const a = new Uint8Array(12).fill(100);
  const b = Uint8Array.from(a);
  assert.is(psnr(a, b), Infinity);
  b[0] = 110; // MSE = 100 / 12
  assert.ok(Math.abs(psnr(a, b) - 10 * Math.log10((255 * 255 * 12) / 100)) < 1e-12);
  const c = new Uint8Array(12).fill(0), d = new Uint8Array(12).fill(255);
  assert.is(psnr(c, d), 0, 'the worst case is 0 dB');
  assert.throws(() => psnr(a, new Uint8Array(3)), /one size/);
});

test('error map: mean |difference| over the three channels, one value a pixel', () => {
  const a = Uint8Array.from([0, 0, 0, 10, 20, 30]);
  const b = Uint8Array.from([3, 0, 0, 40, 20, 0]);
  assert.equal(Array.from(errorMap(a, b, 2, 1)), [1, 20]);
  assert.throws(() => errorMap(a, b, 2, 2), /RGB/);
});

test('compression: 32 × 32 × 3 pixels into 8 × 8 × 4 is 12 values for one', () => {
  assert.is(compressionRatio({ height: 32, width: 32 }, { height: 8, width: 8, channels: 4 }), 12);
  assert.is(compressionRatio({ height: 32, width: 48 }, { height: 8, width: 12, channels: 4 }), 12);
});

test('editChannel: v·scale + shift on one channel of every frame, or on all; a copy', () => {
  const shape = { frames: 2, channels: 2, height: 1, width: 2 };
  const z = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
  const e = editChannel(z, shape, { channel: 1, scale: 2, shift: -1 });
  assert.equal(Array.from(e), [1, 2, 5, 7, 5, 6, 13, 15]);
  assert.equal(Array.from(z), [1, 2, 3, 4, 5, 6, 7, 8], 'the input is untouched');
  assert.equal(Array.from(editChannel(z, shape, { channel: 'all', scale: 0, shift: 0.5 })), new Array(8).fill(0.5));
  assert.ok(isIdentityEdit({ channel: 0, scale: 1, shift: 0 }));
  assert.not.ok(isIdentityEdit({ channel: 0, scale: 1, shift: 0.1 }));
  assert.throws(() => editChannel(z, shape, { channel: 2, scale: 1, shift: 0 }), /channel/);
  assert.throws(() => editChannel(z.subarray(1), shape, { channel: 0, scale: 1, shift: 0 }), /latent/);
});

test('mixes: (1 − α)·a + α·b in a latent, a rounded cross-fade in bytes', () => {
  const m = mixLatents([0, 10], [10, 0], 0.25);
  assert.equal(Array.from(m), [2.5, 7.5]);
  assert.equal(Array.from(mixBytes([0, 255, 100], [255, 0, 101], 0.5)), [128, 128, 101]);
  assert.equal(Array.from(mixBytes([7], [200], 0)), [7]);
  assert.equal(Array.from(mixBytes([7], [200], 1)), [200]);
});

test('planeStats and the false-colour latent: channels 0, 1, 2 → R, G, B over [−range, range]', () => {
  const s = planeStats([1, 3, -2, 2], 2, 2);
  assert.equal(s.map((p) => [p.min, p.max, p.mean]), [[1, 3, 2], [-2, 2, 0]]);
  assert.is(s[0].std, 1);
  // one frame, 4 channels, 1 × 2
  const rgb = latentFalseColour([-3, 3, 0, 0, 3, -9, 1, 1], { frames: 1, channels: 4, height: 1, width: 2 }, 3);
  assert.equal(Array.from(rgb), [0, 128, 255, 255, 128, 0]);
  const clip = Uint8Array.from({ length: 2 * 2 * 3 }, (_, i) => i);
  assert.equal(Array.from(frameOf(clip, 1, 2, 1)), [6, 7, 8, 9, 10, 11]);
  assert.throws(() => frameOf(clip, 2, 2, 1));
});

test.run();
