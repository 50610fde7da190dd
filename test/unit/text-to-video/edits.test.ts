// pipeline/text-to-video/edits.ts, measure.ts and pipeline/tensor-pictures.ts:
// which frames are held fixed to animate, extend and connect clips and where the
// made frames go; where SDEdit starts; what the judge's reading says of motion and
// consistency; the prompts image-to-video builds; numbers drawn as pictures.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { setTimesteps } from '../../../pipeline/diffusion/timesteps';
import {
  animatePlan, concatFrames, connectPlan, extendPlan, frameOf, joinConnection, joinExtension, sdeditStart, sliceFrames,
} from '../../../pipeline/text-to-video/edits';
import { motionPrompt, passCount, phrasesOfReading, summarizeTracks, trackPoints } from '../../../pipeline/text-to-video/measure';
import { filmStrip, heatMap, latentStrip, latentTiles } from '../../../pipeline/tensor-pictures';
import { generateClip, judgeClip, parsePrompt, readFrames } from '../../../pipeline/world';

/** A clip whose every byte of frame f is `base + f`: which frame went where is plain to see. */
function marked(numFrames: number, base = 0, width = 4, height = 4) {
  const size = width * height * 3;
  const frames = new Uint8Array(numFrames * size);
  for (let f = 0; f < numFrames; f++) frames.fill(base + f, f * size, (f + 1) * size);
  return { frames, numFrames, width, height };
}
const marks = (c: { frames: Uint8Array; numFrames: number; width: number; height: number }) =>
  Array.from({ length: c.numFrames }, (_, f) => c.frames[f * c.width * c.height * 3]);

test('frames: one, a slice, several clips one after another; bad sizes are said', () => {
  const c = marked(5);
  assert.is(frameOf(c, 3)[0], 3);
  assert.is(frameOf(c, 3).length, 48);
  assert.equal(marks(sliceFrames(c, 1, 4)), [1, 2, 3]);
  assert.equal(marks(concatFrames(c, marked(2, 100))), [0, 1, 2, 3, 4, 100, 101]);
  assert.throws(() => frameOf(c, 5), /from 0 to 4/);
  assert.throws(() => concatFrames(c, marked(1, 0, 8, 8)), /frame sizes differ/);
  assert.throws(() => sliceFrames({ ...c, numFrames: 6 }, 0, 1), /expected 6 frames/);
  const f = frameOf(c, 0);
  f[0] = 99;
  assert.is(c.frames[0], 0, 'a copy, not a view');
});

test('animate: the picture is frame 0 of the window', () => {
  const pic = new Uint8Array(48).fill(7);
  const plan = animatePlan(pic, 8);
  assert.is(plan.frames, 8);
  assert.equal(plan.fixed.map((f) => [f.index, f.frame[0]]), [[0, 7]]);
  assert.throws(() => animatePlan(pic, 1), /from 2 to 64/);
});

test('extend forwards: the last frames start the window; the new frames follow the clip', () => {
  const clip = marked(8);
  const plan = extendPlan(clip, 'forward', 3);
  assert.equal(plan.fixed.map((f) => [f.index, f.frame[0]]), [[0, 5], [1, 6], [2, 7]]);
  const made = marked(8, 50); // what the model made: frames 50 … 57, of which 53 … 57 are new
  const joined = joinExtension(clip, made, 'forward', 3);
  assert.equal(marks(joined), [0, 1, 2, 3, 4, 5, 6, 7, 53, 54, 55, 56, 57]);
  assert.equal(joined.made, [8, 13]);
});

test('extend backwards: the first frames end the window; the new frames come before the clip', () => {
  const clip = marked(8);
  const plan = extendPlan(clip, 'backward', 2);
  assert.equal(plan.fixed.map((f) => [f.index, f.frame[0]]), [[6, 0], [7, 1]]);
  const joined = joinExtension(clip, marked(8, 50), 'backward', 2);
  assert.equal(marks(joined), [50, 51, 52, 53, 54, 55, 0, 1, 2, 3, 4, 5, 6, 7]);
  assert.equal(joined.made, [0, 6]);
  assert.throws(() => extendPlan(clip, 'forward', 8), /from 1 to 7/);
  assert.throws(() => extendPlan(clip, 'forward', 0), /from 1 to 7/);
});

test('connect: a\'s last frames start the window, b\'s first frames end it; the bridge goes between', () => {
  const a = marked(8), b = marked(8, 20);
  const plan = connectPlan(a, b, 2);
  assert.equal(plan.fixed.map((f) => [f.index, f.frame[0]]), [[0, 6], [1, 7], [6, 20], [7, 21]]);
  const joined = joinConnection(a, marked(8, 50), b, 2);
  assert.equal(marks(joined), [0, 1, 2, 3, 4, 5, 6, 7, 52, 53, 54, 55, 20, 21, 22, 23, 24, 25, 26, 27]);
  assert.equal(joined.made, [8, 12]);
  assert.throws(() => connectPlan(a, b, 4), /from 1 to 3/, 'at least one frame to make');
});

test('SDEdit starts where the last ⌊steps · strength⌋ steps begin', () => {
  const schedule = { numTrainTimesteps: 1000, timestepSpacing: 'trailing' as const };
  const all = setTimesteps(30, schedule);
  assert.equal(sdeditStart(1, 30, schedule), { steps: 30, timestep: 999 });
  assert.equal(sdeditStart(0.5, 30, schedule), { steps: 15, timestep: all[15] });
  assert.equal(sdeditStart(0.61, 30, schedule), { steps: 18, timestep: all[12] });
  assert.equal(sdeditStart(0, 30, schedule), { steps: 0, timestep: null });
  assert.throws(() => sdeditStart(1.5, 30, schedule), /strength/);
});

test('measure: the centroid paths and what they say of motion and consistency agree with the judge', () => {
  const clip = generateClip(3, { frames: 8, phrases: parsePrompt('a big red circle moving right and a small blue square staying still').phrases });
  const reading = readFrames(clip.frames, 8, 32, 32);
  const points = trackPoints(reading);
  assert.is(points.length, 16);
  const red = points.filter((p) => p.colour === 'red');
  assert.equal(red.map((p) => p.frame), [0, 1, 2, 3, 4, 5, 6, 7]);
  const truth = clip.objects.find((o) => o.colour === 'red')!;
  red.forEach((p, f) => assert.ok(Math.hypot(p.x - truth.centroids[f][0], p.y - truth.centroids[f][1]) < 0.3, `frame ${f}`));
  const [s1, s2] = summarizeTracks(reading);
  assert.is(s1.colour, 'red');
  assert.is(s1.noun, 'a big red circle');
  assert.is(s1.motion, 'right');
  assert.ok(Math.abs(s1.speed - truth.speed) < 0.3, `speed ${s1.speed}, drawn at ${truth.speed}`);
  assert.ok(s1.dx > 7 && Math.abs(s1.dy) < 1);
  assert.ok(s1.consistent);
  assert.is(s2.motion, 'still');
  assert.ok(s2.speed < 0.3);
  // an object missing from a frame is not consistent
  const cut = clip.frames.slice();
  cut.fill(0, 5 * 3072, 6 * 3072);
  const broken = summarizeTracks(readFrames(cut, 8, 32, 32));
  assert.ok(broken.every((s) => !s.consistent && s.present === 7));
});

test('image to video prompts: what the judge reads in a picture, positions dropped, a motion given', () => {
  const picture = generateClip(5, { frames: 1, phrases: parsePrompt('a small green triangle in the top left and a big cyan square in the bottom right').phrases });
  const phrases = phrasesOfReading(readFrames(picture.frames, 1, 32, 32));
  assert.is(motionPrompt(phrases, 'down'), 'a small green triangle moving down and a big cyan square moving down');
  assert.is(motionPrompt([{ shape: 'circle', colour: 'red', position: 'left' }], 'still'), 'a red circle staying still');
  assert.ok(parsePrompt(motionPrompt(phrases, 'left')).ok);
  // the prompt is one the judge passes for a clip drawn from it
  const clip = generateClip(1, { frames: 8, phrases: parsePrompt(motionPrompt(phrases, 'left')).phrases });
  assert.ok(judgeClip(clip.frames, 8, 32, 32, motionPrompt(phrases, 'left')).pass);
});

test('pass counts with a Wilson interval', () => {
  const c = passCount([true, false, true, true]);
  assert.equal([c.passed, c.n, c.rate], [3, 4, 0.75]);
  assert.ok(Math.abs(c.ci95[0] - 0.3006) < 1e-3 && Math.abs(c.ci95[1] - 0.9544) < 1e-3, String(c.ci95));
  assert.equal(passCount([]), { passed: 0, n: 0, rate: 0, ci95: [0, 1] });
});

test('pictures: a film strip, latent tiles, a heat map', () => {
  const strip = filmStrip(marked(3).frames, 3, 4, 4, 1);
  assert.equal([strip.width, strip.height], [14, 4]);
  assert.equal([strip.rgb[0], strip.rgb[4 * 3], strip.rgb[5 * 3], strip.rgb[10 * 3], strip.rgb[13 * 3]], [0, 0, 1, 2, 2]);
  assert.is(strip.rgb[9 * 3], 0, 'the gap is black');
  // latent (F=2, C=2, 2, 2): frame 1 channel 1 at (0, 1) = 2.5 → white, in tile column 1, row 1
  const latent = new Float32Array(16);
  latent[((1 * 2 + 1) * 2 + 0) * 2 + 1] = 2.5;
  latent[0] = -10;
  const tiles = latentTiles(latent, 2, 2, 2, 2);
  assert.equal([tiles.width, tiles.height], [4, 4]);
  assert.is(tiles.rgb[((2 * 4) + 3) * 3], 255);
  assert.is(tiles.rgb[0], 0, 'clipped');
  assert.is(tiles.rgb[3], 128, 'zero is mid grey');
  // the same latent as a strip: frame 1's column starts after a black one
  const strip2 = latentStrip(latent, 2, 2, 2, 2);
  assert.equal([strip2.width, strip2.height], [5, 4]);
  assert.is(strip2.rgb[((2 * 5) + 4) * 3], 255, 'frame 1 channel 1 at (0, 1): column 3 + 1 of the gap');
  assert.is(strip2.rgb[2 * 3], 0, 'the gap is black');
  assert.throws(() => latentStrip(new Float32Array(15), 2, 2, 2, 2), /expected 16/);
  const h = heatMap(new Float32Array([0, 1, -1, 0.5]), 2, 2, 1);
  assert.equal(Array.from(h.rgb), [255, 255, 255, 178, 24, 43, 33, 102, 172, 217, 140, 149]);
  assert.ok(heatMap(new Float32Array(4), 2, 2).range === 1);
  assert.throws(() => heatMap(new Float32Array(3), 2, 2), /expected 4/);
});



test('stage clock: the stages light up in order from the worker\'s messages, timed; the end takes the worker\'s timings', async () => {
  const { StageClock } = await import('../../../pipeline/worker/stages');
  let t = 0;
  const clock = new StageClock(() => t);
  clock.start(0.2);
  assert.equal([clock.states.tokens.status, clock.states.encode.status, clock.running], ['done', 'waiting', null]);
  clock.progress({ kind: 'stage', stage: 'encode' });
  assert.is(clock.running, 'encode');
  t = 40;
  clock.tick();
  assert.is(clock.states.encode.ms, 40);
  clock.progress({ kind: 'stage', stage: 'sample' });
  assert.equal([clock.states.encode.status, clock.states.encode.ms, clock.states.noise.status, clock.running], ['done', 40, 'done', 'denoise']);
  t = 100;
  clock.progress({ kind: 'step', step: 3, of: 30, timestep: 899, prevTimestep: 866, ms: 50, report: {} as never });
  assert.equal([clock.step, clock.of, clock.states.denoise.ms], [3, 30, 60]);
  clock.progress({ kind: 'stage', stage: 'decode' });
  clock.progress({ kind: 'stage', stage: 'judge' });
  assert.equal([clock.states.decode.status, clock.running], ['done', 'judge']);
  clock.finish({ encode: 41, sample: 1500, decode: 20, judge: 3 });
  assert.equal(Object.values(clock.states).map((s) => s.status), ['done', 'done', 'done', 'done', 'done', 'done']);
  assert.equal([clock.states.tokens.ms, clock.states.denoise.ms, clock.step], [0.2, 1500, 30]);
  // a run that stops while denoising
  clock.start(null);
  clock.progress({ kind: 'stage', stage: 'sample' });
  clock.fail();
  assert.equal([clock.states.denoise.status, clock.states.decode.status, clock.running], ['failed', 'waiting', null]);
});
test.run();
