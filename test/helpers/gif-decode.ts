// A minimal GIF decoder for tests (pipeline/export/gif.ts's output, and the
// GIFs a live cell saves): header, global colour table, extensions, LZW frames.

export interface Decoded {
  width: number;
  height: number;
  frames: Uint8Array[]; // RGB
  delays: number[]; // hundredths of a second
  loops: number | null;
}

export function lzwDecode(data: Uint8Array, minCodeSize: number, pixels: number): Uint8Array {
  const clear = 1 << minCodeSize;
  const end = clear + 1;
  const out = new Uint8Array(pixels);
  let n = 0;
  let codeSize = minCodeSize + 1;
  let table: number[][] = [];
  const reset = () => {
    table = [];
    for (let i = 0; i < clear; i++) table.push([i]);
    table.push([], []);
    codeSize = minCodeSize + 1;
  };
  reset();
  let prev: number[] | null = null;
  let bitPos = 0;
  const read = () => {
    let code = 0;
    for (let i = 0; i < codeSize; i++, bitPos++) {
      const byte = data[bitPos >> 3];
      if (byte === undefined) throw new Error('ran out of data');
      code |= ((byte >> (bitPos & 7)) & 1) << i;
    }
    return code;
  };
  for (;;) {
    const code = read();
    if (code === clear) {
      reset();
      prev = null;
      continue;
    }
    if (code === end) break;
    let entry: number[];
    if (code < table.length) entry = table[code];
    else if (code === table.length && prev) entry = [...prev, prev[0]];
    else throw new Error(`bad code ${code} (table ${table.length})`);
    for (const v of entry) {
      if (n >= pixels) throw new Error('too many pixels');
      out[n++] = v;
    }
    if (prev && table.length < 4096) table.push([...prev, entry[0]]);
    if (table.length === 1 << codeSize && codeSize < 12) codeSize++;
    prev = entry;
  }
  if (n !== pixels) throw new Error(`decoded ${n} pixels, wanted ${pixels}`);
  return out;
}

export function decodeGif(bytes: Uint8Array): Decoded {
  const ascii = (a: number, b: number) => String.fromCharCode(...bytes.subarray(a, b));
  if (ascii(0, 6) !== 'GIF89a') throw new Error('not a GIF89a');
  const word = (i: number) => bytes[i] | (bytes[i + 1] << 8);
  const width = word(6);
  const height = word(8);
  const flags = bytes[10];
  if (!(flags & 0x80)) throw new Error('no global colour table');
  const tableSize = 2 << (flags & 7);
  let p = 13;
  const table = bytes.subarray(p, p + 3 * tableSize);
  p += 3 * tableSize;
  const frames: Uint8Array[] = [];
  const delays: number[] = [];
  let loops: number | null = null;
  const subBlocks = () => {
    const parts: number[] = [];
    for (let n = bytes[p++]; n; n = bytes[p++]) {
      parts.push(...bytes.subarray(p, p + n));
      p += n;
    }
    return Uint8Array.from(parts);
  };
  for (;;) {
    const kind = bytes[p++];
    if (kind === 0x3b) break;
    if (kind === 0x21) {
      const label = bytes[p++];
      if (label === 0xf9) {
        const block = subBlocks();
        delays.push(block[1] | (block[2] << 8));
      } else if (label === 0xff) {
        const n = bytes[p];
        const app = ascii(p + 1, p + 1 + n);
        p += 1 + n;
        const block = subBlocks();
        if (app === 'NETSCAPE2.0') loops = block[1] | (block[2] << 8);
      } else subBlocks();
    } else if (kind === 0x2c) {
      const w = word(p + 4);
      const h = word(p + 6);
      if (w !== width || h !== height) throw new Error('a frame of another size');
      if (bytes[p + 8] & 0x80) throw new Error('a local colour table');
      p += 9;
      const minCodeSize = bytes[p++];
      const idx = lzwDecode(subBlocks(), minCodeSize, w * h);
      const rgb = new Uint8Array(3 * w * h);
      for (let i = 0; i < w * h; i++) rgb.set(table.subarray(3 * idx[i], 3 * idx[i] + 3), 3 * i);
      frames.push(rgb);
    } else throw new Error(`unknown block 0x${kind?.toString(16)} at ${p - 1}`);
  }
  return { width, height, frames, delays, loops };
}
