/**
 * PNG strips (world-spec "Frames and clips"): the frames of a clip left to right,
 * 32·T wide and 32 high; an exact integer upscale of that is read too (each
 * scale × scale block is averaged back into one pixel). Node only (pngjs).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import { FRAME_SIZE } from '../pipeline/world/spec';

export interface Strip {
  /** RGB bytes, frame-major (T, H, W, 3). */
  frames: Uint8Array;
  numFrames: number;
  width: number;
  height: number;
  /** The integer upscale the PNG was stored at (1 when not upscaled). */
  scale: number;
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Encode RGB frames (T, H, W, 3) as a PNG strip, each pixel drawn as a scale × scale block. */
export function encodeStrip(frames: Uint8Array, numFrames: number, width = FRAME_SIZE, height = FRAME_SIZE, scale = 1): Buffer {
  if (!Number.isInteger(numFrames) || numFrames < 1) throw new Error(`numFrames must be a whole number ≥ 1, not ${numFrames}`);
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) throw new Error(`frame size must be whole numbers ≥ 1, not ${width} × ${height}`);
  if (!Number.isInteger(scale) || scale < 1 || scale > 64) throw new Error(`scale must be a whole number from 1 to 64, not ${scale}`);
  if (frames.length !== numFrames * width * height * 3) {
    throw new Error(`frames hold ${frames.length} bytes, but ${numFrames} frame(s) of ${width} × ${height} RGB need ${numFrames * width * height * 3}`);
  }
  const W = numFrames * width * scale, H = height * scale;
  const png = new PNG({ width: W, height: H, colorType: 2, inputColorType: 6 });
  for (let y = 0; y < H; y++) {
    const i = Math.floor(y / scale);
    for (let x = 0; x < W; x++) {
      const col = Math.floor(x / scale);
      const t = Math.floor(col / width), j = col - t * width;
      const src = ((t * height + i) * width + j) * 3, dst = (y * W + x) * 4;
      png.data[dst] = frames[src];
      png.data[dst + 1] = frames[src + 1];
      png.data[dst + 2] = frames[src + 2];
      png.data[dst + 3] = 255;
    }
  }
  return PNG.sync.write(png, { colorType: 2, inputColorType: 6 });
}

export interface DecodeOptions {
  /** Frames in the strip; when absent, found from the PNG's shape. */
  frames?: number;
  /** Frame size before any upscale (default 32 × 32). */
  width?: number;
  height?: number;
}

/**
 * Decode a PNG strip back into RGB frames. The upscale is found from the height
 * (height / 32) and checked against the width. Transparent pixels are composited
 * over black. Throws an Error with a clear message for anything else.
 */
export function decodeStrip(data: Uint8Array, options: DecodeOptions = {}): Strip {
  const width = options.width ?? FRAME_SIZE, height = options.height ?? FRAME_SIZE;
  if (!(data instanceof Uint8Array) || data.length < 8 || SIGNATURE.some((b, i) => data[i] !== b)) {
    throw new Error('not a PNG file (it does not start with the PNG signature)');
  }
  let png: PNG;
  try {
    png = PNG.sync.read(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  } catch (e) {
    throw new Error(`not a readable PNG file (${(e as Error).message})`);
  }
  const W = png.width, H = png.height;
  const shape = `a strip is ${width}·T wide and ${height} high, or an exact integer upscale of that; this PNG is ${W} × ${H}`;
  const scale = H / height;
  if (!Number.isInteger(scale) || scale < 1) throw new Error(`wrong size: ${shape}`);
  const numFrames = options.frames ?? W / (width * scale);
  if (!Number.isInteger(numFrames) || numFrames < 1 || W !== numFrames * width * scale) {
    throw new Error(`wrong size: ${shape}${options.frames ? ` (${options.frames} frames asked for)` : ''}`);
  }
  const frames = new Uint8Array(numFrames * width * height * 3);
  const area = scale * scale;
  for (let t = 0; t < numFrames; t++) {
    for (let i = 0; i < height; i++) {
      for (let j = 0; j < width; j++) {
        let r = 0, g = 0, b = 0;
        for (let dy = 0; dy < scale; dy++) {
          const y = i * scale + dy;
          for (let dx = 0; dx < scale; dx++) {
            const x = (t * width + j) * scale + dx;
            const o = (y * W + x) * 4;
            const a = png.data[o + 3] / 255;
            r += png.data[o] * a;
            g += png.data[o + 1] * a;
            b += png.data[o + 2] * a;
          }
        }
        const dst = ((t * height + i) * width + j) * 3;
        frames[dst] = Math.round(r / area);
        frames[dst + 1] = Math.round(g / area);
        frames[dst + 2] = Math.round(b / area);
      }
    }
  }
  return { frames, numFrames, width, height, scale };
}

/** Read a PNG strip from a file; errors say which file. */
export function readStrip(path: string, options: DecodeOptions = {}): Strip {
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch (e) {
    throw new Error(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  try {
    return decodeStrip(data, options);
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message}`);
  }
}

/** Write RGB frames to a PNG strip file. */
export function writeStrip(path: string, frames: Uint8Array, numFrames: number, width = FRAME_SIZE, height = FRAME_SIZE, scale = 1): void {
  writeFileSync(path, encodeStrip(frames, numFrames, width, height, scale));
}
