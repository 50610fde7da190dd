// Chapter 1: Forward noising. A placeholder until the chapter is written.
// An image from the Shapes World (or one you draw), a timestep slider, the noise schedules (linear, scaled linear, cosine, and the zero-terminal-SNR rescale), their ᾱ and SNR curves, and the pixel histogram turning Gaussian.
import { LitElement, html } from 'lit';
import { customElement } from 'lit/decorators.js';
import '../components/chapter-section';
import type { Reference } from '../components/chapter-section';
import { term } from '../components/notation';
import { prose } from '../components/styles';

const references: Reference[] = [
  { title: 'Ho et al. 2020, Denoising Diffusion Probabilistic Models', href: 'https://arxiv.org/abs/2006.11239', note: 'the forward process and the linear schedule' },
  { title: 'Nichol & Dhariwal 2021, Improved Denoising Diffusion Probabilistic Models', href: 'https://arxiv.org/abs/2102.09672', note: 'the cosine schedule' },
  { title: 'Lin et al. 2023, Common Diffusion Noise Schedules and Sample Steps are Flawed', href: 'https://arxiv.org/abs/2305.08891', note: 'zero terminal SNR' },
];

@customElement('chapter-1')
export class Chapter1 extends LitElement {
  static styles = prose;

  render() {
    return html`
      <chapter-section number="1" heading="Forward noising" .references=${references}>
        <p>An image from the Shapes World (or one you draw), a timestep slider, the noise schedules (linear, scaled linear, cosine, and the zero-terminal-SNR rescale), their ᾱ and SNR curves, and the pixel histogram turning Gaussian.</p>
        <p class="coming-soon">Coming soon: move ${term('t')} and watch ${term('xt')} = √${term('alphaBar')}·${term('x0')} + √(1 − ${term('alphaBar')})·${term('eps')} lose its picture.</p>
      </chapter-section>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chapter-1': Chapter1;
  }
}
