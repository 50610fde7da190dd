// Where a model's bytes come from, checked against the manifest's sha256.
//
// A `WeightSource` gives the manifest and a model's bytes. In the page (the
// model worker) `httpWeights(base)` downloads `base/manifest.json` and
// `base/<file>` lazily, the first time a model is needed, streaming the download
// so the page can draw a progress bar, checks size and sha256 (crypto.subtle),
// and keeps the checked file in Cache Storage under its URL plus its sha256, so
// a second visit downloads nothing, and a file whose sha256 changed in the
// manifest is downloaded again (the old copy is deleted). A file that is missing
// (HTTP 404), or whose bytes do not match the manifest, is a WeightsError that
// names the model; nothing wrong is ever cached. In Node, `fileWeights` in
// ./weights-node.ts reads weights/ from disk with the same checks. DOM-free.
import { modelEntry, parseManifest, WeightsError, type Manifest, type ManifestModel } from './manifest';
import { sha256Hex } from './sha256';

export interface DownloadProgress {
  model: string;
  file: string;
  /** Bytes received so far (all of them when it came from the cache). */
  loaded: number;
  /** The file's size (from the manifest). */
  total: number;
  /** True when no download was needed. */
  fromCache: boolean;
  done: boolean;
}

export interface BytesOptions {
  onProgress?: (p: DownloadProgress) => void;
  signal?: AbortSignal;
}

export interface WeightSource {
  /** Where the weights come from, for messages ("http://…/weights/", "/repo/weights"). */
  readonly location: string;
  manifest(): Promise<Manifest>;
  /** A model's file, checked against the manifest. */
  bytes(model: string, options?: BytesOptions): Promise<Uint8Array>;
  /** Whether `bytes(model)` would need no download. */
  isCached(model: string): Promise<boolean>;
}

/** Throws a WeightsError unless `bytes` are the manifest's file (size, then sha256). */
export async function checkWeights(model: string, entry: ManifestModel, bytes: Uint8Array): Promise<void> {
  if (bytes.length !== entry.bytes) {
    throw new WeightsError(
      `${entry.file} is corrupt: ${bytes.length} bytes where weights/manifest.json says ${entry.bytes}`,
      model,
      'corrupt',
    );
  }
  const got = await sha256Hex(bytes);
  if (got !== entry.sha256) {
    throw new WeightsError(
      `${entry.file} is corrupt: its sha256 is ${got.slice(0, 12)}…, weights/manifest.json says ${entry.sha256.slice(0, 12)}…`,
      model,
      'corrupt',
    );
  }
}

export interface HttpWeightsOptions {
  /** Cache Storage name; null: no caching. Default 'sora-weights-v1'. */
  cacheName?: string | null;
  fetch?: typeof fetch;
}

/** The Cache Storage name weights are kept under (the service worker, pipeline/offline/, fills the same cache). */
export const WEIGHTS_CACHE = 'sora-weights-v1';
const DEFAULT_CACHE = WEIGHTS_CACHE;

/** Weights over HTTP from `base` (a folder URL ending in '/'), cached in Cache Storage where it exists. */
export function httpWeights(base: string, options: HttpWeightsOptions = {}): WeightSource {
  const doFetch = options.fetch ?? ((...a: Parameters<typeof fetch>) => globalThis.fetch(...a));
  const cacheName = options.cacheName === undefined ? DEFAULT_CACHE : options.cacheName;
  const caches = (globalThis as { caches?: CacheStorage }).caches;
  const cacheAvailable = !!caches && cacheName !== null;
  const openCache = async (): Promise<Cache | null> => {
    if (!cacheAvailable) return null;
    try {
      return await caches!.open(cacheName!);
    } catch {
      return null; // e.g. storage disabled: work without a cache
    }
  };
  const manifestUrl = new URL('manifest.json', base).href;
  let manifestPromise: Promise<Manifest> | null = null;
  const inFlight = new Map<string, Promise<Uint8Array>>();

  const loadManifest = async (): Promise<Manifest> => {
    const cache = await openCache();
    let response: Response;
    try {
      response = await doFetch(manifestUrl, { cache: 'no-cache' });
    } catch (e) {
      // Offline: the manifest this browser saw last, if any.
      const cached = await cache?.match(manifestUrl);
      if (cached) return parseManifest(await cached.json());
      throw new WeightsError(`weights/manifest.json could not be downloaded: ${(e as Error).message}`, null, 'download');
    }
    if (!response.ok) {
      throw new WeightsError(`weights/manifest.json could not be downloaded (HTTP ${response.status})`, null, response.status === 404 ? 'missing' : 'download');
    }
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new WeightsError('weights/manifest.json is not valid JSON', null, 'manifest');
    }
    const manifest = parseManifest(json);
    await cache?.put(manifestUrl, new Response(text, { headers: { 'Content-Type': 'application/json' } })).catch(() => undefined);
    return manifest;
  };

  const source: WeightSource = {
    location: base,
    manifest() {
      if (!manifestPromise) {
        manifestPromise = loadManifest();
        manifestPromise.catch(() => (manifestPromise = null)); // a failure may be retried
      }
      return manifestPromise;
    },
    async isCached(model) {
      const entry = modelEntry(await source.manifest(), model);
      const cache = await openCache();
      return !!(cache && (await cache.match(cacheKey(base, entry))));
    },
    async bytes(model, opts = {}) {
      const entry = modelEntry(await source.manifest(), model);
      const key = cacheKey(base, entry);
      // One download a file, however many cells (or manifest entries naming that file) wait for it.
      const running = inFlight.get(key);
      if (running) return running;
      const p = (async () => {
        const url = new URL(entry.file, base).href;
        const report = (loaded: number, fromCache: boolean, done: boolean) =>
          opts.onProgress?.({ model, file: entry.file, loaded, total: entry.bytes, fromCache, done });
        const cache = await openCache();
        const hit = await cache?.match(key);
        if (hit) {
          const bytes = new Uint8Array(await hit.arrayBuffer());
          try {
            await checkWeights(model, entry, bytes);
            report(bytes.length, true, true);
            return bytes;
          } catch {
            await cache!.delete(key); // a damaged cached copy: download it again
          }
        }
        report(0, false, false);
        const bytes = await download(doFetch, url, model, entry, (n) => report(n, false, false), opts.signal);
        await checkWeights(model, entry, bytes);
        if (cache) {
          // Older versions of this file (another sha256) are dead weight now.
          for (const old of await cache.keys()) if (old.url.startsWith(`${url}?sha256=`) && old.url !== key) await cache.delete(old);
          await cache.put(key, new Response(bytes.slice().buffer, { headers: { 'Content-Type': 'application/octet-stream' } })).catch(() => undefined);
        }
        report(bytes.length, false, true);
        return bytes;
      })();
      inFlight.set(key, p);
      const clear = () => inFlight.delete(key);
      p.then(clear, clear);
      return p;
    },
  };
  return source;
}

/** A checked file's key in the weights cache: its URL plus its sha256 (so a changed file is a new key). */
export function cacheKey(base: string, entry: Pick<ManifestModel, 'file' | 'sha256'>): string {
  return `${new URL(entry.file, base).href}?sha256=${entry.sha256}`;
}

async function download(
  doFetch: typeof fetch,
  url: string,
  model: string,
  entry: ManifestModel,
  onBytes: (n: number) => void,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  let response: Response;
  try {
    // The Cache Storage copy is the cache: skip the HTTP cache, which may hold an older file.
    response = await doFetch(url, { cache: 'no-store', signal });
  } catch (e) {
    if (signal?.aborted) throw e;
    throw new WeightsError(`${entry.file} could not be downloaded: ${(e as Error).message}`, model, 'download');
  }
  if (response.status === 404) throw new WeightsError(`${entry.file} is missing on the server (HTTP 404)`, model, 'missing');
  if (!response.ok) throw new WeightsError(`${entry.file} could not be downloaded (HTTP ${response.status})`, model, 'download');
  if (!response.body) {
    const bytes = new Uint8Array(await response.arrayBuffer());
    onBytes(bytes.length);
    return bytes;
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  let lastReport = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    loaded += value.length;
    if (loaded > entry.bytes) {
      // more than the manifest's size: wrong whatever follows, so read no further
      await reader.cancel().catch(() => undefined);
      throw new WeightsError(
        `${entry.file} is corrupt: more than ${entry.bytes} bytes (${loaded} so far) where weights/manifest.json says ${entry.bytes}`,
        model,
        'corrupt',
      );
    }
    chunks.push(value);
    if (loaded - lastReport >= 64 * 1024) {
      lastReport = loaded;
      onBytes(loaded);
    }
  }
  const bytes = new Uint8Array(loaded);
  let offset = 0;
  for (const c of chunks) {
    bytes.set(c, offset);
    offset += c.length;
  }
  return bytes;
}

/** Weights given in memory (tests): `files` maps a manifest file name to its bytes. */
export function memoryWeights(manifest: Manifest, files: Record<string, Uint8Array>): WeightSource {
  return {
    location: 'memory',
    manifest: async () => parseManifest(manifest),
    isCached: async () => true,
    async bytes(model, opts = {}) {
      const entry = modelEntry(manifest, model);
      const bytes = files[entry.file];
      if (!bytes) throw new WeightsError(`${entry.file} is missing`, model, 'missing');
      await checkWeights(model, entry, bytes);
      opts.onProgress?.({ model, file: entry.file, loaded: bytes.length, total: entry.bytes, fromCache: true, done: true });
      return bytes;
    },
  };
}
