// The service worker (dist/sw.js): after one visit the whole explainer, models
// included, works offline. build.mjs bundles this file as a classic script and
// puts the build's precache manifest in front of it as `self.__PRECACHE__`
// (./precache.ts says what is in it and which cache answers what).
//
// Life of a version:
//   install   the build's files into the cache `sora-app <scope> <version>`,
//             each checked against its sha256, and the models the weights cache
//             lacks into that cache; the worker then waits while a page of the
//             older version is open, so no page ever mixes two versions
//   activate  the other versions' caches at this scope are deleted, weight
//             files no longer listed leave the weights cache, and pages not yet
//             controlled (the first visit) are taken over
//   fetch     cache first for the build's files and weights; the network for
//             the rest of the origin; other origins are never touched
//   message   'offline-status' (./status.ts): the weight files the copy lacks
//             (a bad file does not fail the install: it is left out and listed),
//             tried again when the page asks with `retry` (its second visit on)
//
// A new version takes over when no page of the old one is open any more (the
// next visit after closing the tab), or at once when the reader presses
// "Reload" in the notice the page shows (components/shell/service-worker-client.ts):
// the page posts { type: 'skip-waiting' } and reloads on `controllerchange`.
import { activate, answer, install, offlineStatus, parsePrecacheManifest, routeRequest, routeTable, type PrecacheContext } from './precache';
import type { MissingFile, OfflineStatus } from './status';

interface SwScope {
  __PRECACHE__: unknown;
  registration: { scope: string };
  location: { origin: string };
  caches: CacheStorage;
  clients: { claim(): Promise<void> };
  navigator: { gpu?: { requestAdapter(): Promise<{ info?: { isFallbackAdapter?: boolean }; isFallbackAdapter?: boolean } | null> } };
  skipWaiting(): Promise<void>;
  addEventListener(type: 'install' | 'activate', listener: (e: ExtendableEvent) => void): void;
  addEventListener(type: 'fetch', listener: (e: FetchEvent) => void): void;
  addEventListener(type: 'message', listener: (e: ExtendableMessageEvent) => void): void;
}

const sw = globalThis as unknown as SwScope;
const manifest = parsePrecacheManifest(sw.__PRECACHE__);
const scope = sw.registration.scope;
const table = routeTable(manifest, scope);
const ctx: PrecacheContext = {
  manifest,
  scope,
  caches: sw.caches as unknown as PrecacheContext['caches'],
  fetch: (input, init) => fetch(input, init),
  log: (line) => console.info(line),
};

/** Where WebGPU will run (a hardware adapter, as pipeline/runtime/ort.ts decides), its build is kept at install too. */
async function hardwareWebGpu(): Promise<boolean> {
  try {
    const adapter = await sw.navigator.gpu?.requestAdapter();
    return !!adapter && !(adapter.info?.isFallbackAdapter ?? adapter.isFallbackAdapter);
  } catch {
    return false;
  }
}

/** Weight files this worker found missing, and why (its install's, then each status question's): the first
 *  visit's question is answered from here instead of downloading a file that just failed again. */
let known = new Map<string, MissingFile>();
/** One status question at a time per kind, so two tabs asking at once download a missing file once. */
const asking = new Map<boolean, Promise<MissingFile[]>>();

function status(retry: boolean): Promise<MissingFile[]> {
  let p = asking.get(retry);
  if (!p) {
    p = offlineStatus(ctx, { retry, known }).then((missing) => {
      known = new Map(missing.map((m) => [m.path, m]));
      return missing;
    });
    const done = () => asking.delete(retry);
    p.then(done, done);
    asking.set(retry, p);
  }
  return p;
}

sw.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const report = await install(ctx, { includeOnDemand: await hardwareWebGpu() });
      known = new Map(report.weightsMissing.map((m) => [m.path, m]));
    })(),
  );
});

sw.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const r = await activate(ctx);
      if (r.deletedCaches.length || r.deletedWeights.length) {
        console.info(`offline copy ${manifest.version} took over; deleted ${[...r.deletedCaches, ...r.deletedWeights].join(', ')}`);
      }
      await sw.clients.claim();
    })(),
  );
});

sw.addEventListener('fetch', (event) => {
  const request = event.request;
  const a = answer(ctx, routeRequest(table, request.method, request.url), request);
  if (!a) return; // the browser asks the network, as without a worker
  event.respondWith(a.response);
  if (a.after) event.waitUntil(a.after);
});

sw.addEventListener('message', (event) => {
  const data = event.data as { type?: unknown } | null;
  if (data?.type === 'skip-waiting') event.waitUntil(sw.skipWaiting());
  else if (data?.type === 'version') event.ports[0]?.postMessage({ version: manifest.version });
  else if (data?.type === 'offline-status') {
    const port = event.ports[0];
    const retry = (data as { retry?: unknown }).retry === true;
    event.waitUntil(
      status(retry).then(
        (missing) => port?.postMessage({ type: 'offline-status', version: manifest.version, missing } satisfies OfflineStatus),
        () => port?.postMessage({ type: 'offline-status', version: manifest.version, missing: [...known.values()] } satisfies OfflineStatus),
      ),
    );
  }
});
