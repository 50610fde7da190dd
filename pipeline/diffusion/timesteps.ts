/**
 * Which S of the T training timesteps a sampler visits, in the order it visits
 * them (descending), as diffusers' `set_timesteps` with `timestep_spacing`:
 *
 * - 'leading':  arange(S)·(T // S), reversed, + steps_offset; T=1000, S=10: 900, 800, …, 0.
 * - 'trailing': round(arange(T, 0, −T/S)) − 1; T=1000, S=10: 999, 899, …, 99.
 * - 'linspace': round(linspace(0, T − 1, S)), reversed; T=1000, S=10: 999, 888, …, 0.
 *
 * Rounding is numpy's (half to even). As in diffusers, steps_offset applies to
 * 'leading' only. 'trailing' always starts at T − 1, the noisiest step, which
 * is what zero-terminal-SNR schedules need.
 */
import { assertInteger } from './tensor';

export type TimestepSpacing = 'leading' | 'trailing' | 'linspace';

export const TIMESTEP_SPACINGS: readonly TimestepSpacing[] = ['leading', 'trailing', 'linspace'];

export interface TimestepOptions {
  numTrainTimesteps?: number;
  timestepSpacing?: TimestepSpacing;
  stepsOffset?: number;
}

/** Round half to even, as numpy.round. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** The S timesteps to sample with, descending; throws a RangeError on bad input. */
export function setTimesteps(
  numInferenceSteps: number,
  { numTrainTimesteps = 1000, timestepSpacing = 'leading', stepsOffset = 0 }: TimestepOptions = {},
): Int32Array {
  const fn = 'setTimesteps';
  assertInteger(fn, 'numTrainTimesteps', numTrainTimesteps, 1, 1_000_000);
  assertInteger(fn, 'numInferenceSteps', numInferenceSteps, 1, numTrainTimesteps);
  assertInteger(fn, 'stepsOffset', stepsOffset, 0, numTrainTimesteps - 1);
  if (!TIMESTEP_SPACINGS.includes(timestepSpacing)) {
    throw new RangeError(`${fn}: unknown timestepSpacing ${JSON.stringify(timestepSpacing)}; expected one of ${TIMESTEP_SPACINGS.join(', ')}`);
  }
  const T = numTrainTimesteps, S = numInferenceSteps;
  const out = new Int32Array(S);
  if (timestepSpacing === 'leading') {
    const ratio = Math.floor(T / S);
    for (let i = 0; i < S; i++) out[i] = (S - 1 - i) * ratio + stepsOffset;
    if (out[0] > T - 1) {
      throw new RangeError(`${fn}: stepsOffset ${stepsOffset} pushes the first timestep to ${out[0]}, past T − 1 = ${T - 1}`);
    }
  } else if (timestepSpacing === 'trailing') {
    const ratio = T / S;
    for (let i = 0; i < S; i++) out[i] = roundHalfEven(T - i * ratio) - 1;
  } else {
    const step = S > 1 ? (T - 1) / (S - 1) : 0;
    for (let i = 0; i < S; i++) out[S - 1 - i] = i === S - 1 && S > 1 ? T - 1 : roundHalfEven(i * step);
  }
  return out;
}

/** The timestep after timesteps[i], or −1 after the last one (the clean sample). */
export function prevTimestepOf(timesteps: ArrayLike<number>, i: number): number {
  assertInteger('prevTimestepOf', 'i', i, 0, timesteps.length - 1);
  return i + 1 < timesteps.length ? timesteps[i + 1] : -1;
}
