// Chapter 0: Diffusion in two dimensions. A placeholder until the chapter is written.
// Points from a two-dimensional data set; the forward process as particles spreading out into a Gaussian; the exact denoiser of that data set drawn as a vector field; and sampling as the particles flowing back. No weights needed: everything is computed from the data set itself.
import { LitElement, html } from 'lit';
import { customElement } from 'lit/decorators.js';
import '../components/chapter-section';
import type { Reference } from '../components/chapter-section';
import { prose } from '../components/styles';

const references: Reference[] = [
  { title: 'Sohl-Dickstein et al. 2015, Deep Unsupervised Learning using Nonequilibrium Thermodynamics', href: 'https://arxiv.org/abs/1503.03585', note: 'where diffusion models began' },
  { title: 'Song et al. 2021, Score-Based Generative Modeling through Stochastic Differential Equations', href: 'https://arxiv.org/abs/2011.13456', note: 'the continuous-time view' },
];

@customElement('chapter-0')
export class Chapter0 extends LitElement {
  static styles = prose;

  render() {
    return html`
      <chapter-section number="0" heading="Diffusion in two dimensions" .references=${references}>
        <p>Points from a two-dimensional data set; the forward process as particles spreading out into a Gaussian; the exact denoiser of that data set drawn as a vector field; and sampling as the particles flowing back. No weights needed: everything is computed from the data set itself.</p>
        <p class="coming-soon">Coming soon: points spreading out as noise is added, and flowing back along the ideal denoiser's field.</p>
      </chapter-section>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chapter-0': Chapter0;
  }
}
