// Chapter 4: Spacetime patches. A placeholder until the chapter is written.
// The latent of a clip cut into patches of a chosen size in time and space; token counts and attention cost as the clip grows; images as one-frame videos; variable duration and aspect ratio.
import { LitElement, html } from 'lit';
import { customElement } from 'lit/decorators.js';
import '../components/chapter-section';
import type { Reference } from '../components/chapter-section';
import { prose } from '../components/styles';

const references: Reference[] = [
  { title: 'OpenAI 2024, Video generation models as world simulators', href: 'https://openai.com/index/video-generation-models-as-world-simulators/', note: 'spacetime patches' },
  { title: 'Dosovitskiy et al. 2021, An Image is Worth 16x16 Words', href: 'https://arxiv.org/abs/2010.11929', note: 'images as sequences of patches' },
  { title: 'Dehghani et al. 2023, Patch n\' Pack: NaViT', href: 'https://arxiv.org/abs/2307.06304', note: 'any aspect ratio and resolution' },
];

@customElement('chapter-4')
export class Chapter4 extends LitElement {
  static styles = prose;

  render() {
    return html`
      <chapter-section number="4" heading="Spacetime patches" .references=${references}>
        <p>The latent of a clip cut into patches of a chosen size in time and space; token counts and attention cost as the clip grows; images as one-frame videos; variable duration and aspect ratio.</p>
        <p class="coming-soon">Coming soon: choose a patch size and count the tokens a clip becomes.</p>
      </chapter-section>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chapter-4': Chapter4;
  }
}
