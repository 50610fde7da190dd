// Chapter 3: The latent space. The VAE's encoder and decoder on a world frame
// or the reader's drawing: the four latent channels, the reconstruction and its
// error, the compression; an edit of the latent the decoder redraws; mixing two
// frames in latent space against pixel space; and what a step of a denoiser
// costs in a latent against in pixels, measured here. Prose and layout: each
// figure is an element of this folder (vae-figure, latent-edit-figure,
// latent-mix-figure, step-cost-figure), the arithmetic is
// pipeline/lessons/latent-space.ts, the pieces are components/.
import { LitElement, html } from 'lit';
import { customElement } from 'lit/decorators.js';
import '../../components/shell/chapter-section';
import '../../components/shell/state-notice';
import { shownText, type Reference, type TryThis, type TryThisDetail } from '../../components/shell/chapter-section';
import { ModelController } from '../../components/controllers/model-controller';
import { term } from '../../components/shell/notation';
import { controls, layout, modelLines, prose } from '../../components/styles';
import { UrlStateController } from '../../components/controllers/url-state-controller';
import { encodeDrawing } from '../../pipeline/drawing';
import './latent-edit-figure';
import './latent-mix-figure';
import './step-cost-figure';
import './vae-figure';
import type { LatentEditFigure } from './latent-edit-figure';
import type { LatentMixFigure } from './latent-mix-figure';
import type { VaeFigure } from './vae-figure';
import { chapter3Schema, fmt, SIZE, type Chapter3State, type Encoded } from './state';

export { chapter3Schema, type Chapter3State } from './state';

/** A drawing the world never shows: one-pixel lines, a pixel apart in places (a try-this state). */
const THIN_LINES = (() => {
  const d = new Uint8Array(SIZE * SIZE);
  for (let i = 4; i < 28; i++) {
    d[i * SIZE + i] = 1; // a red diagonal
    d[6 * SIZE + i] = 4; // a yellow line
    d[i * SIZE + 26] = 3; // a blue line
  }
  for (let i = 8; i < 20; i += 2) for (let j = 10; j < 22; j++) d[j * SIZE + i] = 2; // green bars, a pixel apart
  return encodeDrawing(d);
})();

/** The edit figure's readout, when it shows an edit (answer 1). */
function editShown(figure: HTMLElement): string | undefined {
  const f = figure as LatentEditFigure;
  const text = shownText(f, '#edit-readout');
  return text?.startsWith('Against') ? `channel ${f.state.channel} × ${fmt(f.state.scale, 1)}: ${text.replace(/^Against/, 'against')}` : undefined;
}

/** What the judge reads in each mix (answer 2). */
function mixShown(figure: HTMLElement): string | undefined {
  const f = figure as LatentMixFigure;
  const pixel = shownText(f, '#pixel-reading'), latent = shownText(f, '#latent-reading');
  if (!pixel || !latent?.startsWith('The judge')) return undefined;
  const quoted = (t: string) => t.match(/“.*”/)?.[0] ?? t;
  return `α = ${fmt(f.state.mix)}: the judge reads the pixel mix as ${quoted(pixel)} and the latent mix as ${quoted(latent)}.`;
}

/** The reconstruction's PSNR and largest error, for the frame the VAE figure shows (answer 3). */
function reconShown(figure: HTMLElement): string | undefined {
  const f = figure as VaeFigure;
  const enc = f.encoded;
  if (!enc || !f.picture || enc.key !== f.picture.key) return undefined;
  const heldout = f.manifest?.vae?.heldout_psnr_db;
  return `PSNR ${fmt(enc.psnr, 1)} dB, the largest error of a pixel ${fmt(enc.maxError, 0)} of 255${typeof heldout === 'number' ? `; on world frames it never saw, the VAE averages ${fmt(heldout, 1)} dB` : ''}.`;
}

const TRY_THIS: TryThis<Partial<Chapter3State>>[] = [
  {
    question: 'What does each channel carry? Set channel 2’s scale to 0 (it becomes flat) and see what the decoder loses; then try the other channels.',
    state: { source: 'world', image: 2, channel: '2', scale: 0, shift: 0 },
    figure: 'latent-edit-figure',
    live: { read: editShown },
    answer: html`<p>
      Colour more than shape, in this VAE: with channel 2 flat, the yellow circle of this frame comes back
      purple while the red triangle keeps its colour, and both keep their outline and place. So channel 2
      carries part of what tells yellow from purple, and little of where things are. Try the others: none is
      one property by design, each is a mixture that training found useful, and the PSNR and the judge's
      reading above say how far each edit moves the frame.
    </p>`,
  },
  {
    question: 'Mix the first and last frame of a moving square half and half. Does either space put the square halfway? Compare both with the real middle frame.',
    state: { pair: 1, mix: 0.5 },
    figure: 'latent-mix-figure',
    live: { read: mixShown },
    answer: html`<p>
      Neither. The pixel mix is a cross-fade: two faint squares, one where the square starts and one where it
      ends. The latent mix is no better, because the VAE's latent is still a map, 8 × 8 cells laid out like the
      frame: averaging two latents averages two maps, and the decoder draws two off-colour, muddled squares
      where the square was and where it went, not one square halfway. Only the clip's real middle frame has the square in
      between. Motion is not a straight line between two latents; a video model has to learn it.
    </p>`,
  },
  {
    question: 'Lines one pixel wide never occur in the Shapes World. How well does the VAE restore them? Read the error map and the PSNR.',
    state: { source: 'drawing', drawing: THIN_LINES, scale: 1, shift: 0 },
    figure: 'vae-figure',
    live: { read: reconShown },
    answer: html`<p>
      Badly, next to a world frame: the decoder draws the nearest thing it knows. The green bars, a pixel
      apart, merge into one solid green block (the judge reads it as a square), the thin lines fade or change
      colour, and the error map is brightest along every line. An 8 × 8 latent has no room for detail one
      pixel wide, and the VAE learned to spend its 256 numbers on what the world is made of, solid shapes on
      a plain background. Compare the PSNR with its average on world frames, in the line above.
    </p>`,
  },
];
const REFERENCES: Reference[] = [
  { title: 'Kingma & Welling 2014, Auto-Encoding Variational Bayes', href: 'https://arxiv.org/abs/1312.6114', note: 'the VAE' },
  { title: 'Rombach et al. 2022, High-Resolution Image Synthesis with Latent Diffusion Models', href: 'https://arxiv.org/abs/2112.10752', note: 'diffusion in a latent space, and the scaling factor' },
  { title: 'OpenAI 2024, Video generation models as world simulators', href: 'https://openai.com/index/video-generation-models-as-world-simulators/', note: 'Sora’s video compression network' },
];

@customElement('chapter-3')
export class Chapter3 extends LitElement {
  static styles = [
    prose,
    controls,
    layout,
    modelLines,
  ];

  private url = new UrlStateController(this, chapter3Schema, 'c3');
  /** The VAE; the cost cell's U-Nets run through the same worker, named per call. */
  readonly models = new ModelController(this, { models: ['vae_encoder', 'vae_decoder'] });
  /** The frame through the VAE, as <vae-figure> handed it up; given to <latent-edit-figure>. */
  private encoded: Encoded | null = null;

  private figureEl<K extends 'vae-figure' | 'latent-edit-figure' | 'latent-mix-figure' | 'step-cost-figure'>(tag: K): HTMLElementTagNameMap[K] | null {
    return this.renderRoot.querySelector(tag);
  }

  /** What the figures show, for tests: the frame, its latent (scaled), the reconstruction, the edit and the mixes. */
  get figure() {
    const vae = this.figureEl('vae-figure')?.encoded ?? null;
    const edit = this.figureEl('latent-edit-figure')?.edited ?? null;
    const mix = this.figureEl('latent-mix-figure');
    const pl = mix?.pairLatents ?? null;
    return {
      picture: this.figureEl('vae-figure')?.picture?.rgb ?? null,
      latent: vae?.latent ?? null,
      recon: vae?.recon ?? null,
      psnr: vae?.psnr ?? NaN,
      editedLatent: edit?.latent ?? null,
      edited: edit?.rgb ?? null,
      editKey: edit?.key ?? '',
      pixelMix: mix?.pixelMix ?? null,
      latentMix: mix?.mixed?.rgb ?? null,
      mixKey: mix?.mixed?.key ?? '',
      pairLatents: pl ? { za: pl.za, zb: pl.zb } : null,
      cost: this.figureEl('step-cost-figure')?.rows ?? [],
    };
  }

  get state(): Chapter3State {
    return this.url.state;
  }

  setState(partial: Partial<Chapter3State>) {
    this.url.set(partial);
  }

  /** Times a step of each of the two U-Nets here, as the cost cell's button does. */
  measureCost(): Promise<void> {
    return this.figureEl('step-cost-figure')?.measureCost() ?? Promise.resolve();
  }

  protected firstUpdated() {
    this.dataset.ready = 'true';
  }

  private onTryThis(e: CustomEvent<TryThisDetail>) {
    this.url.clearProblems();
    this.url.set(e.detail.state as Partial<Chapter3State>);
  }

  private readonly onEncoded = (e: CustomEvent<Encoded>) => {
    this.encoded = e.detail;
    this.requestUpdate();
  };

  render() {
    const s = this.url.state;
    const vae = this.models.manifest?.vae;
    const scaling = typeof vae?.scaling_factor === 'number' ? vae.scaling_factor : null;
    return html`
      <chapter-section .tryThis=${TRY_THIS} .references=${REFERENCES} @try-this=${this.onTryThis}>
        <state-notice .messages=${this.url.messages()}></state-notice>
        <p>
          A frame of the Shapes World is 32 × 32 pixels with three colours each: 3,072 numbers. A clip of 8 frames is 24,576.
          The denoiser is called 30 times or more for one sample, on two copies of it each time with guidance, so every number it must see is
          paid for again and again. Latent diffusion pays less: a ${term('vae', html`<em>variational autoencoder</em>`)} (VAE) squeezes each frame into a
          much smaller <em>latent</em> ${term('z')}, the diffusion model works only there, and the VAE's decoder turns its
          final latent back into pixels, once.
        </p>
        <p>
          The VAE here shrinks each side by 4 and keeps 4 channels: a frame becomes an 8 × 8 grid of cells, each holding 4
          numbers. “Variational” is how it is trained: the encoder gives every latent number a mean and a spread, the decoder
          must redraw the frame from a sample drawn with them, and a small ${term('kl')} penalty pulls each towards the standard
          normal N(0, 1). That keeps the latents in one compact, smooth region with no stray points far out, a space the
          diffusion model can learn and the decoder can read everywhere. (The encoder here passes on the mean.) Pick a frame,
          or draw one, and see it go in and come back.
        </p>
        ${this.models.renderWeights()}
        <vae-figure .state=${s} .models=${this.models} .manifest=${this.models.manifest} @vae-encoded=${this.onEncoded} @drawing-committed=${() => this.url.flush()}></vae-figure>
        <p>
          The decoder does not get the frame back exactly: the error map shows where it misses, mostly on edges, where a
          shape's anti-aliased rim is hard to describe at a quarter of the resolution. PSNR (peak signal-to-noise ratio,
          10·log<sub>10</sub>(255² / mean squared error)) sums the error up in decibels; above about 30 dB the eye hardly
          tells the two apart, and the world's judge still reads the same objects. Each value on the channels' colour scale
          is the latent as the denoiser sees it: the encoder's output times a fixed scaling factor
          (${scaling ? fmt(scaling, 3) : 'from the manifest'}), chosen so that the latents have a spread of about 1, like
          the noise the diffusion model adds to them.
        </p>
        <h3>Change the latent, see the decoder redraw</h3>
        <p>
          The latent is not a small picture: no channel is “the red one” by design, and nothing forces a cell to describe
          only its own 4 × 4 pixels. Scale a channel or shift it and the decoder redraws from what you made. Small changes
          give a recognisable frame with different colours or edges; large ones give latents the decoder never saw in
          training, and its output stops being a Shapes World frame.
        </p>
        <latent-edit-figure .state=${s} .models=${this.models} .encoded=${this.encoded}></latent-edit-figure>
        <h3>Mixing two frames</h3>
        <p>
          Take the first and last frame of a clip where something moves, and mix them: (1 − α)·first + α·last. In pixel
          space that is a cross-fade, two faint copies. In latent space the decoder gets something between two latents,
          and it draws what that latent means to it. Neither puts the object where it really is halfway through the clip:
          motion is not a mix of frames. A video model has to learn it, which is why the clip's frames are denoised
          together in the next chapters.
        </p>
        <latent-mix-figure .state=${s} .models=${this.models}></latent-mix-figure>
        <h3>What a step costs in a latent, and in pixels</h3>
        <p>
          The saving is in the denoiser. A convolution costs in proportion to the positions it slides over, and attention
          to the square of the tokens; in the latent there are 16 times fewer positions (8 × 8 against 32 × 32). The VAE's
          decoder runs only once, after the last step. Two U-Nets of the same design, one trained on latents and one on
          pixels, show what that buys, in ${term('flops')} (floating-point operations) counted from their graphs and in milliseconds measured in this browser.
        </p>
        <step-cost-figure .models=${this.models} .manifest=${this.models.manifest}></step-cost-figure>
      </chapter-section>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chapter-3': Chapter3;
  }
}
