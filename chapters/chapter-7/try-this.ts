// Chapter 7's "Try this" questions, their answers (each reading a number live
// from the figure it changes where it can) and the chapter's references. The
// chapter (chapter-7.ts) hands both to its <chapter-section>.
import { html } from 'lit';
import type { Reference, TryThis } from '../../components/shell/chapter-section';
import type { EditFigure } from './edit-figure';
import type { PhysicsFigure } from './physics-figure';
import type { ScaleFigure } from './scale-figure';
import { cellKey, type Chapter7State } from './state';

/** The pass counts of the checkpoints' table, as it shows them (answer 1). */
function checkpointPasses(figure: HTMLElement): string | undefined {
  const rows = Array.from(figure.shadowRoot?.querySelectorAll<HTMLTableRowElement>('#passes tbody tr') ?? []);
  const counts = rows.map((r) => `${r.querySelector('th')?.textContent?.trim()} ${r.cells[r.cells.length - 1]?.textContent?.trim()}`);
  if (!counts.length) return undefined;
  const s = (figure as ScaleFigure).state;
  return `“${s.scalePrompt}”: ${counts.join(', ')} passed.`;
}

/** Where SDEdit starts at the strength shown, and the judge on the edited clip (answer 3). */
function editShown(figure: HTMLElement): string | undefined {
  const f = figure as EditFigure;
  const r = f.result, v = r?.clip.verdict;
  if (!r || r.key !== cellKey(f.state, 'edit') || !v) return undefined;
  const start = (f.shadowRoot?.querySelector('#sdedit-start')?.textContent ?? '').match(/t = (\d+)/)?.[1];
  return `${f.state.strength} %${start ? `, from t = ${start}` : ''}: the edited clip ${v.pass ? 'PASS' : `FAIL — ${v.reasons.join('; ')}`} (held to “${r.clip.prompt}”).`;
}

/** The law's and the judge's counts for both sources, as the figure says them (answer 4). */
function lawCounts(figure: HTMLElement): string | undefined {
  const f = figure as PhysicsFigure;
  if (!f.result || f.result.key !== cellKey(f.state, 'physics') || f.result.dit.some((r) => !r)) return undefined;
  return `“${f.state.physicsPrompt}”: ${f.shadowRoot?.querySelector('#physics-summary')?.textContent?.replace(/\s+/g, ' ').trim()}`;
}

export const TRY_THIS: TryThis<Partial<Chapter7State>>[] = [
  {
    question: 'Does the earliest checkpoint, trained with a small share of the compute, know what “moving right” means? Compare the three over 8 seeds.',
    state: { scalePrompt: 'a red circle moving right', scaleSeed: 0, seeds: 8 },
    figure: 'scale-figure',
    live: { read: checkpointPasses },
    answer: html`<p>
      Read the counts above, and look at the clips: an early checkpoint that draws a red circle but leaves it
      standing, or lets it wander, fails on “moving right”. A video model learns in order: first what the
      world's pictures look like (colours, shapes), then to keep an object the same from frame to frame, and
      only then to move it steadily, which needs every frame to agree with the others. With 8 seeds a count is
      rough; and the checkpoints differ in recipe as well as compute, so the figure shows compute and recipe
      together.
    </p>`,
  },
  {
    question: 'Animate the blue triangle to the left instead, then ask it to stay still. Does frame 1 stay the picture you gave?',
    state: { source: 'world', picture: 7, motion: 'left' },
    figure: 'animate-figure',
    answer: html`<p>
      Yes, up to the VAE: frame 1 is the picture's latent, put back at the end of sampling, so it comes out as
      the VAE's reconstruction of your picture, whatever the prompt. Only frames 2–8 are made, and the prompt
      (“moving left”, then “staying still”) decides what they do. If the object in frame 2 jumps, changes or
      stops matching frame 1, that is replacement's weakness (Ho et al. 2022): the held frame reaches the
      others only through attention, not through the sampler's guess.
    </p>`,
  },
  {
    question: 'SDEdit at 30 % and at 90 %: which keeps the motion of the clip, and which changes its colour to blue?',
    state: { editPrompt: 'a blue circle moving right', strength: 90 },
    figure: 'edit-figure',
    live: { read: editShown },
    answer: html`<p>
      At 30 % the latent is noised only a little (a low t, most of the clip left), so the layout and the
      motion survive, and often the red too: the few steps left cannot repaint it. At 90 % almost everything
      is noise again and the new prompt decides nearly all of it: the circle turns blue, but the motion and
      the place are the model's new choice, no longer the clip's. That is SDEdit's dial (Meng et al.): less
      noise keeps more of the input, more noise follows the prompt better.
    </p>`,
  },
  {
    question: 'Make “a blue square moving up” eight times. How many clips does the judge pass, and how many obey the world’s law of motion?',
    state: { physicsPrompt: 'a blue square moving up', physicsSeed: 0 },
    figure: 'physics-figure',
    live: { read: lawCounts },
    answer: html`<p>
      The judge passes more clips than obey the law. The judge asks what the caption asks: a blue square, and a
      net move of at least 4 px upwards over the eight frames. The law asks what every clip of the world does
      without being told: the same speed every frame on a straight path. In the chart the world's clips are
      straight lines, all of them; many of the DiT's bend: the square starts slowly and then hurries, or jumps
      between two frames. Nothing in the DiT's loss names constant speed: it learned motion only as far as
      eight-frame clips of the world showed it, and the rarer a mistake is in the loss, the longer it takes to
      go. Sora's report lists the same kind of failure at its scale.
    </p>`,
  },
];

export const REFERENCES: Reference[] = [
  { title: 'OpenAI 2024, Video generation models as world simulators', href: 'https://openai.com/index/video-generation-models-as-world-simulators/', note: 'what Sora does: animating images, extending, editing and connecting videos, scaling' },
  { title: 'Ho et al. 2022, Video Diffusion Models', href: 'https://arxiv.org/abs/2204.03458', note: 'diffusion over space and time; conditioning by replacing known frames' },
  { title: 'Meng et al. 2022, SDEdit', href: 'https://arxiv.org/abs/2108.01073', note: 'editing by noising and denoising' },
  { title: 'Peebles & Xie 2023, Scalable Diffusion Models with Transformers', href: 'https://arxiv.org/abs/2212.09748', note: 'the DiT, and quality growing with compute' },
  { title: 'Blattmann et al. 2023, Align your Latents', href: 'https://arxiv.org/abs/2304.08818', note: 'latent video diffusion, and prediction of future frames from context frames' },
];
