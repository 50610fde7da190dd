// Chapter 3: The latent space. A placeholder until the chapter is written.
// The VAE's encoder and decoder on any frame or drawing, the four latent channels, the reconstruction error, and why diffusion in a latent costs less than in pixels.
import { LitElement, html } from 'lit';
import { customElement } from 'lit/decorators.js';
import '../components/chapter-section';
import type { Reference } from '../components/chapter-section';
import { term } from '../components/notation';
import { prose } from '../components/styles';

const references: Reference[] = [
  { title: 'Kingma & Welling 2014, Auto-Encoding Variational Bayes', href: 'https://arxiv.org/abs/1312.6114', note: 'the VAE' },
  { title: 'Rombach et al. 2022, High-Resolution Image Synthesis with Latent Diffusion Models', href: 'https://arxiv.org/abs/2112.10752', note: 'diffusion in a latent space' },
];

@customElement('chapter-3')
export class Chapter3 extends LitElement {
  static styles = prose;

  render() {
    return html`
      <chapter-section number="3" heading="The latent space" .references=${references}>
        <p>The VAE's encoder and decoder on any frame or drawing, the four latent channels, the reconstruction error, and why diffusion in a latent costs less than in pixels.</p>
        <p class="coming-soon">Coming soon: a frame squeezed into an 8 × 8 × 4 latent ${term('z')} and back.</p>
      </chapter-section>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chapter-3': Chapter3;
  }
}
