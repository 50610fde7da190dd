// The page tools/bench/chapters-0-1.mjs measures the chapter-0 sampler on: the
// same pipeline code the chapter runs, bundled as the site bundles it.
import { makeSchedule } from '../../pipeline/diffusion';
import { Sampler2D, spiral, type Sampler2DName } from '../../pipeline/lessons/toy2d';

export interface SamplerStepTimes {
  sampler: Sampler2DName;
  steps: number[];
}

/** Times every step of a run of `steps` steps: `particles` particles over a `points`-point spiral. */
function timeSamplerSteps(o: { particles: number; points: number; steps: number; sampler: Sampler2DName; seed: number }): SamplerStepTimes {
  const schedule = makeSchedule({ betaSchedule: 'linear' });
  const s = new Sampler2D({ data: spiral(o.points), particles: o.particles, seed: o.seed, sampler: o.sampler, steps: o.steps, schedule });
  const times: number[] = [];
  for (;;) {
    const t0 = performance.now();
    if (!s.step()) break;
    times.push(performance.now() - t0);
  }
  return { sampler: o.sampler, steps: times };
}

declare global {
  interface Window {
    benchChapters01: { timeSamplerSteps: typeof timeSamplerSteps };
  }
}

window.benchChapters01 = { timeSamplerSteps };
document.body.dataset.ready = 'true';
