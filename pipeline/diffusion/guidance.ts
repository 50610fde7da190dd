/**
 * Classifier-free guidance (Ho & Salimans 2022) and guidance rescale (Lin et
 * al. 2023, diffusers' `rescale_noise_cfg`).
 *
 *   guided = uncond + s·(cond − uncond), computed as (1 − s)·uncond + s·cond so
 *            that s = 1 returns cond and s = 0 returns uncond exactly.
 *   rescaled = φ·guided·std(cond)/std(guided) + (1 − φ)·guided
 * std is over the whole array (one sample; diffusers takes it per sample over
 * all non-batch dimensions, with Bessel's correction, which cancels in the
 * ratio). Arrays are flat; `out` may alias an input.
 */
import { assertFinite, assertSameLength, outputFor, type FloatArray } from './tensor';

/** Standard deviation with Bessel's correction (torch.std); 0 for fewer than 2 values. */
export function standardDeviation(x: ArrayLike<number>): number {
  const n = x.length;
  if (n < 2) return 0;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i];
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (x[i] - mean) ** 2;
  return Math.sqrt(ss / (n - 1));
}

/** uncond + scale·(cond − uncond). */
export function classifierFreeGuidance<O extends FloatArray = Float32Array>(
  uncond: ArrayLike<number>,
  cond: ArrayLike<number>,
  scale: number,
  out?: O,
): O {
  const fn = 'classifierFreeGuidance';
  assertSameLength(fn, 'uncond', uncond, 'cond', cond);
  assertFinite(fn, 'scale', scale);
  const result = outputFor<O>(fn, cond.length, out);
  for (let i = 0; i < cond.length; i++) result[i] = (1 - scale) * uncond[i] + scale * cond[i];
  return result;
}

/**
 * Pull the guided prediction's std back towards the conditional one's, by
 * φ = guidanceRescale in [0, 1] (0: unchanged; Lin et al. use 0.7). A guided
 * prediction with zero std is returned unchanged.
 */
export function rescaleNoiseCfg<O extends FloatArray = Float32Array>(
  guided: ArrayLike<number>,
  cond: ArrayLike<number>,
  guidanceRescale: number,
  out?: O,
): O {
  const fn = 'rescaleNoiseCfg';
  assertSameLength(fn, 'guided', guided, 'cond', cond);
  if (typeof guidanceRescale !== 'number' || !Number.isFinite(guidanceRescale) || guidanceRescale < 0 || guidanceRescale > 1) {
    throw new RangeError(`${fn}: guidanceRescale must be a number in [0, 1], got ${guidanceRescale}`);
  }
  const stdGuided = standardDeviation(guided);
  const ratio = stdGuided > 0 ? standardDeviation(cond) / stdGuided : 1;
  const factor = guidanceRescale * ratio + (1 - guidanceRescale);
  const result = outputFor<O>(fn, guided.length, out);
  for (let i = 0; i < guided.length; i++) result[i] = factor * guided[i];
  return result;
}
