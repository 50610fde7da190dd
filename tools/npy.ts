/**
 * NumPy's .npy format (version 1.0), written streaming: the header first, then
 * the raw little-endian data in C order.
 */
export type NpyDtype = '|u1' | '|i1' | '<i4' | '<f4';

export function npyHeader(dtype: NpyDtype, shape: readonly number[]): Buffer {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let dict = `{'descr': '${dtype}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  // Magic (6) + version (2) + length (2) + dict + newline must be a multiple of 64.
  const total = Math.ceil((10 + dict.length + 1) / 64) * 64;
  dict = dict.padEnd(total - 10 - 1, ' ') + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(dict.length, 8);
  return Buffer.concat([head, Buffer.from(dict, 'latin1')]);
}

export interface NpyArray { dtype: string; shape: number[]; data: Buffer }

/** Read a .npy buffer written by npyHeader (or numpy), version 1.0 only. */
export function readNpy(buf: Buffer): NpyArray {
  if (buf.toString('latin1', 0, 6) !== '\x93NUMPY') throw new Error('not a .npy file');
  const len = buf.readUInt16LE(8);
  const dict = buf.toString('latin1', 10, 10 + len);
  const dtype = /'descr':\s*'([^']+)'/.exec(dict)?.[1] ?? '';
  const shape = (/'shape':\s*\(([^)]*)\)/.exec(dict)?.[1] ?? '').split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  return { dtype, shape, data: buf.subarray(10 + len) };
}
