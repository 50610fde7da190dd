// <engine-panel>: the page's one place for how its models run. The backend
// switch (for every chapter at once, kept in the URL so a shared link runs the
// same way), what 'auto' measured, whether WebGPU is there, and every model of
// the manifest: its size and whether this browser has it yet. The chapters keep
// only a line of their own models' sizes (linking here) and, under each figure,
// the line saying what ran it. It shows what the ModelControllers have told the
// engine (components/controllers/engine-state.ts); it asks for nothing itself,
// so opening the page downloads nothing because of it.
import { LitElement, css, html, nothing, type TemplateResult } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { BackendPreference } from '../../pipeline/runtime/models';
import { formatBytes } from '../../pipeline/runtime/manifest';
import { engineState, modelLabel, type EngineState } from '../controllers/engine-state';

const OPTIONS: [BackendPreference, string][] = [['auto', 'Fastest (timed)'], ['wasm', 'WASM (CPU)'], ['webgpu', 'WebGPU']];

/** The backend switch, the times 'auto' measured, and why WebGPU is not there when it is not. */
export function renderBackendSwitch(state: EngineState, label: (model: string) => string): TemplateResult {
  const timed = Object.values(state.reports).filter((r) => r.times && Object.keys(r.times).length > 1);
  return html`<div class="backend">
    <label>Run the models on
      <select @change=${(e: Event) => state.setBackend((e.target as HTMLSelectElement).value as BackendPreference)}>
        ${OPTIONS.map(([v, text]) => html`<option value=${v} ?selected=${state.backend === v}>${text}</option>`)}
      </select>
    </label>
    ${timed.map((r) => html`<span> ${label(r.model)}: ${r.reason}.</span>`)}
    ${state.webgpu && !state.webgpu.available ? html`<span> (${state.webgpu.reason})</span>` : nothing}
  </div>`;
}

/** Where a model stands in this browser, in words. */
function standing(state: EngineState, model: string): string {
  const d = state.downloads[model];
  if (d && !d.done) return `downloading: ${formatBytes(d.loaded)} of ${formatBytes(d.total)}`;
  if (state.cached[model] === true) return 'in this browser';
  if (state.cached[model] === false) return 'not downloaded yet';
  return 'not asked for yet';
}

@customElement('engine-panel')
export class EnginePanel extends LitElement {
  static styles = css`
    :host {
      display: block;
      font-size: 0.95rem;
    }
    .backend select {
      font: inherit;
    }
    .backend,
    p {
      margin: 0 0 0.75rem;
      max-width: var(--measure, 42rem);
    }
    .scroll {
      overflow-x: auto;
      max-width: 100%;
    }
    table {
      border-collapse: collapse;
      font-variant-numeric: tabular-nums;
    }
    th,
    td {
      text-align: left;
      padding: 0.2rem 1rem 0.2rem 0;
      border-bottom: 1px solid #ddd;
      vertical-align: top;
    }
    td.size {
      text-align: right;
      white-space: nowrap;
    }
    tr[data-stored] td:last-child {
      color: #2a6f2a;
    }
  `;

  /** The engine shown (the page's, unless a test hands another). */
  @property({ attribute: false }) state: EngineState = engineState;

  private readonly onChange = () => this.requestUpdate();

  connectedCallback(): void {
    super.connectedCallback();
    this.state.addEventListener('models', this.onChange);
    this.state.addEventListener('backend', this.onChange);
  }

  disconnectedCallback(): void {
    this.state.removeEventListener('models', this.onChange);
    this.state.removeEventListener('backend', this.onChange);
    super.disconnectedCallback();
  }

  render() {
    const s = this.state;
    const label = (m: string) => modelLabel(m, s.manifest);
    const models = s.manifest ? Object.entries(s.manifest.models) : [];
    const stored = models.filter(([m]) => s.cached[m] === true);
    const bytes = (list: typeof models) => list.reduce((sum, [, e]) => sum + e.bytes, 0);
    // Cache Storage exists only in a secure context (https, or localhost): over plain http nothing is kept
    const keeps = typeof (globalThis as { caches?: unknown }).caches !== 'undefined';
    return html`
      ${renderBackendSwitch(s, label)}
      ${models.length === 0
        ? html`<p>No model has been asked for yet: each chapter asks for its own when you come to it.</p>`
        : html`<p class="total" role="status">
              ${stored.length} of ${models.length} models in this browser (${formatBytes(bytes(stored))} of ${formatBytes(bytes(models))})${keeps
                ? ', kept for the next visit and for use offline.'
                : '; over plain http this browser keeps no copy, so they download on every visit.'}
            </p>
            <div class="scroll">
              <table>
                <thead><tr><th scope="col">Model</th><th scope="col">Size</th><th scope="col">Ran on</th><th scope="col">Here</th></tr></thead>
                <tbody>
                  ${models.map(([m, e]) => html`<tr data-model=${m} ?data-stored=${s.cached[m] === true}>
                    <td>${label(m)}</td>
                    <td class="size">${formatBytes(e.bytes)}</td>
                    <td>${s.reports[m]?.label ?? '—'}</td>
                    <td>${standing(s, m)}</td>
                  </tr>`)}
                </tbody>
              </table>
            </div>`}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'engine-panel': EnginePanel;
  }
}
