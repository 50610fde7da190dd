import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { prevTimestepOf, roundHalfEven, setTimesteps, type TimestepSpacing } from '../../../pipeline/diffusion/timesteps';
import { throwsRange } from './helpers';

const list = (a: Int32Array) => Array.from(a);

test('check values of reference.md: T = 1000, S = 10', () => {
  assert.equal(list(setTimesteps(10)), [900, 800, 700, 600, 500, 400, 300, 200, 100, 0]);
  assert.equal(list(setTimesteps(10, { timestepSpacing: 'leading' })), [900, 800, 700, 600, 500, 400, 300, 200, 100, 0]);
  assert.equal(list(setTimesteps(10, { timestepSpacing: 'trailing' })), [999, 899, 799, 699, 599, 499, 399, 299, 199, 99]);
  assert.equal(list(setTimesteps(10, { timestepSpacing: 'linspace' })), [999, 888, 777, 666, 555, 444, 333, 222, 111, 0]);
  assert.ok(setTimesteps(10) instanceof Int32Array);
});

test('uneven S: numpy rounding (half to even), as diffusers', () => {
  // arange(1000, 0, -333.33) = 1000, 666.67, 333.33 → 1000, 667, 333 → −1
  assert.equal(list(setTimesteps(3, { timestepSpacing: 'trailing' })), [999, 666, 332]);
  // linspace(0, 999, 3) = 0, 499.5, 999; 499.5 rounds to 500 (even)
  assert.equal(list(setTimesteps(3, { timestepSpacing: 'linspace' })), [999, 500, 0]);
  assert.equal(list(setTimesteps(3, { timestepSpacing: 'leading' })), [666, 333, 0]);
  assert.equal(list(setTimesteps(4, { numTrainTimesteps: 10, timestepSpacing: 'linspace' })), [9, 6, 3, 0]);
  // arange(6, 0, -1.5) = 6, 4.5, 3, 1.5 → 6, 4, 3, 2 (4.5 → 4, 1.5 → 2) → −1
  assert.equal(list(setTimesteps(4, { numTrainTimesteps: 6, timestepSpacing: 'trailing' })), [5, 3, 2, 1]);
  assert.equal([0.5, 1.5, 2.5, 3.5, 2.4, 2.6, -0.5, -1.5].map(roundHalfEven), [0, 2, 2, 4, 2, 3, -0, -2]);
});

test('stepsOffset shifts leading only (Stable Diffusion: 50 steps, offset 1)', () => {
  const sd = setTimesteps(50, { stepsOffset: 1 });
  assert.is(sd.length, 50);
  assert.is(sd[0], 981);
  assert.is(sd[1], 961);
  assert.is(sd[49], 1);
  assert.equal(list(setTimesteps(10, { timestepSpacing: 'trailing', stepsOffset: 1 })), list(setTimesteps(10, { timestepSpacing: 'trailing' })));
});

test('every spacing: S distinct descending steps in [0, T − 1]; S = T visits all; S = 1', () => {
  for (const timestepSpacing of ['leading', 'trailing', 'linspace'] as TimestepSpacing[]) {
    for (const [S, T] of [[1, 1000], [7, 1000], [25, 1000], [999, 1000], [1000, 1000], [3, 3], [10, 64]]) {
      const ts = setTimesteps(S, { numTrainTimesteps: T, timestepSpacing });
      assert.is(ts.length, S, `${timestepSpacing} ${S}/${T}`);
      for (let i = 0; i < S; i++) {
        assert.ok(ts[i] >= 0 && ts[i] <= T - 1, `${timestepSpacing} ${S}/${T}: ${ts[i]}`);
        if (i > 0) assert.ok(ts[i] < ts[i - 1], `${timestepSpacing} ${S}/${T} descending at ${i}`);
      }
    }
    const all = setTimesteps(1000, { timestepSpacing });
    assert.is(all[0], 999);
    assert.is(all[999], 0);
  }
  assert.equal(list(setTimesteps(1, { timestepSpacing: 'trailing' })), [999]);
  assert.equal(list(setTimesteps(1, { timestepSpacing: 'linspace' })), [0]);
  assert.equal(list(setTimesteps(1, { timestepSpacing: 'leading' })), [0]);
});

test('prevTimestepOf: the next entry, −1 after the last', () => {
  const ts = setTimesteps(4, { numTrainTimesteps: 8 });
  assert.equal(list(ts), [6, 4, 2, 0]);
  assert.equal([0, 1, 2, 3].map((i) => prevTimestepOf(ts, i)), [4, 2, 0, -1]);
  throwsRange(() => prevTimestepOf(ts, 4), /i must be an integer in \[0, 3\], got 4/);
  throwsRange(() => prevTimestepOf(ts, -1), /got -1/);
});

test('bad inputs throw clear RangeErrors', () => {
  throwsRange(() => setTimesteps(0), /numInferenceSteps must be an integer in \[1, 1000\], got 0/);
  throwsRange(() => setTimesteps(1001), /numInferenceSteps.*got 1001/);
  throwsRange(() => setTimesteps(2.5), /numInferenceSteps/);
  throwsRange(() => setTimesteps(NaN), /numInferenceSteps/);
  throwsRange(() => setTimesteps(10, { numTrainTimesteps: 0 }), /numTrainTimesteps/);
  throwsRange(() => setTimesteps(10, { timestepSpacing: 'uniform' as TimestepSpacing }), /unknown timestepSpacing "uniform"/);
  throwsRange(() => setTimesteps(10, { stepsOffset: -1 }), /stepsOffset/);
  throwsRange(() => setTimesteps(1000, { stepsOffset: 1 }), /stepsOffset 1 pushes the first timestep to 1000/);
});

test.run();
