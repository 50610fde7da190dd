// Chapter 0's small network (issue 22): the time of one Adam step of the MLP
// (pipeline/lessons/mlp2d-train.ts: 5,762 parameters, batches of 32), which must
// stay ≤ 1 ms, that is ≥ 1,000 steps a second on one core:
//   - in Chromium, in the MLP worker as the site bundles and starts it (the
//     worker's own clock around its chunks of steps; median of 3 runs of 3,000
//     steps after a warm-up run);
//   - in Node, the same code (median of 3 runs of 3,000 steps after 300).
// Lower is better, as every suite here: printed as ms a step, with steps a second beside.
import path from 'node:path';
import { makeSchedule } from '../../pipeline/diffusion/schedule.ts';
import { spiral } from '../../pipeline/lessons/toy2d.ts';
import { Mlp2DTrainer, TRAIN_BATCH } from '../../pipeline/lessons/mlp2d-train.ts';
import { parameterCount } from '../../pipeline/lessons/mlp2d.ts';

export const title = 'Chapter 0: the MLP learning the 2-D denoiser';

const STEPS = 3000, RUNS = 3;
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const perSecond = (ms) => Math.round(1000 / ms).toLocaleString('en-US');

async function inWorker(ctx) {
  const outdir = path.join(ctx.root, '.cache', 'bench', 'mlp-training');
  await ctx.buildTestPage({ entry: 'tools/bench/mlp-training-page.ts', outdir, title: 'MLP training bench' });
  const server = await ctx.serve(outdir);
  const { page, errors } = await ctx.page();
  await page.goto(server.url);
  await page.waitForSelector('body[data-ready="true"]', { state: 'attached' });
  await page.evaluate(() => window.benchMlp.train(500, 9)); // warm-up
  const runs = [];
  for (let r = 0; r < RUNS; r++) runs.push(await page.evaluate(([steps, seed]) => window.benchMlp.train(steps, seed), [STEPS, r + 1]));
  if (errors.length) throw new Error(`the page logged errors: ${errors.join('; ')}`);
  return runs.map((r) => r.trainMs / r.steps);
}

function inNode() {
  const { alphasCumprod } = makeSchedule({ betaSchedule: 'linear' });
  const times = [];
  for (let r = 0; r < RUNS; r++) {
    const tr = new Mlp2DTrainer({ data: spiral(250), seed: r + 1, alphasCumprod });
    tr.trainTo(300);
    const t0 = performance.now();
    tr.trainTo(300 + STEPS);
    times.push((performance.now() - t0) / STEPS);
  }
  return times;
}

export async function run(ctx) {
  const what = `batches of ${TRAIN_BATCH}, ${parameterCount().toLocaleString('en-US')} parameters`;
  const worker = await inWorker(ctx);
  const node = inNode();
  const w = median(worker), n = median(node);
  return [
    {
      name: 'MLP Adam steps a second, in the page’s worker (Chromium), as ms a step',
      value: w,
      unit: 'ms',
      budget: 1,
      detail: `${perSecond(w)} steps a second; median of ${RUNS} runs of ${STEPS.toLocaleString('en-US')} steps (${worker.map((m) => m.toFixed(3)).join(', ')} ms); ${what}`,
    },
    {
      name: 'MLP Adam steps a second, in Node, as ms a step',
      value: n,
      unit: 'ms',
      budget: 1,
      detail: `${perSecond(n)} steps a second; median of ${RUNS} runs of ${STEPS.toLocaleString('en-US')} steps (${node.map((m) => m.toFixed(3)).join(', ')} ms); ${what}`,
    },
  ];
}
