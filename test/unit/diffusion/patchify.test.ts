import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  patchify, tokenCoordinates, tokenCount, unpatchify, type LatentShape, type PatchSize,
} from '../../../pipeline/diffusion/patchify';
import { normals, throwsRange } from './helpers';

const size = (s: LatentShape) => s.frames * s.channels * s.height * s.width;
const iota = (n: number) => Float32Array.from({ length: n }, (_, i) => i);

/** torch-style x.reshape(dims).permute(perm).flatten() on a row-major array. */
function permute(data: ArrayLike<number>, dims: number[], perm: number[]): Float32Array {
  const strides = dims.map((_, i) => dims.slice(i + 1).reduce((a, b) => a * b, 1));
  const outDims = perm.map((p) => dims[p]);
  const out = new Float32Array(data.length);
  const index = new Array(outDims.length).fill(0);
  for (let k = 0; k < out.length; k++) {
    let src = 0;
    for (let j = 0; j < perm.length; j++) src += index[j] * strides[perm[j]];
    out[k] = data[src];
    for (let j = outDims.length - 1; j >= 0; j--) {
      if (++index[j] < outDims[j]) break;
      index[j] = 0;
    }
  }
  return out;
}

test('hand-checked order: F=2 C=2 H=2 W=2, patch (2, 1, 2)', () => {
  // element (f, c, y, x) holds its own index ((f·2 + c)·2 + y)·2 + x
  const p = patchify(iota(16), { frames: 2, channels: 2, height: 2, width: 2 }, { pt: 2, ph: 1, pw: 2 });
  assert.equal(p.grid, { t: 1, h: 2, w: 1 });
  assert.is(p.numTokens, 2);
  assert.is(p.tokenDim, 8);
  // token 0 = row 0; features (it, iw, c): (0,0,0)=0 (0,0,1)=4 (0,1,0)=1 (0,1,1)=5 (1,0,0)=8 (1,0,1)=12 (1,1,0)=9 (1,1,1)=13
  assert.equal(Array.from(p.tokens), [0, 4, 1, 5, 8, 12, 9, 13, 2, 6, 3, 7, 10, 14, 11, 15]);
});

test('hand-checked order: tokens go time, then rows, then columns', () => {
  // C = 1, patch 1×1×1: tokens are the elements in (f, y, x) order, one feature each
  const shape = { frames: 2, channels: 1, height: 2, width: 3 };
  const p = patchify(iota(12), shape, { pt: 1, ph: 1, pw: 1 });
  assert.equal(Array.from(p.tokens), Array.from(iota(12)));
  // C = 3, patch 1×1×1: each token is the C channels of one pixel
  const q = patchify(iota(2 * 3 * 1 * 2), { frames: 2, channels: 3, height: 1, width: 2 }, { pt: 1, ph: 1, pw: 1 });
  assert.equal(Array.from(q.tokens), [0, 2, 4, 1, 3, 5, 6, 8, 10, 7, 9, 11]);
});

test('matches the PyTorch reshape/permute of the header, from both layouts', () => {
  const cases: [LatentShape, PatchSize][] = [
    [{ frames: 4, channels: 3, height: 6, width: 8 }, { pt: 2, ph: 3, pw: 2 }],
    [{ frames: 8, channels: 4, height: 8, width: 8 }, { pt: 1, ph: 2, pw: 2 }],
    [{ frames: 3, channels: 2, height: 4, width: 6 }, { pt: 3, ph: 4, pw: 3 }],
  ];
  for (const [shape, patch] of cases) {
    const { frames: F, channels: C, height: H, width: W } = shape;
    const { pt, ph, pw } = patch;
    const latent = normals(`torch ${F}${C}${H}${W}`, size(shape));
    const got = patchify(latent, shape, patch).tokens;
    const fromFCHW = permute(latent, [F / pt, pt, C, H / ph, ph, W / pw, pw], [0, 3, 5, 1, 4, 6, 2]);
    const cfhw = permute(latent, [F, C, H * W], [1, 0, 2]);
    const fromCFHW = permute(cfhw, [C, F / pt, pt, H / ph, ph, W / pw, pw], [1, 3, 5, 2, 4, 6, 0]);
    assert.equal(Array.from(got), Array.from(fromFCHW), 'from (F, C, H, W)');
    assert.equal(Array.from(got), Array.from(fromCFHW), 'from (C, F, H, W)');
  }
});

test('unpatchify ∘ patchify is the identity, exactly, for many shapes and patches', () => {
  const cases: [LatentShape, PatchSize][] = [
    [{ frames: 1, channels: 1, height: 1, width: 1 }, { pt: 1, ph: 1, pw: 1 }],
    [{ frames: 1, channels: 4, height: 8, width: 8 }, { pt: 1, ph: 2, pw: 2 }],
    [{ frames: 8, channels: 4, height: 8, width: 8 }, { pt: 2, ph: 2, pw: 2 }],
    [{ frames: 6, channels: 3, height: 9, width: 12 }, { pt: 3, ph: 3, pw: 4 }],
    [{ frames: 4, channels: 2, height: 4, width: 6 }, { pt: 4, ph: 4, pw: 6 }],
    [{ frames: 5, channels: 1, height: 2, width: 10 }, { pt: 1, ph: 2, pw: 5 }],
  ];
  for (const [shape, patch] of cases) {
    const latent = normals(JSON.stringify(shape), size(shape));
    const p = patchify(latent, shape, patch);
    assert.is(p.numTokens, tokenCount(shape, patch));
    assert.is(p.numTokens * p.tokenDim, latent.length);
    assert.is(p.tokenDim, patch.pt * patch.ph * patch.pw * shape.channels);
    assert.equal(Array.from(unpatchify(p.tokens, shape, patch)), Array.from(latent), JSON.stringify([shape, patch]));
  }
});

test('tokenCount: halving the patch side quadruples the tokens', () => {
  const shape = { frames: 8, channels: 4, height: 32, width: 32 };
  assert.is(tokenCount(shape, { pt: 1, ph: 4, pw: 4 }), 8 * 64);
  assert.is(tokenCount(shape, { pt: 1, ph: 2, pw: 2 }), 8 * 256);
  assert.is(tokenCount(shape, { pt: 2, ph: 2, pw: 2 }), 4 * 256);
});

test('tokenCoordinates: (t, row, col) of each token, in token order', () => {
  const c = tokenCoordinates({ t: 2, h: 2, w: 3 });
  assert.is(c.length, 36);
  assert.equal(Array.from(c.subarray(0, 12)), [0, 0, 0, 0, 0, 1, 0, 0, 2, 0, 1, 0]);
  assert.equal(Array.from(c.subarray(21, 24)), [1, 0, 1]); // token 7
  assert.equal(Array.from(c.subarray(33, 36)), [1, 1, 2]);
  // the first feature of token n is the latent element at (t·pt, row·ph, col·pw)
  const shape = { frames: 4, channels: 1, height: 6, width: 8 };
  const patch = { pt: 2, ph: 3, pw: 2 };
  const latent = Float32Array.from({ length: size(shape) }, (_, i) => {
    const f = Math.floor(i / 48), y = Math.floor(i / 8) % 6, x = i % 8;
    return f * 10000 + y * 100 + x;
  });
  const p = patchify(latent, shape, patch);
  const coords = tokenCoordinates(p.grid);
  for (let n = 0; n < p.numTokens; n++) {
    const [t, row, col] = coords.subarray(3 * n, 3 * n + 3);
    assert.is(p.tokens[n * p.tokenDim], t * 2 * 10000 + row * 3 * 100 + col * 2, `token ${n}`);
  }
});

test('bad shapes and lengths throw clear RangeErrors', () => {
  const shape = { frames: 4, channels: 4, height: 30, width: 32 };
  throwsRange(() => patchify(new Float32Array(size(shape)), shape, { pt: 1, ph: 4, pw: 4 }), /patchify: height 30 is not divisible by the patch's 4/);
  throwsRange(() => tokenCount({ ...shape, height: 32 }, { pt: 3, ph: 4, pw: 4 }), /frames 4 is not divisible by the patch's 3/);
  throwsRange(() => unpatchify(new Float32Array(1), { ...shape, width: 30 }, { pt: 1, ph: 2, pw: 4 }), /unpatchify: width 30/);
  throwsRange(() => tokenCount({ ...shape, channels: 0 }, { pt: 1, ph: 1, pw: 1 }), /channels must be a positive integer, got 0/);
  throwsRange(() => tokenCount({ ...shape, frames: 2.5 }, { pt: 1, ph: 1, pw: 1 }), /frames must be a positive integer/);
  throwsRange(() => tokenCount(shape, { pt: 1, ph: 0, pw: 1 }), /patch ph must be a positive integer/);
  throwsRange(() => patchify(new Float32Array(10), { frames: 1, channels: 1, height: 2, width: 2 }, { pt: 1, ph: 1, pw: 1 }), /latent has length 10, expected F·C·H·W = 4/);
  throwsRange(() => unpatchify(new Float32Array(3), { frames: 1, channels: 1, height: 2, width: 2 }, { pt: 1, ph: 1, pw: 1 }), /tokens has length 3/);
  throwsRange(() => tokenCoordinates({ t: 1, h: -1, w: 2 }), /grid.h must be a positive integer/);
});

test.run();
