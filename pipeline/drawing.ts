/**
 * A small picture the reader paints in the world's palette, and its text form
 * for a URL. DOM-free.
 *
 * A drawing is one palette index a pixel, row by row: 0 is the black
 * background, 1 … 6 the world's colours in COLOURS order (red, green, blue,
 * yellow, purple, cyan). Its text is run-length coded: each run is one byte,
 * colour·32 + (length − 1), runs of 1 to 32 pixels, the bytes in base64url. A
 * blank 32 × 32 drawing is 32 bytes (43 characters); a busy one is longer.
 */
import { COLOURS, PALETTE } from './world/spec';

/** The colours a drawing may use: black, then the world's palette. */
export const DRAWING_COLOURS: readonly { name: string; rgb: readonly [number, number, number] }[] = [
  { name: 'black', rgb: [0, 0, 0] },
  ...COLOURS.map((c) => ({ name: c, rgb: PALETTE[c] })),
];

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function toBase64Url(bytes: ArrayLike<number>): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i], b = i + 1 < bytes.length ? bytes[i + 1] : 0, c = i + 2 < bytes.length ? bytes[i + 2] : 0;
    const bits = (a << 16) | (b << 8) | c;
    out += B64[(bits >> 18) & 63] + B64[(bits >> 12) & 63];
    if (i + 1 < bytes.length) out += B64[(bits >> 6) & 63];
    if (i + 2 < bytes.length) out += B64[bits & 63];
  }
  return out;
}

function fromBase64Url(text: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < text.length; i += 4) {
    const chunk = text.slice(i, i + 4);
    let bits = 0;
    for (let k = 0; k < 4; k++) bits = (bits << 6) | (k < chunk.length ? B64.indexOf(chunk[k]) : 0);
    out.push((bits >> 16) & 255);
    if (chunk.length > 2) out.push((bits >> 8) & 255);
    if (chunk.length > 3) out.push(bits & 255);
  }
  return Uint8Array.from(out);
}

/** Palette indices (one a pixel) → text. */
export function encodeDrawing(indices: ArrayLike<number>): string {
  const runs: number[] = [];
  let i = 0;
  while (i < indices.length) {
    const c = indices[i];
    let n = 1;
    while (n < 32 && i + n < indices.length && indices[i + n] === c) n++;
    runs.push(((c & 7) << 5) | (n - 1));
    i += n;
  }
  return toBase64Url(runs);
}

export interface DecodedDrawing {
  indices: Uint8Array;
  /** What was wrong with the text; empty when nothing. Decoding never throws. */
  problems: string[];
}

/** Text → palette indices for `pixels` pixels. Bad parts are repaired (black) and said so. */
export function decodeDrawing(text: string, pixels: number): DecodedDrawing {
  const indices = new Uint8Array(pixels);
  const problems: string[] = [];
  const raw = typeof text === 'string' ? text : '';
  const clean = raw.replace(/[^A-Za-z0-9_-]/g, '');
  if (clean.length !== raw.length) problems.push(`${raw.length - clean.length} character(s) that are not drawing data were skipped`);
  if (clean.length % 4 === 1) problems.push('the drawing data is cut short');
  const runs = fromBase64Url(clean.length % 4 === 1 ? clean.slice(0, -1) : clean);
  let at = 0, badColours = 0;
  for (const r of runs) {
    let c = r >> 5;
    const n = (r & 31) + 1;
    if (c >= DRAWING_COLOURS.length) {
      badColours++;
      c = 0;
    }
    if (at >= pixels) {
      problems.push('the drawing data is longer than the picture; the rest was dropped');
      break;
    }
    indices.fill(c, at, Math.min(pixels, at + n));
    at += n;
  }
  if (badColours) problems.push(`${badColours} run(s) named a colour outside the palette and were drawn black`);
  if (at < pixels && clean.length > 0) problems.push(`the drawing data covers ${at} of ${pixels} pixels; the rest is black`);
  return { indices, problems };
}

/** Palette indices → RGB bytes. */
export function drawingToRgb(indices: ArrayLike<number>, out?: Uint8Array): Uint8Array {
  const rgb = out ?? new Uint8Array(indices.length * 3);
  for (let i = 0; i < indices.length; i++) {
    const c = DRAWING_COLOURS[indices[i]]?.rgb ?? DRAWING_COLOURS[0].rgb;
    rgb[3 * i] = c[0];
    rgb[3 * i + 1] = c[1];
    rgb[3 * i + 2] = c[2];
  }
  return rgb;
}

/** Whether a drawing has nothing on it. */
export function isBlank(indices: ArrayLike<number>): boolean {
  for (let i = 0; i < indices.length; i++) if (indices[i] !== 0) return false;
  return true;
}
