// What chapter 7's figures hand one another, through the chapter: a figure
// that has made a clip says so (`clip-made`, up), and the chapter passes the
// first figure's clip down to the figures that extend, edit and connect it and
// every clip to the measuring figure; a figure that needs another's clip first
// asks for it (`clip-wanted`, up: the chapter runs that figure and answers).
// And the pieces two figures share: a clip's dimensions, a world picture, a
// strip of all of a longer clip's frames.
import { html } from 'lit';
import type { GeneratedClip } from '../../pipeline/text-to-video/clip';
import type { JoinedClip } from '../../pipeline/text-to-video/edits';
import type { Frames } from '../../pipeline/text-to-video/vae';
import type { Picture } from '../../pipeline/tensor-pictures';
import { generateClip } from '../../pipeline/world/generate';
import type { Reading } from '../../pipeline/world/read-frames';
import type { Measurable } from './state';

/** A figure's clip, as it tells the chapter. */
export interface MadeClip {
  cell: Measurable;
  /** The state it was made for (cellKey). */
  key: string;
  /** The judge's reading of it (null: none made for this state), and how the measuring figure names it. */
  reading: Reading | null;
  what: string;
  /** The first figure's clip, which extending, editing and connecting start from. */
  clip?: GeneratedClip;
}

/** Every figure's latest clip, as the chapter keeps them. */
export type MadeClips = Partial<Record<Measurable, MadeClip>>;

export interface ClipWantedDetail {
  cell: Measurable;
  /** Set by the chapter: resolves when that figure has made its clip for the current state (undefined: it could not). */
  made: Promise<MadeClip | undefined> | null;
}

/** Tells the chapter around `from` that a figure made (or dropped) its clip. */
export function tellClip(from: Element, made: MadeClip): void {
  from.dispatchEvent(new CustomEvent<MadeClip>('clip-made', { detail: made, bubbles: true }));
}

/** Asks the chapter around `from` for the clip of figure `cell` for the current state, made now if need be. */
export function wantClip(from: Element, cell: Measurable): Promise<MadeClip | undefined> {
  const detail: ClipWantedDetail = { cell, made: null };
  from.dispatchEvent(new CustomEvent<ClipWantedDetail>('clip-wanted', { detail, bubbles: true }));
  return detail.made ?? Promise.resolve(undefined);
}

export const sameDims = (c: GeneratedClip | Frames) => ({ frames: c.frames, numFrames: c.numFrames, width: c.width, height: c.height });

/** The world picture of a seed (one frame, the world's own drawing). */
export function worldPicture(seed: number) {
  const clip = generateClip(seed, { frames: 1 });
  return { frames: clip.frames, numFrames: 1, width: clip.width, height: clip.height, caption: clip.caption };
}

/** All the frames of a longer clip in a row, saying which were made (extending and connecting). */
export function renderStrip(clip: JoinedClip, strip: Picture, label: string) {
  return html`<div class="strip" style="margin-top:0.75rem">
    <h4>All ${clip.numFrames} frames</h4>
    <pixel-view .rgb=${strip.rgb} width=${strip.width} height=${strip.height} alt=${label}></pixel-view>
    <p class="caption">Frames ${clip.made[0] + 1}–${clip.made[1]} are new; the others were given.</p>
  </div>`;
}

declare global {
  interface HTMLElementEventMap {
    'clip-made': CustomEvent<MadeClip>;
    'clip-wanted': CustomEvent<ClipWantedDetail>;
  }
}
