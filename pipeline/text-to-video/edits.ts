// What Sora does with a clip besides making one from text, reduced to which
// frames are known and which are made: animate an image, extend a clip
// forwards or backwards, connect two clips, edit a clip with SDEdit. DOM-free.
//
// The known frames go to textToVideo as `fixedFrames` (pixels; it encodes them
// and holds their latents fixed through the denoising, the replacement method of
// Ho et al.'s Video Diffusion Models), SDEdit's source as `init`. The plans here
// say which frames, and the joins put the made frames back beside the known ones.
//
//   const plan = extendPlan(clip, 'forward', 4);           // the last 4 frames at 0–3 of an 8-frame window
//   const made = await textToVideo(runner, { prompt, model: 'dit', seed, frames: plan.frames, fixedFrames: plan.fixed });
//   const longer = joinExtension(clip, made, 'forward', 4); // 8 + 4 frames; longer.made = [8, 12)
import { setTimesteps, type TimestepSpacing } from '../diffusion/timesteps';
import type { Frames } from './vae';

export type ExtendDirection = 'forward' | 'backward';

/** Frames to hold fixed, by index in a window of `frames`. */
export interface FixedFramePlan {
  frames: number;
  fixed: { index: number; frame: Uint8Array }[];
}

/** A clip made of known and new frames; `made` is the half-open range [from, to) of the new ones. */
export interface JoinedClip extends Frames {
  made: [number, number];
}

const frameSize = (c: Frames) => c.width * c.height * 3;

function checkClip(c: Frames, what: string): void {
  const size = frameSize(c);
  if (!(Number.isInteger(c.numFrames) && c.numFrames >= 1) || c.frames.length !== c.numFrames * size) {
    throw new RangeError(`${what}: expected ${c.numFrames} frames of ${c.width} × ${c.height} RGB bytes, got ${c.frames.length} bytes`);
  }
}

function checkCount(n: number, lo: number, hi: number, what: string): void {
  if (!Number.isInteger(n) || n < lo || n > hi) throw new RangeError(`${what} must be a whole number from ${lo} to ${hi}, got ${n}`);
}

/** A copy of frame `index` of a clip, (H, W, 3) bytes. */
export function frameOf(clip: Frames, index: number): Uint8Array {
  checkClip(clip, 'frameOf');
  checkCount(index, 0, clip.numFrames - 1, 'frameOf: the frame index');
  const size = frameSize(clip);
  return clip.frames.slice(index * size, (index + 1) * size);
}

/** Frames [from, to) of a clip, as a clip of their own (copied). */
export function sliceFrames(clip: Frames, from: number, to: number): Frames {
  checkClip(clip, 'sliceFrames');
  checkCount(from, 0, clip.numFrames - 1, 'sliceFrames: from');
  checkCount(to, from + 1, clip.numFrames, 'sliceFrames: to');
  const size = frameSize(clip);
  return { frames: clip.frames.slice(from * size, to * size), numFrames: to - from, width: clip.width, height: clip.height };
}

/** The clips one after another (all of one frame size). */
export function concatFrames(...clips: Frames[]): Frames {
  if (!clips.length) throw new RangeError('concatFrames: no clips');
  const { width, height } = clips[0];
  let n = 0;
  for (const c of clips) {
    checkClip(c, 'concatFrames');
    if (c.width !== width || c.height !== height) throw new RangeError(`concatFrames: frame sizes differ (${width} × ${height} and ${c.width} × ${c.height})`);
    n += c.numFrames;
  }
  const out = new Uint8Array(n * width * height * 3);
  let at = 0;
  for (const c of clips) {
    out.set(c.frames, at);
    at += c.frames.length;
  }
  return { frames: out, numFrames: n, width, height };
}

/** Image to video: the picture is frame 0 of a window of `frames`; the model makes the rest. */
export function animatePlan(picture: Uint8Array, frames = 8): FixedFramePlan {
  checkCount(frames, 2, 64, 'animatePlan: frames');
  return { frames, fixed: [{ index: 0, frame: picture.slice() }] };
}

/**
 * Extending: forwards, the clip's last `keep` frames start a window of `window`
 * frames and the model makes the rest after them; backwards, its first `keep`
 * frames end the window and the model makes the frames before them.
 */
export function extendPlan(clip: Frames, direction: ExtendDirection, keep: number, window = 8): FixedFramePlan {
  checkClip(clip, 'extendPlan');
  checkCount(window, 2, 64, 'extendPlan: window');
  checkCount(keep, 1, Math.min(window - 1, clip.numFrames), 'extendPlan: keep');
  const fixed = [];
  for (let k = 0; k < keep; k++) {
    const source = direction === 'forward' ? clip.numFrames - keep + k : k;
    const index = direction === 'forward' ? k : window - keep + k;
    fixed.push({ index, frame: frameOf(clip, source) });
  }
  return { frames: window, fixed };
}

/** The clip and the window's new frames, in time order: forwards after the clip, backwards before it. */
export function joinExtension(clip: Frames, made: Frames, direction: ExtendDirection, keep: number): JoinedClip {
  checkClip(made, 'joinExtension');
  checkCount(keep, 1, made.numFrames - 1, 'joinExtension: keep');
  const added = made.numFrames - keep;
  if (direction === 'forward') return { ...concatFrames(clip, sliceFrames(made, keep, made.numFrames)), made: [clip.numFrames, clip.numFrames + added] };
  return { ...concatFrames(sliceFrames(made, 0, added), clip), made: [0, added] };
}

/**
 * Connecting two clips: the last `keep` frames of `a` start a window of `window`
 * frames, the first `keep` frames of `b` end it, and the model makes the frames
 * between, a bridge from one clip to the other.
 */
export function connectPlan(a: Frames, b: Frames, keep: number, window = 8): FixedFramePlan {
  checkClip(a, 'connectPlan');
  checkClip(b, 'connectPlan');
  checkCount(window, 3, 64, 'connectPlan: window');
  checkCount(keep, 1, Math.min(Math.floor((window - 1) / 2), a.numFrames, b.numFrames), 'connectPlan: keep');
  const fixed = [];
  for (let k = 0; k < keep; k++) fixed.push({ index: k, frame: frameOf(a, a.numFrames - keep + k) });
  for (let k = 0; k < keep; k++) fixed.push({ index: window - keep + k, frame: frameOf(b, k) });
  return { frames: window, fixed };
}

/** a, the bridge's new frames, b. */
export function joinConnection(a: Frames, bridge: Frames, b: Frames, keep: number): JoinedClip {
  checkClip(bridge, 'joinConnection');
  checkCount(keep, 1, Math.floor((bridge.numFrames - 1) / 2), 'joinConnection: keep');
  const middle = sliceFrames(bridge, keep, bridge.numFrames - keep);
  return { ...concatFrames(a, middle, b), made: [a.numFrames, a.numFrames + middle.numFrames] };
}

export interface SdeditStart {
  /** Denoising steps that run: the last ⌊steps · strength⌋ of the schedule. */
  steps: number;
  /** The timestep the source is noised to (where those steps begin); null when no step runs. */
  timestep: number | null;
}

/** Where SDEdit starts for a strength in [0, 1], as pipeline/text-to-video/sample.ts does it (diffusers' img2img). */
export function sdeditStart(
  strength: number,
  steps: number,
  schedule: { numTrainTimesteps: number; timestepSpacing: TimestepSpacing },
): SdeditStart {
  if (!(strength >= 0 && strength <= 1)) throw new RangeError(`sdeditStart: strength must be in [0, 1], got ${strength}`);
  const all = setTimesteps(steps, { numTrainTimesteps: schedule.numTrainTimesteps, timestepSpacing: schedule.timestepSpacing });
  const keep = Math.min(Math.floor(steps * strength), steps);
  return { steps: keep, timestep: keep > 0 ? all[steps - keep] : null };
}
