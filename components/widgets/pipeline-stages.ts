// <pipeline-stages>: the stages of text to video in a row (a grid on a phone),
// each lighting up while it runs, with what it made, how long it took, and a
// link to the chapter that explains it.
//
//   <pipeline-stages .stages=${[
//     { id: 'encode', name: 'Text encoder', detail: '24 × 128 numbers', status: 'done', ms: 12,
//       links: [{ href: '#conditioning', label: 'Chapter 7' }] },
//     { id: 'denoise', name: 'DiT', detail: 'step 12 of 30', status: 'running', progress: 0.4, links: […] },
//   ]}></pipeline-stages>
//
// The running stage has aria-current="step"; a change of stage is announced
// politely (a visually hidden live region). The glow of the running stage
// pulses only when the reader has not asked for reduced motion.
import { LitElement, css, html, nothing, type TemplateResult } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { PIPELINE_STAGES, type PipelineStage, type StageClock, type StageStatus } from '../../pipeline/worker/stages';

export type { StageStatus };

export interface StageView {
  id: string;
  name: string;
  /** What it made, or is making, in a few words. */
  detail: string | TemplateResult;
  status: StageStatus;
  /** Time it took (done) or has taken so far, ms; null or absent: not timed. */
  ms?: number | null;
  /** 0 … 1 while running, for a bar (the denoising steps). */
  progress?: number;
  links: { href: string; label: string }[];
}

/** "12 ms", "1.4 s". */
export function formatMs(ms: number): string {
  if (ms < 1) return '< 1 ms';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

const STATUS_WORDS: Record<StageStatus, string> = { waiting: 'waiting', running: 'running', done: 'done', failed: 'stopped' };

@customElement('pipeline-stages')
export class PipelineStages extends LitElement {
  static styles = css`
    :host {
      display: block;
    }
    ol {
      list-style: none;
      margin: 0;
      padding: 0;
      display: grid;
      grid-template-columns: repeat(2, minmax(0, 1fr));
      gap: 0.5rem;
      counter-reset: stage;
    }
    @media (min-width: 36rem) {
      ol {
        grid-template-columns: repeat(3, minmax(0, 1fr));
      }
    }
    :host([wide]) ol {
      grid-template-columns: repeat(auto-fit, minmax(8.5rem, 1fr));
    }
    li {
      position: relative;
      display: flex;
      flex-direction: column;
      gap: 0.1rem;
      min-width: 0;
      padding: 0.5rem 0.6rem 0.45rem;
      border: 1px solid var(--rule);
      border-radius: 0.5rem;
      background: var(--cell-bg, #fff);
      font-size: 0.85rem;
      line-height: 1.3;
      counter-increment: stage;
      transition: border-color 0.2s, background-color 0.2s;
    }
    .name {
      font-weight: 700;
      font-size: 0.92rem;
    }
    .name::before {
      content: counter(stage) ' ';
      color: var(--muted);
      font-weight: 600;
    }
    .detail {
      color: var(--ink);
      overflow-wrap: anywhere;
      min-height: 2.2em;
    }
    .meta {
      display: flex;
      flex-wrap: wrap;
      justify-content: space-between;
      gap: 0 0.5rem;
      margin-top: auto;
      color: var(--muted);
      font-variant-numeric: tabular-nums;
    }
    .links a {
      color: var(--link);
      text-underline-offset: 0.15em;
    }
    .links a:focus-visible {
      outline: 3px solid var(--focus);
      outline-offset: 2px;
    }
    li[data-status='waiting'] .name,
    li[data-status='waiting'] .detail {
      color: var(--muted);
    }
    li[data-status='running'] {
      border-color: var(--accent);
      background: var(--accent-soft);
      box-shadow: 0 0 0 2px var(--accent);
      animation: glow 1.2s ease-in-out infinite alternate;
    }
    li[data-status='done'] {
      border-color: var(--accent);
    }
    li[data-status='done'] .name::after {
      content: ' ✓';
      color: var(--accent-ink);
    }
    li[data-status='failed'] {
      border-color: var(--error);
      background: var(--error-soft);
    }
    .bar {
      height: 0.25rem;
      margin: 0.15rem 0;
      border-radius: 0.15rem;
      background: var(--rule);
      overflow: hidden;
    }
    .bar span {
      display: block;
      height: 100%;
      background: var(--accent);
    }
    @keyframes glow {
      from {
        box-shadow: 0 0 0 1px var(--accent);
      }
      to {
        box-shadow: 0 0 0 4px var(--accent-soft), 0 0 0 2px var(--accent);
      }
    }
    @media (prefers-reduced-motion: reduce) {
      li {
        transition: none;
      }
      li[data-status='running'] {
        animation: none;
      }
    }
    .sr {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip-path: inset(50%);
      white-space: nowrap;
    }
  `;

  @property({ attribute: false }) stages: readonly StageView[] = [];
  /** What the list is, for assistive technology. */
  @property() label = 'The stages of the pipeline';

  /** The sentence the live region says: the running stage, or that all are done. */
  private announcement(): string {
    const running = this.stages.find((s) => s.status === 'running');
    if (running) return `Running: ${running.name}.`;
    const failed = this.stages.find((s) => s.status === 'failed');
    if (failed) return `${failed.name} stopped.`;
    if (this.stages.length && this.stages.every((s) => s.status === 'done')) return 'Every stage is done.';
    return '';
  }

  render() {
    return html`
      <ol aria-label=${this.label}>
        ${this.stages.map(
          (s) => html`<li data-stage=${s.id} data-status=${s.status} aria-current=${s.status === 'running' ? 'step' : nothing}>
            <span class="name">${s.name}</span>
            <span class="detail">${s.detail}</span>
            ${s.status === 'running' && s.progress !== undefined
              ? html`<span class="bar" aria-hidden="true"><span style="width:${Math.round(Math.min(1, Math.max(0, s.progress)) * 100)}%"></span></span>`
              : nothing}
            <span class="meta">
              <span class="time">${s.ms !== undefined && s.ms !== null && s.status !== 'waiting' ? formatMs(s.ms) : html`<span class="sr">${STATUS_WORDS[s.status]}</span>`}</span>
              <span class="links">${s.links.map((l, i) => html`${i ? ' · ' : ''}<a href=${l.href}>${l.label}</a>`)}</span>
            </span>
          </li>`,
        )}
      </ol>
      <p class="sr" role="status" aria-live="polite">${this.announcement()}</p>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pipeline-stages': PipelineStages;
  }
}

/** What a text-to-video run shows of itself in each stage (see textToVideoStages). */
export interface RunInfo {
  /** Tokens the prompt became (start and end included), of 24. */
  tokens: number;
  seed: number;
  frames: number;
  /** Denoising steps asked for. */
  steps: number;
  /** The judge's word on the finished clip; null before it, or when the prompt cannot be judged. */
  pass: boolean | null;
  /** The denoiser's name, as the reader knows it. */
  denoiser?: string;
}

/** The links from each stage to the chapter that explains it (ids in index.html). */
export const STAGE_LINKS: Record<PipelineStage, { href: string; label: string }[]> = {
  tokens: [{ href: '#conditioning', label: 'Ch. 7' }],
  encode: [{ href: '#conditioning', label: 'Ch. 7' }],
  noise: [{ href: '#diffusion-2d', label: 'Ch. 0' }, { href: '#forward-noising', label: '1' }],
  denoise: [{ href: '#denoising', label: 'Ch. 3' }, { href: '#spacetime-patches', label: '5' }, { href: '#unet-vs-dit', label: '6' }],
  decode: [{ href: '#latent-space', label: 'Ch. 4' }],
  judge: [{ href: '#forward-noising', label: 'Ch. 1' }, { href: '#text-to-video', label: '9' }],
};

/** The six stages of text to video, from a StageClock and what the run is. */
export function textToVideoStages(clock: StageClock, info: RunInfo): StageView[] {
  const s = clock.states;
  const patches = info.frames * 16;
  const denoiser = info.denoiser ?? 'DiT';
  const detail: Record<PipelineStage, string | TemplateResult> = {
    tokens: `${info.tokens} of 24 tokens`,
    encode: '24 × 128 numbers: one vector a token',
    noise: html`z<sub>T</sub>: ${info.frames} × 4 × 8 × 8 normals, seed ${info.seed}`,
    denoise:
      s.denoise.status === 'running' && clock.of
        ? `step ${clock.step} of ${clock.of} · ${patches} spacetime patches`
        : `${info.steps} steps · ${patches} spacetime patches`,
    decode: `${info.frames} frame${info.frames > 1 ? 's' : ''} of 32 × 32 pixels`,
    judge:
      s.judge.status === 'done'
        ? info.pass === null
          ? 'made; the judge cannot read the prompt'
          : info.pass
            ? 'the judge: PASS'
            : 'the judge: FAIL'
        : 'the judge reads it',
  };
  const names: Record<PipelineStage, string> = {
    tokens: 'Tokenizer',
    encode: 'Text encoder',
    noise: 'Noise',
    denoise: denoiser,
    decode: 'VAE decoder',
    judge: 'Clip',
  };
  return PIPELINE_STAGES.map((id) => ({
    id,
    name: names[id],
    detail: detail[id],
    status: s[id].status,
    ms: s[id].ms,
    progress: id === 'denoise' && clock.of ? clock.step / clock.of : undefined,
    links: STAGE_LINKS[id],
  }));
}
