import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { addNoise, predictEpsilonFromX0, velocity } from '../../../pipeline/diffusion/forward';
import { ddimStep, ddpmStep, ddpmVariance, type SamplerStepArgs } from '../../../pipeline/diffusion/samplers';
import { makeSchedule } from '../../../pipeline/diffusion/schedule';
import { prevTimestepOf, setTimesteps } from '../../../pipeline/diffusion/timesteps';
import { close, normals, throwsRange } from './helpers';

const N = 64;
const x0 = normals('clean', N).map((v) => Math.tanh(v));
const linear = makeSchedule({ betaSchedule: 'linear' });
/** A three-step schedule small enough to do by hand. */
const tiny = { alphasCumprod: Float64Array.of(0.9, 0.5, 0.2) };

test('DDPM posterior mean and fixed_small variance, by hand', () => {
  // ᾱ_t = 0.5, ᾱ_prev = 0.9: β′ = 1 − 5/9 = 4/9; μ = (√0.9·(4/9)/0.5)·x̂₀ + (√(5/9)·0.1/0.5)·x_t
  const mu = ((8 * Math.sqrt(0.9)) / 9) * 1 + ((0.2 * Math.sqrt(5)) / 3) * 3;
  const sigma = Math.sqrt((0.1 / 0.5) * (4 / 9));
  const step = (noise: number) =>
    ddpmStep({ modelOutput: [1], sample: [3], timestep: 1, prevTimestep: 0, schedule: tiny, predictionType: 'sample', noise: [noise] });
  close(step(0).prevSample, [mu], 1e-6, 'μ');
  close(step(1).prevSample, [mu + sigma], 1e-6, 'μ + σ');
  close(step(-2).prevSample, [mu - 2 * sigma], 1e-6, 'μ − 2σ');
  close(ddpmVariance(0.5, 0.9), (0.2 * 4) / 9, 1e-15, 'variance');
  // the same step from an ε-prediction: ε̂ = (3 − √0.5·1)/√0.5
  const eps = (3 - Math.sqrt(0.5)) / Math.sqrt(0.5);
  const fromEps = ddpmStep({ modelOutput: [eps], sample: [3], timestep: 1, prevTimestep: 0, schedule: tiny, predictionType: 'epsilon', noise: [0] });
  close(fromEps.prevSample, [mu], 1e-6, 'μ from ε');
  close(fromEps.predX0, [1], 1e-6, 'x̂₀ from ε');
  close(fromEps.predEpsilon, [eps], 1e-6, 'ε̂');
});

test('DDPM last step returns x̂₀ and needs no noise; other steps need it', () => {
  const xt = addNoise(x0, normals('n', N), tiny.alphasCumprod[0]);
  const last = ddpmStep({ modelOutput: x0, sample: xt, timestep: 0, prevTimestep: -1, schedule: tiny, predictionType: 'sample' });
  close(last.prevSample, x0, 0, 'x_prev = x̂₀');
  throwsRange(
    () => ddpmStep({ modelOutput: x0, sample: xt, timestep: 1, prevTimestep: 0, schedule: tiny, predictionType: 'sample' }),
    /ddpmStep: noise is required/,
  );
});

test('DDIM η = 0 with a perfect x₀ prediction lands exactly on x₀', () => {
  for (const timestepSpacing of ['leading', 'trailing', 'linspace'] as const) {
    const ts = setTimesteps(10, { timestepSpacing });
    let x = normals('start', N);
    for (let i = 0; i < ts.length; i++) {
      const r = ddimStep({ modelOutput: x0, sample: x, timestep: ts[i], prevTimestep: prevTimestepOf(ts, i), schedule: linear, predictionType: 'sample', eta: 0 });
      x = r.prevSample;
      if (i === ts.length - 2) assert.not.equal(Array.from(x), Array.from(x0), 'not there before the last step');
    }
    close(x, x0, 0, `${timestepSpacing}: exactly x₀`);
  }
});

test('DDIM η = 0 with an oracle ε stays on the path x_t = √ᾱ·x₀ + √(1−ᾱ)·ε', () => {
  const noise = normals('path', N);
  const ts = setTimesteps(20, { timestepSpacing: 'trailing' });
  let x = addNoise(x0, noise, linear.alphasCumprod[ts[0]]);
  for (let i = 0; i < ts.length; i++) {
    const abar = linear.alphasCumprod[ts[i]];
    const oracle = predictEpsilonFromX0(x, x0, abar);
    const prev = prevTimestepOf(ts, i);
    x = ddimStep({ modelOutput: oracle, sample: x, timestep: ts[i], prevTimestep: prev, schedule: linear, predictionType: 'epsilon', eta: 0 }).prevSample;
    if (prev >= 0) close(x, addNoise(x0, noise, linear.alphasCumprod[prev]), 2e-4, `at ${prev}`);
  }
  close(x, x0, 2e-4, 'end');
});

test('DDIM η = 1 is DDPM: same σ² (fixed_small) and the same x_prev for the same noise', () => {
  const noise = normals('step', N);
  const z = normals('z', N);
  for (const [t, prev] of [[999, 899], [500, 450], [100, 99], [20, 0]]) {
    const sample = addNoise(x0, noise, linear.alphasCumprod[t]);
    const modelOutput = normals(`model ${t}`, N); // any ε̂, not the true one
    const args = { modelOutput, sample, timestep: t, prevTimestep: prev, schedule: linear, predictionType: 'epsilon' as const };
    const zero = new Float32Array(N);
    const ddpm0 = ddpmStep({ ...args, noise: zero }).prevSample;
    const ddpmZ = ddpmStep({ ...args, noise: z }).prevSample;
    const ddim0 = ddimStep({ ...args, eta: 1, noise: zero }).prevSample;
    const ddimZ = ddimStep({ ...args, eta: 1, noise: z }).prevSample;
    const variance = ddpmVariance(linear.alphasCumprod[t], linear.alphasCumprod[prev]);
    const sigmaDdim = (ddimZ[0] - ddim0[0]) / z[0];
    close(sigmaDdim ** 2, variance, 1e-4 * variance + 1e-9, `σ² at ${t}`);
    close(ddim0, ddpm0, 2e-5, `mean at ${t}`);
    close(ddimZ, ddpmZ, 2e-5, `x_prev at ${t}`);
  }
});

test('DDIM η in between: noise scales with η, and is required', () => {
  const sample = addNoise(x0, normals('mid', N), linear.alphasCumprod[600]);
  const args = { modelOutput: normals('m', N), sample, timestep: 600, prevTimestep: 500, schedule: linear, predictionType: 'epsilon' as const };
  const z = new Float32Array(N).fill(1);
  const d = (eta: number) => ddimStep({ ...args, eta, noise: z }).prevSample[0] - ddimStep({ ...args, eta, noise: new Float32Array(N) }).prevSample[0];
  const sigma1 = Math.sqrt(ddpmVariance(linear.alphasCumprod[600], linear.alphasCumprod[500]));
  close(d(0.5), 0.5 * sigma1, 1e-5, 'σ(η = 0.5)');
  close(d(0), 0, 0, 'σ(η = 0)');
  throwsRange(() => ddimStep({ ...args, eta: 0.5 }), /ddimStep: noise is required when eta > 0/);
  // η > 0 at the last step adds nothing: σ = 0 when ᾱ_prev = 1
  const last = ddimStep({ ...args, timestep: 20, prevTimestep: -1, modelOutput: x0, predictionType: 'sample', eta: 1 });
  close(last.prevSample, x0, 0, 'last');
});

test('v-prediction on a zero-terminal-SNR schedule starts from pure noise', () => {
  const zsnr = makeSchedule({ betaSchedule: 'scaled_linear', rescaleBetasZeroSnr: true });
  const ts = setTimesteps(10, { timestepSpacing: 'trailing' });
  const noise = normals('zsnr', N);
  const xT = addNoise(x0, noise, zsnr.alphasCumprod[999]);
  close(xT, noise, 0, 'x_T = ε');
  const v = velocity(x0, noise, 0);
  const r = ddimStep({ modelOutput: v, sample: xT, timestep: ts[0], prevTimestep: ts[1], schedule: zsnr, predictionType: 'v_prediction', eta: 0 });
  close(r.predX0, x0, 1e-6, 'x̂₀ = −v');
  close(r.prevSample, addNoise(x0, noise, zsnr.alphasCumprod[ts[1]]), 1e-5, 'x_prev');
  throwsRange(
    () => ddimStep({ modelOutput: noise, sample: xT, timestep: 999, prevTimestep: 899, schedule: zsnr, predictionType: 'epsilon', eta: 0 }),
    /ᾱ = 0/,
  );
});

test('clipSample clips x̂₀ to [−1, 1]; off by default', () => {
  const args = { modelOutput: [3, -0.5, -7], sample: [0, 0, 0], timestep: 1, prevTimestep: -1, schedule: tiny, predictionType: 'sample' as const };
  close(ddimStep({ ...args, eta: 0, clipSample: true }).predX0, [1, -0.5, -1], 0, 'ddim clipped');
  close(ddpmStep({ ...args, clipSample: true }).prevSample, [1, -0.5, -1], 1e-7, 'ddpm clipped');
  close(ddimStep({ ...args, eta: 0 }).predX0, [3, -0.5, -7], 0, 'unclipped');
});

test('bad step arguments throw clear RangeErrors', () => {
  const ok: SamplerStepArgs = { modelOutput: [0], sample: [0], timestep: 1, prevTimestep: 0, schedule: tiny, predictionType: 'sample', noise: [0] };
  throwsRange(() => ddpmStep({ ...ok, timestep: 3 }), /timestep must be an integer in \[0, 2\], got 3/);
  throwsRange(() => ddpmStep({ ...ok, timestep: 0.5 }), /timestep/);
  throwsRange(() => ddpmStep({ ...ok, prevTimestep: 1 }), /prevTimestep must be an integer below timestep 1/);
  throwsRange(() => ddpmStep({ ...ok, sample: [0, 0] }), /modelOutput has length 1 but sample has length 2/);
  throwsRange(() => ddpmStep({ ...ok, noise: [0, 0] }), /noise has length 2/);
  throwsRange(() => ddpmStep({ ...ok, predictionType: 'eps' as never }), /unknown predictionType "eps"/);
  throwsRange(() => ddpmStep({ ...ok, schedule: { alphasCumprod: new Float64Array(0) } }), /alphasCumprod is missing or empty/);
  throwsRange(() => ddimStep({ ...ok, eta: 1.5 }), /eta must be a number in \[0, 1\], got 1.5/);
  throwsRange(() => ddimStep({ ...ok, eta: NaN }), /eta/);
});

test.run();
