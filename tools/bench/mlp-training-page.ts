// The page tools/bench/mlp-training.mjs measures chapter 0's network on: the
// MLP worker, bundled and started as the site does (pipeline/worker/mlp-client.ts),
// trains the spiral to a step count; the worker's own clock times the Adam steps.
import { spiral } from '../../pipeline/lessons/toy2d';
import { MlpClient } from '../../pipeline/worker/mlp-client';
import type { MlpSnapshot } from '../../pipeline/worker/mlp-protocol';

/** Trains a fresh network (seed `seed`) to `steps` in the worker; resolves to its Adam time and the page's wall time. */
function train(steps: number, seed: number): Promise<{ steps: number; trainMs: number; wallMs: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const client = new MlpClient((m) => {
      if (m.type === 'error') return reject(new Error(m.message));
      const s = m as MlpSnapshot;
      if (s.steps >= steps) {
        client.dispose();
        resolve({ steps: s.steps, trainMs: s.trainMs, wallMs: performance.now() - t0 });
      }
    });
    client.reset(seed, spiral(250).xy, steps);
  });
}

declare global {
  interface Window {
    benchMlp: { train: typeof train };
  }
}

window.benchMlp = { train };
document.body.dataset.ready = 'true';
