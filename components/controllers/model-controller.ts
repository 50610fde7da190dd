// ModelController: the one thin bridge from a chapter (a Lit element) to the
// model worker (pipeline/worker/client.ts). It
//  - runs a job in a <live-cell>: a newer run in that cell cancels the older one
//    (in the worker too, between denoising steps); errors stay in that cell with
//    its Retry; the cell's footer says what ran it, and a WebGPU failure that
//    fell back to WASM is a visible note in that cell;
//  - knows the chapter's models: their size before any download (from the
//    manifest), whether they are cached, and the download's progress;
//  - reads the page's backend choice ('auto' | 'wasm' | 'webgpu', one for the
//    whole page, in the URL as `?backend=…`) from the engine
//    (components/controllers/engine-state.ts), and tells the engine what it
//    learns of its models (sizes, downloads, what ran them, 'auto''s times):
//    the page's one <engine-panel> shows it all, and holds the switch.
//
//   class Chapter7 extends LitElement {
//     private models = new ModelController(this, { models: ['text_encoder', 'dit', 'vae_decoder'] });
//     private async make() {
//       const cell = this.renderRoot.querySelector<LiveCell>('live-cell#clip')!;
//       const clip = await this.models.run(cell, { kind: 'generate', options: { prompt: this.prompt, model: 'dit', seed: this.seed } },
//         { onProgress: (p) => { if (p.kind === 'step') this.step = p.step; } });
//       if (clip) this.clip = clip;      // undefined: failed (shown in the cell) or replaced by a newer run
//     }
//     render() { return html`${this.models.renderWeights()} <live-cell id="clip">…</live-cell>`; }
//   }
import { html, nothing, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { sharedModelClient, type ModelClient, type RequestOptions } from '../../pipeline/worker/client';
import type { Job, JobKind, JobResult, Progress } from '../../pipeline/worker/protocol';
import type { BackendPreference, BackendReport, ModelRunner } from '../../pipeline/runtime/models';
import type { Manifest } from '../../pipeline/runtime/manifest';
import { formatBytes } from '../../pipeline/runtime/manifest';
import type { WebGpuSupport } from '../../pipeline/runtime/ort';
import type { DownloadProgress } from '../../pipeline/runtime/weights';
import { describeError, type LiveCell } from '../shell/live-cell';
import { renderBackendSwitch } from '../shell/engine-panel';
import { engineState, modelLabel } from './engine-state';

export interface ModelControllerOptions {
  /** The manifest names of the models this chapter uses. */
  models: string[];
  client?: ModelClient;
  /** What to call a model in the weights line, when the chapter names it itself (undefined: the usual name). */
  label?: (model: string, manifest: Manifest | null) => string | undefined;
}

export interface RunInCellOptions {
  onProgress?: (p: Progress) => void;
}

/** What a task of several jobs gets (see `runTask`). */
export interface CellTask {
  /** Aborted when a newer run in the cell replaces this one. */
  signal: AbortSignal;
  /** Sends one job as part of this task; several may be in flight at once. */
  request<K extends JobKind>(job: Job<K>, options?: RunInCellOptions): Promise<JobResult<K>>;
  /** A ModelRunner whose model calls are 'run' jobs: pipeline functions that take one run unchanged on the page. */
  runner: ModelRunner;
}

let nextCellId = 1;
const cellIds = new WeakMap<Element, string>();

/** A stable key for a cell element, across the whole page. */
function cellKey(cell: Element): string {
  let id = cellIds.get(cell);
  if (!id) cellIds.set(cell, (id = `cell-${nextCellId++}${cell.id ? `-${cell.id}` : ''}`));
  return id;
}

export class ModelController implements ReactiveController {
  readonly client: ModelClient;
  readonly models: string[];
  manifest: Manifest | null = null;
  /** Why the manifest could not be read, if it could not. */
  manifestError: string | null = null;
  cached: Record<string, boolean> = {};
  downloads: Record<string, DownloadProgress> = {};
  webgpu: WebGpuSupport | null = null;
  /** The latest report of each model run through this controller. */
  reports: Record<string, BackendReport> = {};

  private readonly cells = new Set<string>();
  private readonly customLabel: ModelControllerOptions['label'];

  constructor(private readonly host: ReactiveControllerHost & HTMLElement, options: ModelControllerOptions) {
    this.client = options.client ?? sharedModelClient();
    this.models = options.models;
    this.customLabel = options.label;
    host.addController(this);
  }

  /** The page's backend choice (the engine's; setting it here sets it for the whole page, not in the URL). */
  get backend(): BackendPreference {
    return engineState.backend;
  }

  set backend(backend: BackendPreference) {
    engineState.backend = backend;
  }

  /** A model's name as the weights line shows it. */
  label(model: string): string {
    return this.customLabel?.(model, this.manifest) ?? modelLabel(model, this.manifest);
  }

  private readonly onBackend = () => this.host.requestUpdate();

  hostConnected(): void {
    engineState.addEventListener('backend', this.onBackend);
    void this.refreshStatus();
  }

  hostDisconnected(): void {
    engineState.removeEventListener('backend', this.onBackend);
    for (const cell of this.cells) this.client.cancel(cell);
  }

  /** Reads the manifest and what is cached (no download); the sizes show before anything loads. */
  async refreshStatus(): Promise<void> {
    try {
      // keyed by the models too: two controllers on one element must not cancel each other's status
      const { result } = await this.client.request(`status:${cellKey(this.host)}:${this.models.join(',')}`, { kind: 'status', models: this.models });
      this.manifest = result.manifest;
      this.cached = result.cached;
      this.webgpu = result.webgpu;
      this.manifestError = null;
      engineState.noteStatus(result.manifest, result.cached, result.webgpu);
    } catch (e) {
      if ((e as Error).name === 'AbortError') return;
      this.manifestError = describeError(e);
    }
    this.host.requestUpdate();
  }

  /** Bytes this chapter's models take, and those still to download. */
  get sizes(): { total: number; toDownload: number; missing: string[] } {
    let total = 0, toDownload = 0;
    const missing: string[] = [];
    for (const m of this.models) {
      const e = this.manifest?.models[m];
      if (!e) {
        missing.push(m);
        continue;
      }
      total += e.bytes;
      if (!this.cached[m]) toDownload += e.bytes;
    }
    return { total, toDownload, missing };
  }

  /**
   * Runs `job` in `cell`. Resolves to the result, or to undefined when it failed (the
   * error is shown in the cell, with Retry) or a newer run in that cell replaced it.
   */
  async run<K extends JobKind>(cell: LiveCell, job: Job<K>, options: RunInCellOptions = {}): Promise<JobResult<K> | undefined> {
    const key = cellKey(cell);
    this.cells.add(key);
    const answer = await cell.run(async (signal) => {
      const request: RequestOptions = {
        signal,
        backend: this.backend,
        onProgress: (p) => {
          if (p.kind === 'download') this.onDownload(p);
          options.onProgress?.(p);
        },
      };
      try {
        return await this.client.request(key, job, request);
      } catch (e) {
        const reports = (e as { reports?: BackendReport[] }).reports;
        if (reports?.length) this.showReports(cell, reports);
        throw e;
      }
    });
    if (!answer) return undefined;
    this.showReports(cell, answer.reports);
    return answer.result;
  }

  /**
   * Runs a task of several jobs in `cell` as one run: one busy state, one error with Retry, one
   * footer naming what ran them all; a newer run in the cell aborts every job of this one.
   * Resolves as `run` does.
   */
  async runTask<T>(cell: LiveCell, task: (t: CellTask) => Promise<T>): Promise<T | undefined> {
    const key = cellKey(cell);
    this.cells.add(key);
    const seen: BackendReport[] = [];
    let part = 0;
    const result = await cell.run(async (signal) => {
      const request = async <K extends JobKind>(job: Job<K>, options: RunInCellOptions = {}): Promise<JobResult<K>> => {
        const onProgress = (p: Progress) => {
          if (p.kind === 'download') this.onDownload(p);
          options.onProgress?.(p);
        };
        try {
          // each job its own key, so the task's jobs never cancel one another
          const answer = await this.client.request(`${key}/${++part}`, job, { signal, backend: this.backend, onProgress });
          seen.push(...answer.reports);
          return answer.result;
        } catch (e) {
          seen.push(...((e as { reports?: BackendReport[] }).reports ?? []));
          throw e;
        }
      };
      const runner: ModelRunner = {
        manifest: async () => this.manifest ?? (await request({ kind: 'status', models: [] })).manifest,
        run: async (model, feeds) => {
          const t0 = globalThis.performance.now();
          const r = await request({ kind: 'run', model, feeds });
          const report = [...seen].reverse().find((x) => x.model === model) ?? null;
          return { outputs: r.outputs, ms: r.ms ?? globalThis.performance.now() - t0, report: report! };
        },
      };
      try {
        return await task({ signal, request, runner });
      } finally {
        if (!signal.aborted && seen.length) this.showReports(cell, seen);
      }
    });
    return result;
  }

  private showReports(cell: LiveCell, reports: BackendReport[]): void {
    for (const r of reports) this.reports[r.model] = r;
    engineState.noteReports(reports);
    const labels = [...new Set(reports.map((r) => r.label))];
    cell.backend = labels.join(' + ');
    const notes = reports.filter((r) => r.fallback).map((r) => `${this.label(r.model)}: ${r.fallback}; it ran on WASM instead.`);
    cell.note = [...new Set(notes)].join(' ');
    this.host.requestUpdate();
  }

  private onDownload(p: DownloadProgress): void {
    this.downloads = { ...this.downloads, [p.model]: p };
    if (p.done) this.cached = { ...this.cached, [p.model]: true };
    engineState.noteDownload(p);
    this.host.requestUpdate();
  }

  /** Downloads (or reads from the cache) every model of the chapter now. */
  async load(cell: LiveCell): Promise<boolean> {
    return (await this.run(cell, { kind: 'load', models: this.models })) !== undefined;
  }

  /** Forces a backend (or 'auto') for the whole page, and puts it in the URL. */
  setBackend(backend: BackendPreference): void {
    engineState.setBackend(backend);
  }

  /** The chapter's weights: size before the download, a progress bar during it. */
  renderWeights(): TemplateResult {
    if (this.manifestError) return html`<p class="weights" role="status">The models' list could not be read: ${this.manifestError}</p>`;
    if (!this.manifest) return html`<p class="weights" role="status">Looking up this chapter's models…</p>`;
    const { total, toDownload, missing } = this.sizes;
    const active = this.models.map((m) => this.downloads[m]).filter((d): d is DownloadProgress => !!d && !d.done && !d.fromCache);
    const parts = this.models
      .filter((m) => this.manifest!.models[m])
      .map((m) => `${this.label(m)} ${formatBytes(this.manifest!.models[m].bytes)}`);
    // Cache Storage exists only in a secure context (https, or localhost): a class served over plain http downloads on every visit
    const keeps = typeof (globalThis as { caches?: unknown }).caches !== 'undefined';
    const state =
      toDownload === 0
        ? keeps
          ? 'all downloaded (kept in this browser)'
          : 'all downloaded (for this visit only: over plain http this browser keeps no copy)'
        : `${formatBytes(toDownload)} to download, ${keeps ? 'once' : 'on every visit (plain http)'}`;
    const loaded = active.reduce((s, d) => s + d.loaded, 0);
    const of = active.reduce((s, d) => s + d.total, 0);
    return html`<div class="weights" role="status">
      <span>Models: ${parts.join(', ')} (${formatBytes(total)}; ${state}). <a href="#engine">Engine</a></span>
      ${missing.length ? html`<span> Not trained yet: ${missing.map((m) => this.label(m)).join(', ')}.</span>` : nothing}
      ${active.length
        ? html`<label>Downloading ${active.map((d) => this.label(d.model)).join(', ')}:
            <progress max=${of} .value=${loaded}></progress> ${formatBytes(loaded)} of ${formatBytes(of)}</label>`
        : nothing}
    </div>`;
  }

  /** Which backend runs the models: the page's switch, and the times 'auto' measured (as <engine-panel> shows them). */
  renderBackend(): TemplateResult {
    return renderBackendSwitch(engineState, (m) => this.label(m));
  }
}
