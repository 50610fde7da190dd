// Chapter 6: Conditioning on text. A placeholder until the chapter is written.
// Tokens, text embeddings, cross-attention maps from each word to the patches it shapes, the guidance scale, the empty and the negative prompt, prompt expansion; adaLN versus cross-attention versus in-context conditioning.
import { LitElement, html } from 'lit';
import { customElement } from 'lit/decorators.js';
import '../components/chapter-section';
import type { Reference } from '../components/chapter-section';
import { term } from '../components/notation';
import { prose } from '../components/styles';

const references: Reference[] = [
  { title: 'Ho & Salimans 2022, Classifier-Free Diffusion Guidance', href: 'https://arxiv.org/abs/2207.12598', note: 'the guidance scale' },
  { title: 'Hertz et al. 2022, Prompt-to-Prompt Image Editing with Cross Attention Control', href: 'https://arxiv.org/abs/2208.01626', note: 'cross-attention maps' },
  { title: 'Tang et al. 2022, What the DAAM: Interpreting Stable Diffusion Using Cross Attention', href: 'https://arxiv.org/abs/2210.04885', note: 'word-to-pixel attribution' },
];

@customElement('chapter-6')
export class Chapter6 extends LitElement {
  static styles = prose;

  render() {
    return html`
      <chapter-section number="6" heading="Conditioning on text" .references=${references}>
        <p>Tokens, text embeddings, cross-attention maps from each word to the patches it shapes, the guidance scale, the empty and the negative prompt, prompt expansion; adaLN versus cross-attention versus in-context conditioning.</p>
        <p class="coming-soon">Coming soon: turn the guidance scale ${term('s')} and see the prompt take hold.</p>
      </chapter-section>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chapter-6': Chapter6;
  }
}
