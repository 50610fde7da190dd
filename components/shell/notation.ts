// The notation the chapters share, and links from the prose to its glossary entries.
// The glossary itself is plain HTML in index.html (section#notation), so its anchors
// work before any script runs; the ids here must match it (a browser test checks).
//
//   html`the noise level ${term('alphaBar')} falls as ${term('t')} grows`
import { html, type TemplateResult } from 'lit';

export const NOTATION = {
  xt: { id: 'n-x-t', symbol: html`x<sub>t</sub>`, name: 'the noised sample at timestep t' },
  x0: { id: 'n-x-0', symbol: html`x<sub>0</sub>`, name: 'the clean sample' },
  eps: { id: 'n-epsilon', symbol: html`ε`, name: 'the noise' },
  epsHat: { id: 'n-epsilon-hat', symbol: html`ε̂`, name: 'the predicted noise' },
  x0Hat: { id: 'n-x-0-hat', symbol: html`x̂<sub>0</sub>`, name: 'the denoiser’s estimate of the clean sample' },
  v: { id: 'n-velocity', symbol: html`v`, name: 'the velocity, what every denoiser here predicts' },
  eta: { id: 'n-eta', symbol: html`η`, name: 'how much fresh noise a DDIM step adds' },
  alphaBar: { id: 'n-alpha-bar', symbol: html`ᾱ<sub>t</sub>`, name: 'the signal kept at timestep t' },
  beta: { id: 'n-beta', symbol: html`β<sub>t</sub>`, name: 'the noise added at step t' },
  snr: { id: 'n-snr', symbol: html`SNR`, name: 'the signal-to-noise ratio' },
  t: { id: 'n-timestep', symbol: html`t`, name: 'the timestep' },
  T: { id: 'n-steps', symbol: html`T`, name: 'the number of timesteps' },
  s: { id: 'n-guidance-scale', symbol: html`s`, name: 'the guidance scale' },
  z: { id: 'n-latent', symbol: html`z`, name: 'a latent' },
} as const;

export type NotationKey = keyof typeof NOTATION;

/** A notation symbol in running prose, linked to its glossary entry. */
export function term(key: NotationKey): TemplateResult {
  const n = NOTATION[key];
  return html`<a class="term" href="#${n.id}" title=${n.name}>${n.symbol}</a>`;
}
