// Chapter 2: Denoising, step by step. A placeholder until the chapter is written.
// The reverse process with a real denoiser: DDPM and DDIM, the number of steps, the seed; scrub through the trajectory to see the noisy sample, the predicted noise and the predicted clean image at every step, and the model's error at each timestep.
import { LitElement, html } from 'lit';
import { customElement } from 'lit/decorators.js';
import '../components/chapter-section';
import type { Reference } from '../components/chapter-section';
import { term } from '../components/notation';
import { prose } from '../components/styles';

const references: Reference[] = [
  { title: 'Ho et al. 2020, Denoising Diffusion Probabilistic Models', href: 'https://arxiv.org/abs/2006.11239', note: 'the DDPM sampler' },
  { title: 'Song et al. 2021, Denoising Diffusion Implicit Models', href: 'https://arxiv.org/abs/2010.02502', note: 'DDIM: fewer, deterministic steps' },
];

@customElement('chapter-2')
export class Chapter2 extends LitElement {
  static styles = prose;

  render() {
    return html`
      <chapter-section number="2" heading="Denoising, step by step" .references=${references}>
        <p>The reverse process with a real denoiser: DDPM and DDIM, the number of steps, the seed; scrub through the trajectory to see the noisy sample, the predicted noise and the predicted clean image at every step, and the model's error at each timestep.</p>
        <p class="coming-soon">Coming soon: a real denoiser predicting ${term('epsHat')} at every step, with DDPM and DDIM side by side.</p>
      </chapter-section>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chapter-2': Chapter2;
  }
}
