// The page's side of the service worker (pipeline/offline/service-worker.ts,
// built into sw.js): main.ts calls `registerServiceWorker()` once. After one
// visit the whole explainer, models included, works offline.
//
// - Registered only on http(s) pages where `navigator.serviceWorker` exists
//   (a secure context: https or localhost), after the page's `load`, so it does
//   not compete with the first screen's own downloads; never under the
//   development server (build.mjs --serve marks its index.html), where any
//   worker a production build left on the origin is unregistered instead.
// - A new version: the browser finds a changed sw.js when the page opens,
//   installs it beside the running one and keeps it waiting while a page of the
//   old version is open. This page then shows <update-notice>: "Reload now"
//   lets the waiting worker take over (`skip-waiting`) and reloads when it
//   controls the page; "Later" leaves it for the next visit.
// Plain DOM (the notice's Lit element is imported only when needed), so main.js stays small.

/** `<meta name="sora-service-worker" content="off">`: the development server's pages. */
const META = 'meta[name="sora-service-worker"]';

export interface ServiceWorkerState {
  registration: ServiceWorkerRegistration | null;
  /** Why there is none: 'insecure' (not http(s) or no navigator.serviceWorker), 'off', 'failed', 'blocked'. */
  skipped?: string;
}

function afterLoad(): Promise<void> {
  if (document.readyState === 'complete') return Promise.resolve();
  return new Promise((resolve) => window.addEventListener('load', () => resolve(), { once: true }));
}

/** Registers ./sw.js (see the header). Never throws: a page without a worker still works online. */
export async function registerServiceWorker(url = './sw.js'): Promise<ServiceWorkerState> {
  const container = navigator.serviceWorker as ServiceWorkerContainer | undefined;
  if (!/^https?:$/.test(location.protocol) || !container) return { registration: null, skipped: 'insecure' };
  const scope = new URL('./', location.href).href;
  if (document.querySelector<HTMLMetaElement>(META)?.content === 'off') {
    try {
      const old = await container.getRegistration(scope);
      if (old) await old.unregister();
    } catch {
      /* nothing to undo */
    }
    return { registration: null, skipped: 'off' };
  }
  await afterLoad();
  let registration: ServiceWorkerRegistration | undefined;
  try {
    registration = await container.register(url, { scope: './' });
  } catch (e) {
    console.warn('the offline copy could not be set up:', e);
    return { registration: null, skipped: 'failed' };
  }
  if (!registration) return { registration: null, skipped: 'blocked' }; // a test harness that blocks workers
  watchForUpdates(container, registration);
  return { registration };
}

function watchForUpdates(container: ServiceWorkerContainer, registration: ServiceWorkerRegistration) {
  // Only an update waits: on a first visit there is no controller, and the new worker takes the page at once.
  const offer = (worker: ServiceWorker) => {
    if (container.controller) void showNotice(container, worker);
  };
  const track = (worker: ServiceWorker | null) => {
    if (!worker) return;
    if (worker.state === 'installed') return offer(worker);
    worker.addEventListener('statechange', () => {
      if (worker.state === 'installed') offer(worker);
    });
  };
  // the browser may have found the new version while the page loaded, before this ran
  track(registration.waiting);
  track(registration.installing);
  registration.addEventListener('updatefound', () => track(registration.installing));
}

let shown = false;

async function showNotice(container: ServiceWorkerContainer, worker: ServiceWorker) {
  if (shown) return;
  shown = true;
  await import('./update-notice');
  const notice = document.createElement('update-notice');
  notice.addEventListener('update-accept', () => {
    // another tab may have let it take over already: then this page only needs reloading
    if (worker.state === 'activating' || worker.state === 'activated') return location.reload();
    container.addEventListener('controllerchange', () => location.reload(), { once: true });
    worker.postMessage({ type: 'skip-waiting' });
  });
  document.body.append(notice);
}
