// Numbers as pictures, for <pixel-view>: a clip laid out as a film strip, a
// latent's channels as grey tiles, a matrix (the text encoder's states) as a
// blue–white–red heat map. Each returns RGB bytes (height, width, 3) and its
// size. DOM-free.

export interface Picture {
  rgb: Uint8Array;
  width: number;
  height: number;
}

/** Frames (F, H, W, 3) side by side, left to right, with `gap` black columns between them: one picture. */
export function filmStrip(frames: Uint8Array, numFrames: number, width: number, height: number, gap = 0): Picture {
  const size = width * height * 3;
  if (frames.length !== numFrames * size) throw new RangeError(`filmStrip: expected ${numFrames * size} bytes, got ${frames.length}`);
  const W = numFrames * width + Math.max(0, numFrames - 1) * gap;
  const rgb = new Uint8Array(W * height * 3);
  for (let f = 0; f < numFrames; f++) {
    const x0 = f * (width + gap);
    for (let y = 0; y < height; y++) {
      const src = f * size + y * width * 3;
      rgb.set(frames.subarray(src, src + width * 3), (y * W + x0) * 3);
    }
  }
  return { rgb, width: W, height };
}

/**
 * A latent (F, C, h, w) as grey tiles: frames left to right, channels top to
 * bottom, each value v shown as the grey (v / range + 1) · 127.5, clipped.
 */
export function latentTiles(latent: Float32Array, numFrames: number, channels: number, h: number, w: number, range = 2.5): Picture {
  if (latent.length !== numFrames * channels * h * w) throw new RangeError(`latentTiles: expected ${numFrames * channels * h * w} values, got ${latent.length}`);
  const W = numFrames * w, H = channels * h;
  const rgb = new Uint8Array(W * H * 3);
  for (let f = 0; f < numFrames; f++) {
    for (let c = 0; c < channels; c++) {
      for (let i = 0; i < h; i++) {
        for (let j = 0; j < w; j++) {
          const v = latent[((f * channels + c) * h + i) * w + j];
          const g = Math.round((Math.min(1, Math.max(-1, v / range)) + 1) * 127.5);
          const p = ((c * h + i) * W + f * w + j) * 3;
          rgb[p] = rgb[p + 1] = rgb[p + 2] = g;
        }
      }
    }
  }
  return { rgb, width: W, height: H };
}

/** A latent (F, C, h, w) as latentTiles does, with `gap` black columns between its frames. */
export function latentStrip(latent: Float32Array, numFrames: number, channels: number, h: number, w: number, gap = 1, range = 2.5): Picture {
  const size = channels * h * w;
  if (latent.length !== numFrames * size) throw new RangeError(`latentStrip: expected ${numFrames * size} values, got ${latent.length}`);
  const frames = new Uint8Array(numFrames * size * 3);
  for (let f = 0; f < numFrames; f++) frames.set(latentTiles(latent.subarray(f * size, (f + 1) * size), 1, channels, h, w, range).rgb, f * size * 3);
  return filmStrip(frames, numFrames, w, channels * h, gap);
}

/**
 * A matrix (rows, cols) as a heat map: 0 is white, +range full red (178, 24, 43),
 * −range full blue (33, 102, 172), linear between; `range` defaults to 3 standard
 * deviations of the values (1 when they are all 0).
 */
export function heatMap(values: Float32Array, rows: number, cols: number, range?: number): Picture & { range: number } {
  if (values.length !== rows * cols) throw new RangeError(`heatMap: expected ${rows * cols} values, got ${values.length}`);
  let r = range;
  if (r === undefined) {
    let s = 0, s2 = 0;
    for (const v of values) {
      s += v;
      s2 += v * v;
    }
    const n = values.length || 1;
    const std = Math.sqrt(Math.max(0, s2 / n - (s / n) ** 2));
    r = std > 0 ? 3 * std : 1;
  }
  const RED = [178, 24, 43], BLUE = [33, 102, 172];
  const rgb = new Uint8Array(rows * cols * 3);
  for (let i = 0; i < values.length; i++) {
    const a = Math.min(1, Math.abs(values[i]) / r);
    const end = values[i] >= 0 ? RED : BLUE;
    for (let c = 0; c < 3; c++) rgb[i * 3 + c] = Math.round(255 + (end[c] - 255) * a);
  }
  return { rgb, width: cols, height: rows, range: r };
}
