// The page's one engine: which backend runs the models (read from and written
// to the URL, `?backend=…`, for every chapter at once), and what the page knows
// of its models so far (the manifest, which are stored in this browser, the
// downloads under way, the backend each model last ran on and the times 'auto'
// measured). Every ModelController reports here; <engine-panel> shows it.
// An EventTarget: 'backend' when the choice changes, 'models' when what is known
// of the models does.
import type { BackendPreference, BackendReport } from '../../pipeline/runtime/models';
import type { Manifest } from '../../pipeline/runtime/manifest';
import type { WebGpuSupport } from '../../pipeline/runtime/ort';
import type { DownloadProgress } from '../../pipeline/runtime/weights';
import { readBackend, writeBackend } from '../../pipeline/runtime/backend-state';
import { replaceQuery } from '../shell/location';

const LABELS: Record<string, string> = {
  text_encoder: 'text encoder',
  vae_encoder: 'VAE encoder',
  vae_decoder: 'VAE decoder',
  video_encoder: 'video encoder',
  dit: 'DiT',
  dit_inspect: 'DiT (with its attention)',
  unet: 'U-Net',
  unet_inspect: 'U-Net (with its attention)',
  unet_pixel: 'pixel U-Net',
  dit_cross: 'DiT, cross-attention only',
  dit_in_context: 'DiT, text in context',
  dit_adaln: 'DiT, text through adaLN',
};

/** What share of `whole`'s training minutes `model` had, as 1/N: N (at least 1), or null before the manifest lists both. */
export function shareOfTraining(model: string, whole: string, manifest: Manifest | null): number | null {
  const part = Number(manifest?.models[model]?.train_minutes);
  const all = Number(manifest?.models[whole]?.train_minutes);
  return part > 0 && all > 0 ? Math.max(1, Math.round(all / part)) : null;
}

/** A model's name for a reader: never its file name ('dit_snap16' is the DiT after 1/16 of its training, as the manifest's minutes say). */
export function modelLabel(name: string, manifest: Manifest | null = null): string {
  const snap = /^(\w+)_snap\d+$/.exec(name);
  if (snap) {
    const share = shareOfTraining(name, snap[1], manifest);
    const base = LABELS[snap[1]] ?? snap[1];
    return share ? `${base} at 1/${share} of its training` : `${base}, an earlier checkpoint`;
  }
  return LABELS[name] ?? name.replace(/_/g, ' ');
}

export class EngineState extends EventTarget {
  private chosen: BackendPreference | null = null;
  manifest: Manifest | null = null;
  webgpu: WebGpuSupport | null = null;
  /** Per model: stored in this browser (true), not yet (false); absent: not asked about yet. */
  cached: Record<string, boolean> = {};
  downloads: Record<string, DownloadProgress> = {};
  /** The latest report of each model, whichever chapter ran it. */
  reports: Record<string, BackendReport> = {};

  /** The backend choice: the URL's until something sets it. */
  get backend(): BackendPreference {
    return (this.chosen ??= readBackend(new URLSearchParams(globalThis.location?.search ?? '')).backend);
  }

  /** Chooses a backend for every model of the page (not written to the URL; see `setBackend`). */
  set backend(backend: BackendPreference) {
    if (backend === this.chosen) return;
    this.chosen = backend;
    this.dispatchEvent(new Event('backend'));
  }

  /** Chooses a backend for every model of the page, and puts it in the URL ('auto' leaves it out). */
  setBackend(backend: BackendPreference): void {
    this.backend = backend;
    if (globalThis.location && globalThis.history) replaceQuery(writeBackend(new URLSearchParams(location.search), backend));
  }

  noteStatus(manifest: Manifest, cached: Record<string, boolean>, webgpu: WebGpuSupport | null): void {
    this.manifest = manifest;
    // what a download has since stored stays stored
    for (const [m, c] of Object.entries(cached)) this.cached[m] = c || this.cached[m] === true;
    if (webgpu) this.webgpu = webgpu;
    this.changed();
  }

  noteDownload(p: DownloadProgress): void {
    this.downloads = { ...this.downloads, [p.model]: p };
    if (p.done) this.cached = { ...this.cached, [p.model]: true };
    this.changed();
  }

  noteReports(reports: BackendReport[]): void {
    for (const r of reports) this.reports = { ...this.reports, [r.model]: r };
    this.changed();
  }

  private changed(): void {
    this.dispatchEvent(new Event('models'));
  }
}

/** The page's engine (one per page, or per worker-less Node test process). */
export const engineState = new EngineState();
