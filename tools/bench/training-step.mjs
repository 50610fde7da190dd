// The training chapter's step cell (issue 22), in Chromium on the production build, WASM:
//   - the training-step cell ≤ 600 ms (median of 9, models warm): from a new noise seed set in the
//     chapter's state to the step shown, for an 8-frame clip (VAE encoder, text encoder, one DiT call
//     of batch 1, VAE decoder for x̂₀, all in the model worker);
//   - its DiT call alone (the cell's own timing), printed;
//   - the loss sweep: 192 draws in batches of 16 (12 DiT calls), printed.
export const title = 'Training a denoiser: the step cell';

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export async function run(ctx) {
  const url = await ctx.site();
  const { page, errors } = await ctx.page();
  await page.goto(`${url}?backend=wasm&ct.clip=red-right&ct.draws=192#training`);
  await page.waitForSelector('chapter-training[data-ready="true"]', { state: 'attached' });
  const shown = (seed) =>
    page.evaluate(async (seed) => {
      const el = document.querySelector('chapter-training');
      const t0 = performance.now();
      el.setState({ noise: seed });
      await el.ensure('training-step-figure');
      const f = el.figure.step;
      return { ms: performance.now() - t0, dit: el.shadowRoot.querySelector('training-step-figure').made.prediction.ms, key: f?.key ?? '' };
    }, seed);
  ctx.log('warming up (downloads the models)…');
  await shown(100);
  await shown(101);
  const cell = [], dit = [];
  for (let i = 0; i < 9; i++) {
    const r = await shown(200 + i);
    if (!r.key.endsWith(`|${200 + i}`)) throw new Error(`the step shown is ${r.key}, not noise seed ${200 + i}`);
    cell.push(r.ms);
    dit.push(r.dit);
  }
  const sweep = await page.evaluate(async () => {
    const el = document.querySelector('chapter-training');
    const fig = el.shadowRoot.querySelector('loss-sweep-figure');
    const t0 = performance.now();
    await fig.start();
    return { ms: performance.now() - t0, draws: el.figure.sweep?.draws.length ?? 0 };
  });
  if (errors.length) throw new Error(`the page logged errors: ${errors.join('; ')}`);
  return [
    { name: 'training-step cell, 8-frame clip (encode, text, DiT, decode x̂₀)', value: Math.round(median(cell)), unit: 'ms', budget: 600, detail: `median of 9; ${cell.map(Math.round).join(', ')}` },
    { name: 'its DiT call (batch 1, 8 frames)', value: Math.round(median(dit)), unit: 'ms', budget: null, detail: 'median of 9' },
    { name: `loss sweep: ${sweep.draws} draws, batches of 16`, value: Math.round(sweep.ms), unit: 'ms', budget: null, detail: 'one run' },
  ];
}
