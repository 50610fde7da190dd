// What the service worker (./service-worker.ts, built into dist/sw.js by
// build.mjs) keeps for offline use, and how it answers a request. DOM-free, and
// every Cache Storage and fetch access goes through parameters, so the unit
// tests run all of it in Node with an in-memory cache.
//
// build.mjs writes the precache manifest (dist/precache-manifest.json, and the
// same object inlined at the top of dist/sw.js, so any change to the build
// changes sw.js's bytes and the browser installs the new worker):
//
//   files     every file of the build but source maps, sw.js and the manifest
//             itself, with its sha256: fetched at install into one cache whose
//             name carries the build's version, checked byte for byte (a file
//             the version before had with the same sha256 is copied from its
//             cache instead: a new build downloads only what changed)
//   onDemand  onnxruntime's WebGPU build (27 MB, fetched only where WebGPU runs):
//             fetched at install where the browser has a hardware WebGPU
//             adapter, otherwise (or when that fetch fails) kept the first time
//             the page asks for it
//   weights   the ONNX models weights/manifest.json lists: kept in the weights
//             cache of pipeline/runtime/weights.ts ('sora-weights-v1', under the
//             same `URL?sha256=…` keys), never in the versioned cache, so they
//             are stored once, are not downloaded again when only the code
//             changed, and the model worker finds them there without asking the
//             network at all
//
// What an install that meets a bad file does:
//   a file of the build   the install fails (the browser keeps the version it
//                         has, and tries again on the next visit), and the
//                         versioned cache it was filling is deleted: a build
//                         whose own code is not as built never takes over, and
//                         no half-filled cache is left behind
//   a weight file         the install goes on without it: every other file is
//                         kept, the install succeeds, and the file is listed as
//                         missing (./status.ts). The page asks the worker on
//                         every visit and shows the list in its notice; from the
//                         second visit on, that question tries the missing files
//                         again (offlineStatus below), and so does the next
//                         version's install. Until then a request for the file
//                         goes to the network, as without a worker.
//   an onDemand file      left out; kept the first time the page asks for it
//
// A request: GET, same origin, inside the worker's scope. A file of the build is
// answered from the cache (the network only if the cache lost it); a weight file
// from the weights cache under its sha256; anything else (another origin, the
// development server's reload stream, a file the build does not have) is left
// to the browser, which goes to the network as if there were no worker.
import { checkWeights, cacheKey, WEIGHTS_CACHE } from '../runtime/weights';
import { sha256Hex } from '../runtime/sha256';
import type { MissingFile } from './status';

export interface PrecacheFile {
  /** Path relative to the site's root (the worker's scope), e.g. "chunk-ABC.js". */
  path: string;
  sha256: string;
  bytes: number;
}

export interface PrecacheWeight extends PrecacheFile {
  /** The model's name in weights/manifest.json. */
  model: string;
  /** Its file name relative to the weights folder, as the manifest gives it. */
  file: string;
}

export interface PrecacheManifest {
  format: 1;
  /** Hash of everything below and of the worker's code: names the cache. */
  version: string;
  /** The weights folder, relative to the scope ("weights/"). */
  weightsBase: string;
  files: PrecacheFile[];
  onDemand: PrecacheFile[];
  weights: PrecacheWeight[];
}

export const APP_CACHE_PREFIX = 'sora-app';

/** The versioned cache of one build at one scope (two copies of the site on one origin keep apart). */
export function appCacheName(scope: string, version: string): string {
  return `${APP_CACHE_PREFIX} ${new URL(scope).pathname} ${version}`;
}

/** Caches of other builds at this scope: what activation deletes. */
export function staleAppCaches(names: readonly string[], scope: string, version: string): string[] {
  const mine = `${APP_CACHE_PREFIX} ${new URL(scope).pathname} `;
  const current = appCacheName(scope, version);
  return names.filter((n) => n.startsWith(mine) && n !== current);
}

const HEX64 = /^[0-9a-f]{64}$/;
const SAFE_PATH = /^(?!\/)(?!.*(?:^|\/)\.\.?(?:\/|$))[\w./@+~-]+$/;

/** Checks a precache manifest (it is inlined into sw.js by the build: a bad one is a build bug, and throws). */
export function parsePrecacheManifest(json: unknown): PrecacheManifest {
  const m = json as Partial<PrecacheManifest> | null;
  if (!m || typeof m !== 'object' || m.format !== 1) throw new Error('precache manifest: not format 1');
  if (typeof m.version !== 'string' || !/^[0-9a-f]{8,64}$/.test(m.version)) throw new Error('precache manifest: bad version');
  if (typeof m.weightsBase !== 'string' || !SAFE_PATH.test(m.weightsBase) || !m.weightsBase.endsWith('/')) throw new Error('precache manifest: bad weightsBase');
  const file = (f: unknown, what: string): PrecacheFile => {
    const e = f as PrecacheFile;
    if (!e || typeof e.path !== 'string' || !SAFE_PATH.test(e.path)) throw new Error(`precache manifest: ${what}: bad path ${JSON.stringify(e?.path)}`);
    if (typeof e.sha256 !== 'string' || !HEX64.test(e.sha256)) throw new Error(`precache manifest: ${e.path}: bad sha256`);
    if (!Number.isInteger(e.bytes) || e.bytes < 0) throw new Error(`precache manifest: ${e.path}: bad size`);
    return { path: e.path, sha256: e.sha256, bytes: e.bytes };
  };
  const list = <T>(v: unknown, what: string, each: (x: unknown) => T): T[] => {
    if (!Array.isArray(v)) throw new Error(`precache manifest: ${what} is not a list`);
    return v.map(each);
  };
  const files = list(m.files, 'files', (f) => file(f, 'files'));
  const onDemand = list(m.onDemand, 'onDemand', (f) => file(f, 'onDemand'));
  const weights = list(m.weights, 'weights', (w) => {
    const e = w as PrecacheWeight;
    const f = file(w, 'weights');
    if (typeof e.model !== 'string' || typeof e.file !== 'string' || `${m.weightsBase}${e.file}` !== f.path) {
      throw new Error(`precache manifest: weight ${f.path}: model and file do not match its path`);
    }
    return { ...f, model: e.model, file: e.file };
  });
  const paths = [...files, ...onDemand, ...weights].map((f) => f.path);
  if (new Set(paths).size !== paths.length) throw new Error('precache manifest: a path is listed twice');
  if (!files.some((f) => f.path === 'index.html')) throw new Error('precache manifest: no index.html');
  return { format: 1, version: m.version, weightsBase: m.weightsBase, files, onDemand, weights };
}

// ---------------------------------------------------------------------------
// Which cache answers a request.

export type Route =
  | { kind: 'app'; file: PrecacheFile }
  | { kind: 'onDemand'; file: PrecacheFile }
  | { kind: 'weights'; weight: PrecacheWeight }
  | { kind: 'network' };

export interface RouteTable {
  scope: string;
  app: Map<string, PrecacheFile>;
  onDemand: Map<string, PrecacheFile>;
  weights: Map<string, PrecacheWeight>;
}

export function routeTable(manifest: PrecacheManifest, scope: string): RouteTable {
  return {
    scope,
    app: new Map(manifest.files.map((f) => [f.path, f])),
    onDemand: new Map(manifest.onDemand.map((f) => [f.path, f])),
    weights: new Map(manifest.weights.map((w) => [w.path, w])),
  };
}

/**
 * Where a request is answered from. Only GET requests of the scope's own origin and path are ever
 * answered by the worker; the query is ignored for the build's files (index.html carries the URL
 * state, main.js a cache-busting `?v=`), so every link into the explainer opens offline.
 */
export function routeRequest(table: RouteTable, method: string, url: string): Route {
  if (method !== 'GET') return { kind: 'network' };
  let u: URL;
  let scope: URL;
  try {
    u = new URL(url);
    scope = new URL(table.scope);
  } catch {
    return { kind: 'network' };
  }
  if (u.origin !== scope.origin || !u.pathname.startsWith(scope.pathname)) return { kind: 'network' };
  let rel = u.pathname.slice(scope.pathname.length);
  if (rel === '') rel = 'index.html';
  const app = table.app.get(rel);
  if (app) return { kind: 'app', file: app };
  const lazy = table.onDemand.get(rel);
  if (lazy) return { kind: 'onDemand', file: lazy };
  const weight = table.weights.get(rel);
  if (weight) return { kind: 'weights', weight };
  return { kind: 'network' };
}

// ---------------------------------------------------------------------------
// Install, activate, answer: written against these few parts of the platform.

export interface CacheLike {
  match(request: string): Promise<Response | undefined>;
  put(request: string, response: Response): Promise<void>;
  delete(request: string): Promise<boolean>;
  keys(): Promise<readonly { url: string }[]>;
}

export interface CacheStorageLike {
  open(name: string): Promise<CacheLike>;
  keys(): Promise<string[]>;
  delete(name: string): Promise<boolean>;
}

export type FetchLike = (input: string | Request, init?: RequestInit) => Promise<Response>;

export interface PrecacheContext {
  manifest: PrecacheManifest;
  /** The worker's scope, an absolute URL ending in '/'. */
  scope: string;
  caches: CacheStorageLike;
  fetch: FetchLike;
  /** How many files are fetched at once during install. */
  parallel?: number;
  log?: (line: string) => void;
}

export interface InstallReport {
  /** Files fetched into the versioned cache (the build's own files, on-demand ones where included). */
  fetched: number;
  /** Files copied from an older version's cache, unchanged (same path, same sha256). */
  reused: number;
  /** Weight files downloaded (not already in the weights cache). */
  weightsFetched: number;
  /** Weight files found in the weights cache already. */
  weightsKept: number;
  /** Weight files that could not be stored (missing on the server, not as listed): the install went on without them. */
  weightsMissing: MissingFile[];
  /** On-demand files that could not be fetched at install (kept on first use instead). */
  onDemandSkipped: string[];
  bytes: number;
}

const absolute = (ctx: Pick<PrecacheContext, 'scope'>, path: string) => new URL(path, ctx.scope).href;

/** The header a cached copy carries its sha256 in, so the next version can reuse an unchanged file. */
export const SHA_HEADER = 'X-Offline-Sha256';

/** A response rebuilt around bytes already read, with the original status and headers (COOP/COEP for index.html), and its sha256. */
function rebuilt(res: Response, body: ArrayBuffer, sha256: string): Response {
  const headers = new Headers(res.headers);
  headers.set(SHA_HEADER, sha256);
  return new Response(body, { status: res.status, statusText: res.statusText, headers });
}

/** The same file (same path, same sha256) in another version's cache at this scope, if one holds it. */
async function priorCopy(ctx: PrecacheContext, file: PrecacheFile): Promise<Response | null> {
  const url = absolute(ctx, file.path);
  for (const name of staleAppCaches(await ctx.caches.keys(), ctx.scope, ctx.manifest.version)) {
    const hit = await (await ctx.caches.open(name)).match(url);
    if (hit && hit.headers.get(SHA_HEADER) === file.sha256) return hit;
  }
  return null;
}

/** One file of the build, fetched and checked against its sha256 (again past the HTTP cache if the first copy was stale). */
async function fetchChecked(ctx: PrecacheContext, file: PrecacheFile): Promise<Response> {
  const url = absolute(ctx, file.path);
  let why = '';
  for (const cache of ['default', 'reload'] as RequestCache[]) {
    const res = await ctx.fetch(url, { cache, credentials: 'same-origin' });
    if (!res.ok) {
      why = `HTTP ${res.status}`;
      continue;
    }
    const body = await res.arrayBuffer();
    const got = await sha256Hex(new Uint8Array(body));
    if (got === file.sha256 && body.byteLength === file.bytes) return rebuilt(res, body, got);
    why = `its sha256 is ${got.slice(0, 12)}…, the build says ${file.sha256.slice(0, 12)}…`;
  }
  throw new Error(`offline copy: ${file.path} could not be fetched as built (${why})`);
}

/** Runs `each` on the items, `n` at a time. After a failure no new item starts; it rejects with the first
 * failure once every started item has settled (so nothing is still writing when the caller cleans up). */
async function inParallel<T>(items: readonly T[], n: number, each: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const lanes = Array.from({ length: Math.max(1, Math.min(n, items.length)) }, async () => {
    while (!failed && next < items.length) {
      try {
        await each(items[next++]);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  });
  const settled = await Promise.allSettled(lanes);
  const failure = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) throw failure.reason;
}

const reasonOf = (e: unknown) => (e instanceof Error ? e.message : String(e)).replace(/^offline copy: /, '');

/** One weight file downloaded, checked as the model worker checks it, and stored in the weights cache (older copies of it removed). Throws when it is not as listed. */
async function storeWeight(ctx: PrecacheContext, w: PrecacheWeight, weightsCache: CacheLike): Promise<void> {
  const key = cacheKey(absolute(ctx, ctx.manifest.weightsBase), w);
  const url = absolute(ctx, w.path);
  const res = await ctx.fetch(url, { cache: 'no-store', credentials: 'same-origin' });
  if (!res.ok) throw new Error(res.status === 404 ? 'not on the server (HTTP 404)' : `the server answered HTTP ${res.status}`);
  const body = new Uint8Array(await res.arrayBuffer());
  await checkWeights(w.model, { file: w.file, sha256: w.sha256, bytes: w.bytes }, body);
  for (const old of await weightsCache.keys()) if (old.url.startsWith(`${url}?sha256=`) && old.url !== key) await weightsCache.delete(old.url);
  await weightsCache.put(key, new Response(body, { headers: { 'Content-Type': 'application/octet-stream' } }));
}

/** The weight files the build lists that the weights cache does not hold. */
export async function missingWeights(ctx: Pick<PrecacheContext, 'manifest' | 'scope' | 'caches'>): Promise<PrecacheWeight[]> {
  const weightsCache = await ctx.caches.open(WEIGHTS_CACHE);
  const base = absolute(ctx, ctx.manifest.weightsBase);
  const out: PrecacheWeight[] = [];
  for (const w of ctx.manifest.weights) if (!(await weightsCache.match(cacheKey(base, w)))) out.push(w);
  return out;
}

/**
 * Install: every file of the build into the versioned cache, and every weight file the weights cache
 * lacks into the weights cache (checked as the model worker checks it). All or nothing for the build's
 * own files: a failure deletes the versioned cache this install was filling and rejects, so the browser
 * keeps the version it has (or none) and tries again on the next visit. A weight file that cannot be
 * stored does not fail the install: the others are kept and it is listed in `weightsMissing` (the page
 * is told, and it is tried again later: offlineStatus). An on-demand file that cannot be fetched is left
 * for its first use.
 */
export async function install(ctx: PrecacheContext, options: { includeOnDemand?: boolean } = {}): Promise<InstallReport> {
  const { manifest } = ctx;
  const report: InstallReport = { fetched: 0, reused: 0, weightsFetched: 0, weightsKept: 0, weightsMissing: [], onDemandSkipped: [], bytes: 0 };
  const name = appCacheName(ctx.scope, manifest.version);
  const cache = await ctx.caches.open(name);
  const keep = async (file: PrecacheFile) => {
    if (await cache.match(absolute(ctx, file.path))) return; // an install that stopped halfway, tried again
    const prior = await priorCopy(ctx, file);
    if (prior) {
      await cache.put(absolute(ctx, file.path), prior);
      report.reused++;
      return;
    }
    const res = await fetchChecked(ctx, file);
    await cache.put(absolute(ctx, file.path), res);
    report.fetched++;
    report.bytes += file.bytes;
  };
  try {
    await inParallel(manifest.files, ctx.parallel ?? 4, keep);
  } catch (e) {
    await ctx.caches.delete(name);
    throw e;
  }
  if (options.includeOnDemand) {
    for (const file of manifest.onDemand) {
      try {
        await keep(file);
      } catch (e) {
        report.onDemandSkipped.push(file.path);
        ctx.log?.(`offline copy: ${file.path} left for its first use (${reasonOf(e)})`);
      }
    }
  }
  // Weights after the code: on a first visit the page is downloading the models it needs right now, and by
  // the time the code is stored those are usually in the weights cache already (stored once, by whoever came first).
  const weightsCache = await ctx.caches.open(WEIGHTS_CACHE);
  const base = absolute(ctx, manifest.weightsBase);
  for (const w of manifest.weights) {
    if (await weightsCache.match(cacheKey(base, w))) {
      report.weightsKept++;
      continue;
    }
    try {
      await storeWeight(ctx, w, weightsCache);
    } catch (e) {
      report.weightsMissing.push({ path: w.path, model: w.model, reason: reasonOf(e) });
      continue;
    }
    report.weightsFetched++;
    report.bytes += w.bytes;
  }
  ctx.log?.(`offline copy of ${manifest.version}: ${report.fetched} files fetched, ${report.reused} unchanged ones kept from the version before; ${report.weightsFetched} weight files fetched, ${report.weightsKept} already kept`);
  for (const m of report.weightsMissing) ctx.log?.(`offline copy of ${manifest.version}: ${m.path} not kept (${m.reason}); everything else is`);
  return report;
}

/**
 * The weight files the offline copy lacks, for the page's notice (./status.ts). Each listed file the weights
 * cache lacks is downloaded and stored again, unless `retry` is false and `known` already says why it is
 * missing (the install of this worker just tried it: the first visit's question). Returns those still missing.
 */
export async function offlineStatus(
  ctx: PrecacheContext,
  options: { retry: boolean; known?: ReadonlyMap<string, MissingFile> },
): Promise<MissingFile[]> {
  const weightsCache = await ctx.caches.open(WEIGHTS_CACHE);
  const missing: MissingFile[] = [];
  for (const w of await missingWeights(ctx)) {
    const known = options.known?.get(w.path);
    if (known && !options.retry) {
      missing.push(known);
      continue;
    }
    try {
      await storeWeight(ctx, w, weightsCache);
      ctx.log?.(`offline copy of ${ctx.manifest.version}: ${w.path} kept now`);
    } catch (e) {
      missing.push({ path: w.path, model: w.model, reason: reasonOf(e) });
    }
  }
  return missing;
}

export interface ActivateReport {
  deletedCaches: string[];
  deletedWeights: string[];
}

/**
 * Activate (the new version takes over): other builds' caches at this scope are deleted, and weight
 * files this build does not list (an older sha256, a model no longer in the manifest) leave the weights cache.
 */
export async function activate(ctx: Omit<PrecacheContext, 'fetch'>): Promise<ActivateReport> {
  const deletedCaches = staleAppCaches(await ctx.caches.keys(), ctx.scope, ctx.manifest.version);
  for (const name of deletedCaches) await ctx.caches.delete(name);
  const base = absolute(ctx, ctx.manifest.weightsBase);
  const keep = new Set(ctx.manifest.weights.map((w) => cacheKey(base, w)));
  const weightsCache = await ctx.caches.open(WEIGHTS_CACHE);
  const deletedWeights: string[] = [];
  for (const k of await weightsCache.keys()) {
    if (k.url.startsWith(base) && k.url.includes('?sha256=') && !keep.has(k.url)) {
      await weightsCache.delete(k.url);
      deletedWeights.push(k.url);
    }
  }
  return { deletedCaches, deletedWeights };
}

export interface Answer {
  response: Promise<Response>;
  /** Work that outlives the response (storing an on-demand file): for FetchEvent.waitUntil. */
  after?: Promise<unknown>;
}

/** Answers a routed request from the caches; null: leave it to the browser (the network). */
export function answer(ctx: PrecacheContext, route: Route, request: string | Request): Answer | null {
  if (route.kind === 'network') return null;
  if (route.kind === 'weights') {
    const base = absolute(ctx, ctx.manifest.weightsBase);
    return {
      response: (async () => {
        const hit = await (await ctx.caches.open(WEIGHTS_CACHE)).match(cacheKey(base, route.weight));
        return hit ?? ctx.fetch(request);
      })(),
    };
  }
  const key = absolute(ctx, route.file.path);
  const cacheName = appCacheName(ctx.scope, ctx.manifest.version);
  let stored: (value?: unknown) => void = () => undefined;
  const after = route.kind === 'onDemand' ? new Promise((resolve) => (stored = resolve)) : undefined;
  const response = (async () => {
    const cache = await ctx.caches.open(cacheName);
    const hit = await cache.match(key);
    if (hit) {
      stored();
      return hit;
    }
    const res = await ctx.fetch(request);
    if (route.kind === 'onDemand' && res.ok) {
      // kept for the next time, once its bytes are checked (a copy of another build is not kept)
      const copy = res.clone();
      void (async () => {
        try {
          const body = await copy.arrayBuffer();
          if (body.byteLength === route.file.bytes && (await sha256Hex(new Uint8Array(body))) === route.file.sha256) {
            await cache.put(key, rebuilt(copy, body, route.file.sha256));
          }
        } catch {
          /* not kept: fetched again next time */
        }
        stored();
      })();
    } else stored();
    return res;
  })();
  response.catch(() => stored());
  return { response, after };
}
