/**
 * Shapes World v1: the constants of the contract (../shared/world-spec.md).
 * Every list here is in a fixed order; its index is what datasets store.
 */
export const FRAME_SIZE = 32;
export const CLIP_FRAMES = 8;
export const MAX_OBJECTS = 2;

export const COLOURS = ['red', 'green', 'blue', 'yellow', 'purple', 'cyan'] as const;
export type Colour = (typeof COLOURS)[number];
export type RGB = readonly [number, number, number];
export const PALETTE: Readonly<Record<Colour, RGB>> = {
  red: [230, 40, 40],
  green: [40, 190, 60],
  blue: [40, 90, 240],
  yellow: [235, 215, 40],
  purple: [170, 60, 220],
  cyan: [40, 210, 220],
};

export const SHAPES = ['circle', 'square', 'triangle'] as const;
export type Shape = (typeof SHAPES)[number];

export const SIZES = ['small', 'big'] as const;
export type Size = (typeof SIZES)[number];
export const RADIUS: Readonly<Record<Size, number>> = { small: 4, big: 7 };

/** Grid cells in reading order: index = row * 3 + column. */
export const POSITIONS = [
  'top left', 'top', 'top right',
  'left', 'center', 'right',
  'bottom left', 'bottom', 'bottom right',
] as const;
export type Position = (typeof POSITIONS)[number];

export const DIRECTIONS = ['left', 'right', 'up', 'down'] as const;
export type Direction = (typeof DIRECTIONS)[number];
/** A clip object's motion: one of the directions, or 'still' ("staying still"). */
export const MOTIONS = [...DIRECTIONS, 'still'] as const;
export type Motion = (typeof MOTIONS)[number];
/** Unit vector of each direction, y growing downwards. */
export const DIRECTION_VECTOR: Readonly<Record<Direction, readonly [number, number]>> = {
  left: [-1, 0],
  right: [1, 0],
  up: [0, -1],
  down: [0, 1],
};
export const SPEED_RANGE = [1.5, 2.5] as const; // px a frame

/** Judge constants (world-spec "The judge"). */
export const JUDGE = {
  /** a = (p·k)/(k·k) must be at least this for a palette pixel. */
  minProjection: 0.5,
  /** ‖p − a·k‖ must be at most this for a palette pixel. */
  maxResidual: 40,
  /** Smallest 8-connected group that counts as an object or as clutter. */
  minGroup: 6,
  /** A channel above this makes a pixel "lit" for the clutter rule. */
  litChannel: 48,
  /** Net displacement along the named direction, in px. */
  minTravel: 4,
  /** A still object's centroid stays within this of its first-frame centroid. */
  stillTolerance: 2,
} as const;

/** The grid cell (0–8) that holds a point, for a frame of `width` × `height`. */
export function cellOf(x: number, y: number, width = FRAME_SIZE, height = FRAME_SIZE): number {
  const col = Math.min(2, Math.max(0, Math.floor((x * 3) / width)));
  const row = Math.min(2, Math.max(0, Math.floor((y * 3) / height)));
  return row * 3 + col;
}

/** One object of a clip, as drawn: everything a caption can state, and more. */
export interface WorldObject {
  colour: Colour;
  shape: Shape;
  size: Size;
  /** Grid cell of the area centroid in the first frame. */
  position: Position;
  /** Motion of the object; null in an image (a one-frame clip). */
  motion: Motion | null;
  /** Speed in px a frame (0 when still or in an image). */
  speed: number;
  /** Centre (cx, cy) of the drawn shape in each frame. */
  centres: [number, number][];
  /** Area centroid (x, y) in each frame (a triangle's is 0.2·r below its centre). */
  centroids: [number, number][];
}

/** A clip: frames as RGB bytes, frame-major, rows, columns, channels (T, H, W, 3). */
export interface Clip {
  frames: Uint8Array;
  numFrames: number;
  width: number;
  height: number;
  objects: WorldObject[];
  /** The full caption (every attribute stated). */
  caption: string;
}

/** What a caption phrase says of one object; an absent field is unstated. */
export interface ObjectPhrase {
  shape: Shape;
  colour?: Colour;
  size?: Size;
  position?: Position;
  motion?: Motion;
}
