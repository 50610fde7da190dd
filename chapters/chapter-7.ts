// Chapter 7: Text to video. A placeholder until the chapter is written.
// The whole pipeline at once: animate an image, extend a clip, edit a clip (SDEdit), checkpoints trained with more and more compute, and the motion and consistency of the clip just made, measured.
import { LitElement, html } from 'lit';
import { customElement } from 'lit/decorators.js';
import '../components/chapter-section';
import type { Reference } from '../components/chapter-section';
import { prose } from '../components/styles';

const references: Reference[] = [
  { title: 'OpenAI 2024, Video generation models as world simulators', href: 'https://openai.com/index/video-generation-models-as-world-simulators/', note: 'what Sora does' },
  { title: 'Ho et al. 2022, Video Diffusion Models', href: 'https://arxiv.org/abs/2204.03458', note: 'diffusion over space and time' },
  { title: 'Meng et al. 2022, SDEdit', href: 'https://arxiv.org/abs/2108.01073', note: 'editing by noising and denoising' },
];

@customElement('chapter-7')
export class Chapter7 extends LitElement {
  static styles = prose;

  render() {
    return html`
      <chapter-section number="7" heading="Text to video" .references=${references}>
        <p>The whole pipeline at once: animate an image, extend a clip, edit a clip (SDEdit), checkpoints trained with more and more compute, and the motion and consistency of the clip just made, measured.</p>
        <p class="coming-soon">Coming soon: type a prompt and watch a clip being made, step by step.</p>
      </chapter-section>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chapter-7': Chapter7;
  }
}
