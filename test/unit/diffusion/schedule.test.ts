import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  alphasCumprod, betasFor, makeSchedule, MAX_COSINE_BETA, rescaleZeroTerminalSnr, snr, type ScheduleConfig,
} from '../../../pipeline/diffusion/schedule';
import { close, relClose, throwsRange } from './helpers';

const linear = makeSchedule({ betaSchedule: 'linear' });
const scaled = makeSchedule({ betaSchedule: 'scaled_linear' });
const cosine = makeSchedule({ betaSchedule: 'squaredcos_cap_v2' });

test('check values of reference.md (T = 1000)', () => {
  relClose(linear.alphasCumprod[499], 0.0786, 0.001, 'linear ᾱ₄₉₉');
  relClose(linear.alphasCumprod[999], 4.04e-5, 0.002, 'linear ᾱ₉₉₉');
  relClose(scaled.alphasCumprod[999], 4.66e-3, 0.001, 'scaled_linear ᾱ₉₉₉');
  relClose(cosine.alphasCumprod[499], 0.494, 0.001, 'cosine ᾱ₄₉₉');
});

test('defaults are diffusers’ and end points of the betas are exact', () => {
  assert.equal(linear.config, { betaSchedule: 'linear', numTrainTimesteps: 1000, betaStart: 1e-4, betaEnd: 0.02, rescaleBetasZeroSnr: false });
  assert.is(linear.numTrainTimesteps, 1000);
  assert.is(linear.betas.length, 1000);
  assert.is(linear.betas[0], 1e-4);
  assert.is(linear.betas[999], 0.02);
  close(linear.betas[1] - linear.betas[0], (0.02 - 1e-4) / 999, 1e-15, 'linear step');
  assert.is(scaled.config.betaStart, 0.00085);
  assert.is(scaled.config.betaEnd, 0.012);
  close(scaled.betas[0], 0.00085, 1e-16, 'scaled β₀');
  close(scaled.betas[999], 0.012, 1e-16, 'scaled β₉₉₉');
  // scaled_linear is linear in √β, so its midpoint is below the linear midpoint of the same ends
  close(Math.sqrt(scaled.betas[500]) - Math.sqrt(scaled.betas[499]), (Math.sqrt(0.012) - Math.sqrt(0.00085)) / 999, 1e-15, '√β step');
});

test('α = 1 − β, ᾱ is the cumulative product, strictly decreasing in (0, 1)', () => {
  close(alphasCumprod([0.1, 0.5, 0.2]), [0.9, 0.45, 0.36], 1e-15, 'hand case');
  for (const s of [linear, scaled, cosine]) {
    close(s.alphas, s.betas.map((b) => 1 - b), 0, 'alphas');
    assert.ok(s.alphasCumprod[0] < 1 && s.alphasCumprod[999] > 0);
    for (let t = 1; t < 1000; t++) assert.ok(s.alphasCumprod[t] < s.alphasCumprod[t - 1], `${s.config.betaSchedule} at ${t}`);
  }
});

test('cosine betas follow the closed form and are capped at 0.999', () => {
  const f = (s: number) => Math.cos(((s + 0.008) / 1.008) * Math.PI / 2) ** 2;
  close(cosine.betas[0], 1 - f(1 / 1000) / f(0), 1e-15, 'β₀');
  close(cosine.alphasCumprod[499], f(500 / 1000) / f(0), 1e-12, 'ᾱ telescopes');
  assert.is(cosine.betas[999], MAX_COSINE_BETA);
  assert.ok(cosine.betas[998] < MAX_COSINE_BETA);
});

test('zero-terminal-SNR rescale: ᾱ_T = 0 exactly, ᾱ_0 kept, order kept', () => {
  for (const betaSchedule of ['linear', 'scaled_linear', 'squaredcos_cap_v2'] as const) {
    const plain = makeSchedule({ betaSchedule });
    const zero = makeSchedule({ betaSchedule, rescaleBetasZeroSnr: true });
    assert.is(zero.alphasCumprod[999], 0, `${betaSchedule} ᾱ_T`);
    assert.is(zero.betas[999], 1);
    close(zero.alphasCumprod[0], plain.alphasCumprod[0], 1e-15, `${betaSchedule} ᾱ_0`);
    assert.ok(zero.alphasCumprod[500] < plain.alphasCumprod[500], 'the middle moves down');
    for (let t = 1; t < 1000; t++) assert.ok(zero.alphasCumprod[t] < zero.alphasCumprod[t - 1]);
    assert.is(snr(zero.alphasCumprod)[999], 0);
  }
  // √ᾱ is shifted and scaled: (s − s_T)·s_0/(s_0 − s_T)
  const s = linear.alphasCumprod.map(Math.sqrt);
  const expected = ((s[300] - s[999]) * s[0]) / (s[0] - s[999]);
  const rescaled = alphasCumprod(rescaleZeroTerminalSnr(linear.betas));
  close(Math.sqrt(rescaled[300]), expected, 1e-12, '√ᾱ₃₀₀');
  assert.ok(betasFor({ betaSchedule: 'linear', rescaleBetasZeroSnr: true })[999] === 1);
});

test('snr = ᾱ/(1 − ᾱ)', () => {
  close(snr([0.5, 0.8, 0.2, 0]), [1, 4, 0.25, 0], 1e-15, 'snr');
  assert.is(snr([1])[0], Infinity);
  const s = snr(linear.alphasCumprod);
  close(s[499], linear.alphasCumprod[499] / (1 - linear.alphasCumprod[499]), 1e-15);
});

test('other T, betaStart and betaEnd are honoured', () => {
  const s = makeSchedule({ betaSchedule: 'linear', numTrainTimesteps: 5, betaStart: 0.1, betaEnd: 0.5 });
  close(s.betas, [0.1, 0.2, 0.3, 0.4, 0.5], 1e-15, 'betas');
  close(s.alphasCumprod, [0.9, 0.72, 0.504, 0.3024, 0.1512], 1e-15, 'ᾱ');
  assert.equal(Array.from(makeSchedule({ betaSchedule: 'linear', numTrainTimesteps: 1 }).betas), [1e-4]);
});

test('bad configs throw clear RangeErrors', () => {
  const bad = (config: unknown, pattern: RegExp) => throwsRange(() => makeSchedule(config as ScheduleConfig), pattern);
  bad({ betaSchedule: 'cosine' }, /unknown betaSchedule "cosine".*squaredcos_cap_v2/);
  bad({}, /unknown betaSchedule/);
  bad(null, /config object/);
  bad({ betaSchedule: 'linear', numTrainTimesteps: 0 }, /numTrainTimesteps.*integer.*got 0/);
  bad({ betaSchedule: 'linear', numTrainTimesteps: 10.5 }, /numTrainTimesteps/);
  bad({ betaSchedule: 'linear', numTrainTimesteps: NaN }, /numTrainTimesteps/);
  bad({ betaSchedule: 'linear', betaStart: 0 }, /betaStart must be a number in \(0, 1\), got 0/);
  bad({ betaSchedule: 'linear', betaEnd: 1 }, /betaEnd/);
  bad({ betaSchedule: 'scaled_linear', betaEnd: Infinity }, /betaEnd/);
  bad({ betaSchedule: 'linear', betaStart: -0.1 }, /betaStart/);
  bad({ betaSchedule: 'linear', numTrainTimesteps: 1, rescaleBetasZeroSnr: true }, /numTrainTimesteps.*\[2,/);
  bad({ betaSchedule: 'linear', rescaleBetasZeroSnr: 'yes' }, /rescaleBetasZeroSnr must be a boolean/);
  throwsRange(() => betasFor({ betaSchedule: 'quadratic' as never }), /unknown betaSchedule/);
  throwsRange(() => rescaleZeroTerminalSnr([0.1]), /at least 2/);
});

test.run();
