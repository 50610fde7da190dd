import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createRandom, seedToUint32 } from '../../pipeline/random';

const PINNED = ['0.425649930', '0.790421711', '-1.515064573'];

test('same seed gives the same stream; different seeds differ', () => {
  const a = createRandom(7), b = createRandom(7), c = createRandom(8);
  const xs = Array.from({ length: 5 }, () => a.uniform());
  assert.equal(xs, Array.from({ length: 5 }, () => b.uniform()));
  assert.not.equal(xs, Array.from({ length: 5 }, () => c.uniform()));
});

test('pinned values: the stream never changes silently', () => {
  const r = createRandom(1);
  const got = [r.uniform(), r.uniform(), r.normal()].map((v) => v.toFixed(9));
  assert.equal(got, PINNED);
});

test('uniforms lie in [0,1) and normals have mean 0, variance 1', () => {
  const r = createRandom('moments');
  let s = 0, s2 = 0;
  const n = 200_000;
  for (let i = 0; i < n; i++) {
    const u = r.uniform();
    assert.ok(u >= 0 && u < 1);
    const z = r.normal();
    s += z;
    s2 += z * z;
  }
  assert.ok(Math.abs(s / n) < 0.01, `mean ${s / n}`);
  assert.ok(Math.abs(s2 / n - 1) < 0.01, `variance ${s2 / n}`);
});

test('odd seeds are reduced, never thrown', () => {
  for (const s of [NaN, Infinity, -1, 2 ** 40, 0.5, '', 'abc']) assert.type(seedToUint32(s as number), 'number');
  assert.ok(createRandom(NaN).uniform() >= 0);
});

test.run();
