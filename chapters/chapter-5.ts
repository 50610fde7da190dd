// Chapter 5: U-Net versus Diffusion Transformer. A placeholder until the chapter is written.
// The same prompt and seed through both denoisers, side by side: the time of a step, parameters, FLOPs and quality; and inside the DiT, adaLN-Zero modulation across timesteps and self-attention maps.
import { LitElement, html } from 'lit';
import { customElement } from 'lit/decorators.js';
import '../components/chapter-section';
import type { Reference } from '../components/chapter-section';
import { prose } from '../components/styles';

const references: Reference[] = [
  { title: 'Ronneberger et al. 2015, U-Net', href: 'https://arxiv.org/abs/1505.04597', note: 'the convolutional denoiser\'s shape' },
  { title: 'Peebles & Xie 2023, Scalable Diffusion Models with Transformers', href: 'https://arxiv.org/abs/2212.09748', note: 'DiT and adaLN-Zero' },
];

@customElement('chapter-5')
export class Chapter5 extends LitElement {
  static styles = prose;

  render() {
    return html`
      <chapter-section number="5" heading="U-Net versus Diffusion Transformer" .references=${references}>
        <p>The same prompt and seed through both denoisers, side by side: the time of a step, parameters, FLOPs and quality; and inside the DiT, adaLN-Zero modulation across timesteps and self-attention maps.</p>
        <p class="coming-soon">Coming soon: two denoisers, one prompt, one seed.</p>
      </chapter-section>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chapter-5': Chapter5;
  }
}
