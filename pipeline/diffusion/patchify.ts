/**
 * Spacetime patches: cutting a video latent into transformer tokens and back.
 *
 * A latent is a row-major Float32Array of shape (F, C, H, W) = (frames,
 * channels, height, width): element (f, c, y, x) is at ((f·C + c)·H + y)·W + x.
 * A patch (pt, ph, pw) covers pt frames × ph rows × pw columns × all C
 * channels, so the token grid is (t, h, w) = (F/pt, H/ph, W/pw) and
 *
 *   token index   n = (gt·h + gh)·w + gw          (time, then rows, then columns)
 *   feature index d = ((it·ph + ih)·pw + iw)·C + c (pt, then ph, then pw, then C)
 *
 * for f = gt·pt + it, y = gh·ph + ih, x = gw·pw + iw; tokenDim = pt·ph·pw·C.
 * This is what a PyTorch DiT gets from a (C, F, H, W) latent with
 *   x.reshape(C, F/pt, pt, H/ph, ph, W/pw, pw).permute(1, 3, 5, 2, 4, 6, 0)
 *    .reshape(t·h·w, pt·ph·pw·C),
 * or, from this module's (F, C, H, W) layout, with
 *   x.reshape(F/pt, pt, C, H/ph, ph, W/pw, pw).permute(0, 3, 5, 1, 4, 6, 2)
 *    .reshape(t·h·w, pt·ph·pw·C);
 * both give the same tokens for the same video. unpatchify is the exact inverse.
 */
import { assertSameLength } from './tensor';

export interface LatentShape {
  frames: number;
  channels: number;
  height: number;
  width: number;
}

export interface PatchSize {
  /** Frames per patch. */
  pt: number;
  /** Rows per patch. */
  ph: number;
  /** Columns per patch. */
  pw: number;
}

/** The token grid: t patches along time, h down, w across. */
export interface PatchGrid {
  t: number;
  h: number;
  w: number;
}

export interface Patches {
  /** numTokens × tokenDim, row-major. */
  tokens: Float32Array;
  numTokens: number;
  tokenDim: number;
  grid: PatchGrid;
}

function assertPositiveInteger(fn: string, name: string, x: number): void {
  if (typeof x !== 'number' || !Number.isInteger(x) || x < 1) {
    throw new RangeError(`${fn}: ${name} must be a positive integer, got ${x}`);
  }
}

/** The token grid of a shape, after checking that the patch divides it. */
export function patchGrid(shape: LatentShape, patch: PatchSize, fn = 'patchGrid'): PatchGrid {
  const { frames, channels, height, width } = shape;
  const { pt, ph, pw } = patch;
  for (const [name, v] of [['frames', frames], ['channels', channels], ['height', height], ['width', width]] as const) {
    assertPositiveInteger(fn, name, v);
  }
  for (const [name, v] of [['pt', pt], ['ph', ph], ['pw', pw]] as const) assertPositiveInteger(fn, `patch ${name}`, v);
  for (const [name, size, p] of [['frames', frames, pt], ['height', height, ph], ['width', width, pw]] as const) {
    if (size % p !== 0) throw new RangeError(`${fn}: ${name} ${size} is not divisible by the patch's ${p}`);
  }
  return { t: frames / pt, h: height / ph, w: width / pw };
}

/** Number of tokens, (F/pt)·(H/ph)·(W/pw). */
export function tokenCount(shape: LatentShape, patch: PatchSize): number {
  const { t, h, w } = patchGrid(shape, patch, 'tokenCount');
  return t * h * w;
}

/** Visits every element once: callback(latent index, token index, feature index). */
function forEachElement(shape: LatentShape, patch: PatchSize, grid: PatchGrid, visit: (li: number, n: number, d: number) => void): void {
  const { channels: C, height: H, width: W, frames: F } = shape;
  const { pt, ph, pw } = patch;
  for (let f = 0; f < F; f++) {
    const gt = Math.floor(f / pt), it = f % pt;
    for (let c = 0; c < C; c++) {
      for (let y = 0; y < H; y++) {
        const gh = Math.floor(y / ph), ih = y % ph;
        const rowBase = ((f * C + c) * H + y) * W;
        for (let x = 0; x < W; x++) {
          const gw = Math.floor(x / pw), iw = x % pw;
          visit(rowBase + x, (gt * grid.h + gh) * grid.w + gw, ((it * ph + ih) * pw + iw) * C + c);
        }
      }
    }
  }
}

function latentSize({ frames, channels, height, width }: LatentShape): number {
  return frames * channels * height * width;
}

/** Cut an (F, C, H, W) latent into tokens; see the header for the order. */
export function patchify(latent: ArrayLike<number>, shape: LatentShape, patch: PatchSize): Patches {
  const grid = patchGrid(shape, patch, 'patchify');
  const size = latentSize(shape);
  if (latent.length !== size) {
    throw new RangeError(`patchify: latent has length ${latent.length}, expected F·C·H·W = ${size}`);
  }
  const tokenDim = patch.pt * patch.ph * patch.pw * shape.channels;
  const numTokens = grid.t * grid.h * grid.w;
  const tokens = new Float32Array(size);
  forEachElement(shape, patch, grid, (li, n, d) => {
    tokens[n * tokenDim + d] = latent[li];
  });
  return { tokens, numTokens, tokenDim, grid };
}

/** Put tokens back into an (F, C, H, W) latent; the exact inverse of patchify. */
export function unpatchify(tokens: ArrayLike<number>, shape: LatentShape, patch: PatchSize): Float32Array {
  const grid = patchGrid(shape, patch, 'unpatchify');
  const latent = new Float32Array(latentSize(shape));
  assertSameLength('unpatchify', 'the latent (F·C·H·W)', latent, 'tokens', tokens);
  const tokenDim = patch.pt * patch.ph * patch.pw * shape.channels;
  forEachElement(shape, patch, grid, (li, n, d) => {
    latent[li] = tokens[n * tokenDim + d];
  });
  return latent;
}

/** (t, row, col) of every token, interleaved: token n is at [3n, 3n + 1, 3n + 2]. */
export function tokenCoordinates(grid: PatchGrid): Int32Array {
  for (const [name, v] of [['t', grid.t], ['h', grid.h], ['w', grid.w]] as const) {
    assertPositiveInteger('tokenCoordinates', `grid.${name}`, v);
  }
  const out = new Int32Array(3 * grid.t * grid.h * grid.w);
  let k = 0;
  for (let t = 0; t < grid.t; t++) {
    for (let row = 0; row < grid.h; row++) {
      for (let col = 0; col < grid.w; col++) {
        out[k++] = t;
        out[k++] = row;
        out[k++] = col;
      }
    }
  }
  return out;
}
