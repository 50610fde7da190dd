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
// - An offline copy without some weight files (a file missing on the server,
//   or not as weights/manifest.json lists it: the install keeps every other
//   file and succeeds, pipeline/offline/precache.ts): on every visit the page
//   asks the worker that controls it (pipeline/offline/status.ts), and the same
//   notice names the files and says what still works. From the second visit on
//   the question makes the worker try those files again.
// - `data-offline` on <html> says where this stands, for tests: 'insecure',
//   'off', 'failed' or 'blocked' (no worker, as `skipped` below), 'registered',
//   then 'complete' or 'incomplete' once the worker has answered.
// Plain DOM (the notice's Lit element is imported only when needed), so main.js stays small.

import { readOfflineStatus, type MissingFile, type OfflineStatusRequest } from '../../pipeline/offline/status';
import type { UpdateNotice } from './update-notice';

/** `<meta name="sora-service-worker" content="off">`: the development server's pages. */
const META = 'meta[name="sora-service-worker"]';

type OfflineState = 'insecure' | 'off' | 'failed' | 'blocked' | 'registered' | 'complete' | 'incomplete';
const say = (state: OfflineState) => {
  document.documentElement.dataset.offline = state;
};

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
  const skip = (skipped: OfflineState & ServiceWorkerState['skipped']): ServiceWorkerState => {
    say(skipped);
    return { registration: null, skipped };
  };
  if (!/^https?:$/.test(location.protocol) || !container) return skip('insecure');
  const scope = new URL('./', location.href).href;
  if (document.querySelector<HTMLMetaElement>(META)?.content === 'off') {
    try {
      const old = await container.getRegistration(scope);
      if (old) await old.unregister();
    } catch {
      /* nothing to undo */
    }
    return skip('off');
  }
  // A page that opens under a worker is a later visit: the worker is asked to try missing files again.
  const laterVisit = !!container.controller;
  await afterLoad();
  let registration: ServiceWorkerRegistration | undefined;
  try {
    registration = await container.register(url, { scope: './' });
  } catch (e) {
    console.warn('the offline copy could not be set up:', e);
    return skip('failed');
  }
  if (!registration) return skip('blocked'); // a test harness that blocks workers
  say('registered');
  watchForUpdates(container, registration);
  void reportOfflineCopy(container, laterVisit);
  return { registration };
}

/** Asks the active worker which weight files the offline copy lacks (trying them again on a later visit), and shows them. */
async function reportOfflineCopy(container: ServiceWorkerContainer, retry: boolean) {
  const worker = (await container.ready).active;
  if (!worker) return;
  const reply = await new Promise<unknown>((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = (e) => {
      channel.port1.close();
      resolve(e.data);
    };
    worker.postMessage({ type: 'offline-status', retry } satisfies OfflineStatusRequest, [channel.port2]);
  });
  const status = readOfflineStatus(reply);
  if (!status) return; // a worker of an older build, which does not answer this
  say(status.missing.length ? 'incomplete' : 'complete');
  if (status.missing.length) {
    console.warn(`the offline copy lacks ${status.missing.map((m) => `${m.path} (${m.reason})`).join(', ')}`);
    void showMissing(status.missing);
  }
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

let notice: Promise<UpdateNotice> | null = null;

/** The page's one <update-notice> (a new version, and files the offline copy lacks, each in its own box). */
function theNotice(): Promise<UpdateNotice> {
  notice ??= import('./update-notice').then(() => {
    const el = document.createElement('update-notice');
    document.body.append(el);
    return el;
  });
  return notice;
}

let shown = false;

async function showNotice(container: ServiceWorkerContainer, worker: ServiceWorker) {
  if (shown) return;
  shown = true;
  const el = await theNotice();
  el.addEventListener('update-accept', () => {
    // another tab may have let it take over already: then this page only needs reloading
    if (worker.state === 'activating' || worker.state === 'activated') return location.reload();
    container.addEventListener('controllerchange', () => location.reload(), { once: true });
    worker.postMessage({ type: 'skip-waiting' });
  });
  el.updateReady = true;
}

async function showMissing(missing: MissingFile[]) {
  (await theNotice()).missing = missing;
}
