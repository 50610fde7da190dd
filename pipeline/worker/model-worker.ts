// The model worker (bundled as model-worker.js by build.mjs): every model of
// the page runs here, off the main thread. It is ./service.ts wired to the
// worker's message port; the page talks to it through ./client.ts.
import { ModelService } from './service';
import type { FromWorker, ToWorker } from './protocol';

interface WorkerScope {
  postMessage(message: FromWorker, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (e: MessageEvent<ToWorker>) => void): void;
}

const scope = globalThis as unknown as WorkerScope;
const service = new ModelService((message, transfer) => scope.postMessage(message, transfer));
scope.addEventListener('message', (e) => service.handle(e.data));
