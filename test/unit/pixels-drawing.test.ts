// pipeline/pixels.ts and pipeline/drawing.ts: model values and bytes, the
// histogram chapter 1 draws, and the reader's drawing in a URL.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DRAWING_COLOURS, decodeDrawing, drawingToRgb, encodeDrawing, isBlank } from '../../pipeline/drawing';
import { bytesToModel, displayByte, histogramDensity, meanStd, modelToBytes, normalPdf } from '../../pipeline/pixels';
import { createRandom, fillNormal } from '../../pipeline/random';

test('bytes ↔ model values: pixel/127.5 − 1, shown clipped to [−1, 1]', () => {
  assert.equal(Array.from(bytesToModel([0, 255, 127.5])), [-1, 1, 0]);
  assert.equal(Array.from(modelToBytes([-3, -1, 0, 0.5, 1, 7, NaN])), [0, 0, 128, 191, 255, 255, 0]);
  for (let b = 0; b < 256; b++) assert.is(displayByte(b / 127.5 - 1), b, 'a byte survives the round trip');
});

test('histogram: a density (area 1 inside the range), outliers counted; normal pdf', () => {
  const x = fillNormal(createRandom(1), new Float32Array(100_000));
  const h = histogramDensity(x, -4, 4, 40);
  const area = h.density.reduce((s, d) => s + d * 0.2, 0);
  assert.ok(Math.abs(area + (h.below + h.above) / h.n - 1) < 1e-9);
  const mid = h.density[20]; // [0, 0.2)
  assert.ok(Math.abs(mid - (normalPdf(0) + normalPdf(0.2)) / 2) < 0.01, `density near 0: ${mid}`);
  assert.ok(Math.abs(normalPdf(0) - 0.3989422804) < 1e-9);
  const again = histogramDensity([5, -5, 0.1], -4, 4, 40, h);
  assert.is(again, h, 'reused');
  assert.is(h.above, 1);
  assert.is(h.below, 1);
  const { mean, std } = meanStd([1, 2, 3, 4]);
  assert.is(mean, 2.5);
  assert.ok(Math.abs(std - Math.sqrt(1.25)) < 1e-12);
});

test('drawing: run-length text round trip; a blank drawing is short; colours are the palette', () => {
  const px = new Uint8Array(1024);
  assert.ok(isBlank(px));
  const blank = encodeDrawing(px);
  assert.ok(blank.length <= 44, `blank drawing is ${blank.length} characters`);
  for (let i = 100; i < 180; i++) px[i] = 1 + (i % 6);
  px[1023] = 3;
  const text = encodeDrawing(px);
  assert.match(text, /^[A-Za-z0-9_-]+$/);
  const back = decodeDrawing(text, 1024);
  assert.equal(back.problems, []);
  assert.equal(Array.from(back.indices), Array.from(px));
  assert.not.ok(isBlank(back.indices));
  const rgb = drawingToRgb(px);
  assert.equal(Array.from(rgb.subarray(300, 303)), Array.from(DRAWING_COLOURS[px[100]].rgb));
  assert.equal(DRAWING_COLOURS.map((c) => c.name), ['black', 'red', 'green', 'blue', 'yellow', 'purple', 'cyan']);
});

test('drawing: bad text never throws; each repair is said', () => {
  const short = decodeDrawing(encodeDrawing(new Uint8Array(10).fill(2)), 1024);
  assert.match(short.problems.join(), /covers 10 of 1024/);
  assert.is(short.indices[9], 2);
  assert.is(short.indices[10], 0);
  const junk = decodeDrawing('%%%', 1024);
  assert.ok(junk.problems.length > 0);
  assert.ok(isBlank(junk.indices));
  const long = decodeDrawing(encodeDrawing(new Uint8Array(2000).fill(1)), 1024);
  assert.match(long.problems.join(), /longer than the picture/);
  const badColour = decodeDrawing('_w', 1024); // byte 0xff: colour 7
  assert.match(badColour.problems.join(), /outside the palette/);
  assert.equal(decodeDrawing('', 1024).problems, []);
});

test.run();
