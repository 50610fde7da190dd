// The DiT's guided step against the limit of its matrix products (issue 19, item 5), Node WASM, one
// thread: every product of the step timed alone (tools/bench-matmul.ts), their sum ("the MatMuls alone",
// what the step would take if nothing but its products cost anything) against the whole step, and the
// rates in GFLOP/s (the step's FLOPs are the manifest's: 2·m·k·n summed over its products). Printed only:
// how close the step is to the limit, not a budget (the step budgets are denoiser-steps').
import { spawnSync } from 'node:child_process';

export const title = "The DiT's step against its matrix products alone (Node WASM, one thread)";

function measure(root, frames) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'tools/bench-matmul.ts', '--frames', String(frames), '--runs', '40'], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bench-matmul: ${(r.stderr || r.stdout).trim()}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1));
}

export async function run(ctx) {
  const figures = [];
  for (const [frames, what] of [[1, 'an image'], [8, '8 frames']]) {
    const m = measure(ctx.root, frames);
    const top = [...m.shapes].sort((a, b) => b.ms * b.count - a.ms * a.count).slice(0, 3);
    figures.push({
      name: `${what}: the step's products alone, share of the whole step`,
      value: Math.round((100 * m.matmulMs) / m.stepMs),
      unit: '%',
      budget: null,
      detail: `step ${m.stepMs.toFixed(2)} ms (${m.stepGflops.toFixed(1)} GFLOP/s over ${(m.matmulFlops / 1e6).toFixed(1)} MFLOP); its products alone ${m.matmulMs.toFixed(2)} ms (${m.matmulGflops.toFixed(1)} GFLOP/s); the best product ${m.bestGflops.toFixed(1)} GFLOP/s; most time: ${top.map((p) => `${p.what} ${(p.ms * p.count).toFixed(2)} ms`).join(', ')}`,
    });
  }
  return figures;
}
