// A small animated-GIF encoder (GIF89a, LZW), DOM-free: it runs in the page,
// the worker and Node tests. Frames are RGB (3 bytes a pixel, row-major); the
// palette is the frames' own colours when there are at most 256 of them (the
// Shapes World has few), else a 6×7×6 colour cube with each pixel mapped to
// its nearest cube colour.
//
//   const bytes = encodeGif([frame0, frame1], { width: 32, height: 32, delayMs: 250, scale: 4 });
//   new Blob([bytes], { type: 'image/gif' })

export interface GifOptions {
  width: number;
  height: number;
  /** Time each frame shows, in milliseconds (GIF stores hundredths of a second). Default 250. */
  delayMs?: number;
  /** Each pixel becomes a scale × scale block (nearest neighbour). Default 1. */
  scale?: number;
  /** Times the clip repeats; 0 (the default) loops for ever. */
  loops?: number;
}

export interface GifPalette {
  /** RGB triples, padded to a power of two of at least 4 entries. */
  colours: Uint8Array;
  /** Palette index of every pixel of every frame. */
  indices: Uint8Array[];
}

const CUBE = [6, 7, 6] as const;

/** The frames' palette (exact when they hold ≤ 256 colours) and each pixel's index into it. */
export function paletteOf(frames: readonly Uint8Array[], pixels: number): GifPalette {
  const seen = new Map<number, number>();
  let exact = true;
  for (const f of frames) {
    for (let p = 0; p < pixels && exact; p++) {
      const key = (f[3 * p] << 16) | (f[3 * p + 1] << 8) | f[3 * p + 2];
      if (!seen.has(key)) {
        if (seen.size === 256) exact = false;
        else seen.set(key, seen.size);
      }
    }
  }
  let size = 4;
  const count = exact ? seen.size : CUBE[0] * CUBE[1] * CUBE[2];
  while (size < count) size *= 2;
  const colours = new Uint8Array(3 * size);
  if (exact) {
    for (const [key, i] of seen) {
      colours[3 * i] = key >> 16;
      colours[3 * i + 1] = (key >> 8) & 255;
      colours[3 * i + 2] = key & 255;
    }
  } else {
    let i = 0;
    for (let r = 0; r < CUBE[0]; r++)
      for (let g = 0; g < CUBE[1]; g++)
        for (let b = 0; b < CUBE[2]; b++, i++) {
          colours[3 * i] = Math.round((255 * r) / (CUBE[0] - 1));
          colours[3 * i + 1] = Math.round((255 * g) / (CUBE[1] - 1));
          colours[3 * i + 2] = Math.round((255 * b) / (CUBE[2] - 1));
        }
  }
  const level = (v: number, n: number) => Math.round((v / 255) * (n - 1));
  const indices = frames.map((f) => {
    const out = new Uint8Array(pixels);
    for (let p = 0; p < pixels; p++) {
      const r = f[3 * p];
      const g = f[3 * p + 1];
      const b = f[3 * p + 2];
      out[p] = exact
        ? seen.get((r << 16) | (g << 8) | b)!
        : (level(r, CUBE[0]) * CUBE[1] + level(g, CUBE[1])) * CUBE[2] + level(b, CUBE[2]);
    }
    return out;
  });
  return { colours, indices };
}

class ByteWriter {
  private buf = new Uint8Array(1024);
  length = 0;
  byte(b: number) {
    if (this.length === this.buf.length) {
      const next = new Uint8Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.length++] = b & 255;
  }
  word(w: number) {
    this.byte(w & 255);
    this.byte(w >> 8);
  }
  bytes(bs: ArrayLike<number>) {
    for (let i = 0; i < bs.length; i++) this.byte(bs[i]);
  }
  ascii(s: string) {
    for (let i = 0; i < s.length; i++) this.byte(s.charCodeAt(i));
  }
  result(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

/** GIF's variable-width LZW of `indices`, as the code stream (before cutting into sub-blocks). */
export function lzwEncode(indices: Uint8Array, minCodeSize: number): Uint8Array {
  const out = new ByteWriter();
  const clear = 1 << minCodeSize;
  const end = clear + 1;
  let codeSize = minCodeSize + 1;
  let next = end + 1;
  let dict = new Map<number, number>();
  let acc = 0;
  let bits = 0;
  const emit = (code: number) => {
    acc |= code << bits;
    bits += codeSize;
    while (bits >= 8) {
      out.byte(acc & 255);
      acc >>>= 8;
      bits -= 8;
    }
  };
  emit(clear);
  if (indices.length) {
    let prefix = indices[0];
    for (let i = 1; i < indices.length; i++) {
      const k = indices[i];
      const key = prefix * 256 + k;
      const found = dict.get(key);
      if (found !== undefined) {
        prefix = found;
        continue;
      }
      emit(prefix);
      if (next < 4096) {
        dict.set(key, next++);
        // the decoder widens its codes one code later than the encoder adds the entry
        if (next > 1 << codeSize && codeSize < 12) codeSize++;
      } else {
        emit(clear);
        dict = new Map();
        codeSize = minCodeSize + 1;
        next = end + 1;
      }
      prefix = k;
    }
    emit(prefix);
  }
  emit(end);
  if (bits > 0) out.byte(acc & 255);
  return out.result();
}

function scaleUp(indices: Uint8Array, width: number, height: number, scale: number): Uint8Array {
  if (scale === 1) return indices;
  const W = width * scale;
  const out = new Uint8Array(W * height * scale);
  for (let y = 0; y < height * scale; y++) {
    const row = Math.floor(y / scale) * width;
    for (let x = 0; x < W; x++) out[y * W + x] = indices[row + Math.floor(x / scale)];
  }
  return out;
}

/** An animated GIF of `frames` (RGB, width × height each). */
export function encodeGif(frames: readonly Uint8Array[], options: GifOptions): Uint8Array {
  const { width, height } = options;
  const scale = Math.max(1, Math.floor(options.scale ?? 1));
  if (!frames.length) throw new Error('a GIF needs at least one frame');
  if (!(width > 0 && height > 0)) throw new Error(`bad GIF size ${width}×${height}`);
  const pixels = width * height;
  for (const f of frames) if (f.length < 3 * pixels) throw new Error(`a frame has ${f.length} bytes; ${width}×${height} RGB needs ${3 * pixels}`);
  const W = width * scale;
  const H = height * scale;
  if (W > 65535 || H > 65535) throw new Error('GIF too large');
  const { colours, indices } = paletteOf(frames, pixels);
  const depth = Math.log2(colours.length / 3); // 2..8
  const minCodeSize = Math.max(2, depth);
  const delay = Math.max(2, Math.round((options.delayMs ?? 250) / 10));

  const w = new ByteWriter();
  w.ascii('GIF89a');
  w.word(W);
  w.word(H);
  w.byte(0x80 | ((depth - 1) << 4) | (depth - 1)); // global colour table, its size
  w.byte(0); // background colour index
  w.byte(0); // pixel aspect ratio
  w.bytes(colours);
  if (frames.length > 1) {
    // NETSCAPE2.0: loop count
    w.bytes([0x21, 0xff, 0x0b]);
    w.ascii('NETSCAPE2.0');
    w.bytes([0x03, 0x01]);
    w.word(options.loops ?? 0);
    w.byte(0);
  }
  for (const idx of indices) {
    w.bytes([0x21, 0xf9, 0x04, 0x00]); // graphic control: no disposal, no transparency
    w.word(delay);
    w.bytes([0x00, 0x00]);
    w.byte(0x2c); // image descriptor
    w.word(0);
    w.word(0);
    w.word(W);
    w.word(H);
    w.byte(0); // no local table, not interlaced
    w.byte(minCodeSize);
    const data = lzwEncode(scaleUp(idx, width, height, scale), minCodeSize);
    for (let i = 0; i < data.length; i += 255) {
      const n = Math.min(255, data.length - i);
      w.byte(n);
      w.bytes(data.subarray(i, i + n));
    }
    w.byte(0);
  }
  w.byte(0x3b);
  return w.result();
}
