// Chapter 5's "Try this" questions, their answers (each reading a number live
// from the figure it changes where it can) and the chapter's references. The
// chapter (chapter-5.ts) hands both to its <chapter-section>.
import { html } from 'lit';
import type { Reference, TryThis } from '../../components/shell/chapter-section';
import type { Chapter5State } from './state';

/** What the try-this buttons may ask beyond the state: start the race; put the query on the object once the clip is there. */
export type TryState = Partial<Chapter5State> & { startRace?: boolean; snapQuery?: boolean };

export const TRY_THIS: TryThis<TryState>[] = [
  {
    question: 'Two objects, each with its own colour, are the hardest prompts in this world. Which denoiser binds the colours to the right shapes more often? Race them over 16 seeds.',
    state: { prompt: 'a red square and a green circle', seed: 0, sampler: 'ddim', steps: 30, guidance: 4, step: 100, startRace: true },
    figure: 'race-figure',
    // The race's standings as race-charts shows them (read from the page, as the answer quotes the figure).
    live: {
      read: (f) => {
        const status = f.shadowRoot?.querySelector<HTMLElement>('#race-status');
        const models = Array.from(f.shadowRoot?.querySelector('race-charts')?.shadowRoot?.querySelectorAll('.model') ?? []);
        const standings = models.flatMap((m) => {
          const n = (m.querySelector('.standing')?.textContent ?? '').match(/(\d+) of (\d+) pass/);
          return n ? [`${m.querySelector('strong')?.textContent ?? ''} ${n[1]} of ${n[2]} pass`] : [];
        });
        if (!status || !standings.length) return undefined;
        const prompt = (status.textContent ?? '').match(/“[^”]*”/)?.[0] ?? '';
        const when = status.dataset.state === 'running' ? ' so far' : status.dataset.state === 'stopped' ? ' (stopped)' : '';
        return `${prompt}: ${standings.join(', ')}${when}.`;
      },
    },
    answer: html`<p>
      Count, then compare the intervals: with 16 seeds a 95 % interval is wide, so a gap of two or three
      passes is not yet a difference. Two colours on two shapes is where small models fail most: the colour
      of one object leaks onto the other, or one object is lost. Both denoisers read the prompt through
      cross-attention, so the race measures how well each learned to bind, at this small compute; which one
      wins depends on the trained weights; the DiT paper's finding, that a transformer given more compute per
      step makes better samples, is about far more compute than this.
    </p>`,
  },
  {
    question: 'adaLN-Zero starts every gate at 0. After training, which block’s attention gate is widest open at the start of sampling (t = 999), and which at the end (t = 0)?',
    state: { part: 'gate1', t: 999 },
    figure: 'adaln-figure',
    // The adaLN figure's readout: the widest block at the t it shows.
    live: {
      read: (f) => {
        const text = (f.shadowRoot?.querySelector('#adaln-readout')?.textContent ?? '').replace(/\s+/g, ' ');
        const m = text.match(/At t = (\d+): block \d+’s (.+?) has .*Of the (\d+) blocks, block (\d+)’s is the largest \(([^)]+)\)/);
        return m ? `t = ${m[1]}: of the ${m[3]} blocks, block ${m[4]}’s ${m[2]} is widest open (mean |value| ${m[5]}).` : undefined;
      },
    },
    answer: html`<p>
      adaLN-Zero sets the last layer of every block's modulation to zero before training, so each gate starts
      at 0 and each block starts as the identity: the network begins as if it had no blocks and opens the
      gates it finds useful. The line above reads the widest gate at the t shown; set t to 0 and read it
      again. If the block changes, the network has given its blocks different work at different noise levels
      (the rough layout while x<sub>t</sub> is mostly noise, the details near the end), all from the one
      timestep embedding that adaLN turns into scales, shifts and gates.
    </p>`,
  },
  {
    question: 'Put the query on the moving circle in frame 1. In which layers does its attention stay in its own frame, and in which does the patch it attends to most in each frame follow the circle?',
    state: { clip: 'a red circle moving right', qf: 1, layer: 6, head: 'mean', astep: 25, snapQuery: true },
    figure: 'attention-figure',
    // The attention readout: the own-frame share by layer, and how often the peak lies on the object.
    live: {
      read: (f) => {
        const out = f.shadowRoot?.querySelector<HTMLElement>('#attn-readout');
        const shares = out?.querySelector('#own-shares')?.textContent?.replace(/\s+/g, ' ').trim();
        if (!out || !shares) return undefined;
        const layer = (out.textContent ?? '').match(/layer (\d+),/)?.[1];
        const judged = Number(out.dataset.judged);
        return `its own frame’s share, layer by layer: ${shares}${judged ? `; in layer ${layer}, the most-attended patch lies on the object in ${out.dataset.hits} of ${judged} frames` : ''}.`;
      },
    },
    answer: html`<p>
      Layers whose own-frame share is near 100 % look only at the query's frame: they work on space, like a
      picture model's attention. Layers that give much of their attention to the other frames, and whose
      peak in each frame lands on the circle, follow the object through time: the query finds the same
      circle a few patches further right in every frame. The DiT was never told which layer should do what;
      one attention over all the clip's tokens lets each layer learn it, where many video U-Nets build in
      separate spatial and temporal layers.
    </p>`,
  },
];

export const REFERENCES: Reference[] = [
  { title: 'Ronneberger, Fischer & Brox 2015, U-Net', href: 'https://arxiv.org/abs/1505.04597', note: 'the down-and-up convolutional network with skip connections' },
  { title: 'Rombach et al. 2022, High-Resolution Image Synthesis with Latent Diffusion Models', href: 'https://arxiv.org/abs/2112.10752', note: 'the latent U-Net with cross-attention to text' },
  { title: 'Peebles & Xie 2023, Scalable Diffusion Models with Transformers', href: 'https://arxiv.org/abs/2212.09748', note: 'DiT, adaLN-Zero, and FLOPs predicting quality' },
  { title: 'Kadkhodaie, Guth, Simoncelli & Mallat 2024, Generalization in diffusion models arises from geometry-adaptive harmonic representations', href: 'https://arxiv.org/abs/2310.02557', note: 'different networks, the same noise, nearly the same picture' },
  { title: 'OpenAI 2024, Video generation models as world simulators', href: 'https://openai.com/index/video-generation-models-as-world-simulators/', note: 'Sora: a diffusion transformer over spacetime patches' },
  { title: 'Ho, Salimans, Gritsenko, Chan, Norouzi & Fleet 2022, Video Diffusion Models', href: 'https://arxiv.org/abs/2204.03458', note: 'a 3-D U-Net: spatial layers, and attention over time' },
  { title: 'Ho et al. 2022, Imagen Video', href: 'https://arxiv.org/abs/2210.02303', note: 'a cascade of video U-Nets' },
  { title: 'Blattmann et al. 2023, Stable Video Diffusion', href: 'https://arxiv.org/abs/2311.15127', note: 'temporal layers inserted into an image U-Net' },
  { title: 'Dosovitskiy et al. 2021, An Image is Worth 16x16 Words (ViT)', href: 'https://arxiv.org/abs/2010.11929', note: 'transformers lack a convolution’s built-in locality, and need more data' },
];
