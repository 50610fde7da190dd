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
//
// A new version takes over when no page of the old one is open any more (the
// next visit after closing the tab), or at once when the reader presses
// "Reload" in the notice the page shows (components/service-worker-client.ts):
// the page posts { type: 'skip-waiting' } and reloads on `controllerchange`.
import { activate, answer, install, parsePrecacheManifest, routeRequest, routeTable, type PrecacheContext } from './precache';

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

sw.addEventListener('install', (event) => {
  event.waitUntil((async () => install(ctx, { includeOnDemand: await hardwareWebGpu() }))());
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
});
