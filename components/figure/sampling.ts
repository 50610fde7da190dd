// What the figures that sample step by step share (chapter 2's sampler, chapter
// 5's side by side, and the cells around them): Enter or Shift+Enter to run,
// the Run button, the stale notice, the step scrubber under a run, and the models a
// figure lacks.
import { html, type TemplateResult } from 'lit';
import '../widgets/labelled-slider';
import type { ValueDetail } from '../widgets/labelled-slider';
import type { Manifest } from '../../pipeline/runtime/manifest';

/** Whether a keydown in a figure asks it to run: Enter in a text box, or Shift+Enter anywhere (as in a notebook). */
export function asksToRun(e: KeyboardEvent): boolean {
  if (e.key !== 'Enter' || e.isComposing) return false;
  const target = e.composedPath()[0] as HTMLElement | undefined;
  const inPrompt = target?.tagName === 'INPUT' && (target as HTMLInputElement).type === 'text';
  return e.shiftKey || inPrompt;
}

/** The models of `names` that the manifest does not list (none until the manifest is read). */
export function missingModels(manifest: Manifest | null, names: readonly string[]): string[] {
  return manifest ? names.filter((n) => !manifest.models[n]) : [];
}

/** The figure's Run button (Restart while its run goes): `button.run#run`. */
export function runButton(running: boolean, run: () => void): TemplateResult {
  return html`<button type="button" class="run" id="run" @click=${run}>${running ? 'Restart' : 'Run'}</button>`;
}

/** Said under a run whose settings have changed since. */
export function staleNotice(id: string): TemplateResult {
  return html`<p class="notice" id=${id} role="status">The settings changed since this run: press Run (or Shift+Enter) to sample them.</p>`;
}

export interface ScrubOptions {
  /** The run's steps, the step shown, and whether the run still goes (the slider waits for it). */
  of: number;
  shown: number;
  running: boolean;
  /** The timestep of a step, when it is known. */
  timestepAt: (step: number) => number | undefined;
  onStep: (step: number) => void;
}

/** "Look at step": a slider over a run's steps (`labelled-slider#scrub`). */
export function scrubSlider(o: ScrubOptions): TemplateResult {
  return html`<labelled-slider
    id="scrub"
    label="Look at step"
    min="1"
    max=${Math.max(1, o.of)}
    .value=${o.shown}
    ?disabled=${o.running}
    .format=${(v: number) => `step ${v} of ${o.of} · t = ${o.timestepAt(v) ?? '…'}`}
    hint=${o.running ? 'The run is under way; scrub it when it ends.' : 'Arrow keys move a step; Home and End go to the first and the last.'}
    @value-input=${(e: CustomEvent<ValueDetail>) => o.onStep(e.detail.value)}
  ></labelled-slider>`;
}
