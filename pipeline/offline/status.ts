// What the service worker tells a page about its offline copy, and how the page
// words it (components/shell/update-notice.ts shows the words). DOM-free: the worker
// (./precache.ts, ./service-worker.ts), the page (components/shell/service-worker-client.ts)
// and the unit tests share it.
//
// The page asks the worker that controls it (after one visit: the active one)
//   { type: 'offline-status', retry: boolean }          with a MessagePort
// and the worker answers on that port
//   { type: 'offline-status', version, missing: MissingFile[] }
// `missing` lists the weight files the build lists that are not in the weights
// cache after the worker tried them: the install tried each once, and a request
// with `retry` (every visit after the first) tries them again. The rest of the
// explainer works offline without them; a figure that uses one downloads it
// from the network when it runs (and the model worker keeps it if it is right).

/** A weight file the offline copy lacks, and why. */
export interface MissingFile {
  /** Its path below the site, e.g. "weights/dit.onnx". */
  path: string;
  /** The model weights/manifest.json names it for. */
  model: string;
  /** Why it is not kept, e.g. "HTTP 404", "dit.onnx is corrupt: its sha256 is …". */
  reason: string;
}

export interface OfflineStatusRequest {
  type: 'offline-status';
  /** Try the missing files again now (a later visit); false: say what the install found (the first visit). */
  retry: boolean;
}

export interface OfflineStatus {
  type: 'offline-status';
  version: string;
  missing: MissingFile[];
}

/** The longest text taken from one field of a worker's answer (a reason names a file and two hashes). */
const MAX_FIELD = 200;
/** At most this many files are named in the notice; the rest are counted. */
export const MAX_NAMED = 5;

const text = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v.slice(0, MAX_FIELD) : null);

/** Reads a worker's answer (a message event's data): null when it is not an offline status. */
export function readOfflineStatus(data: unknown): OfflineStatus | null {
  const d = data as Partial<OfflineStatus> | null;
  if (!d || typeof d !== 'object' || d.type !== 'offline-status' || typeof d.version !== 'string' || !Array.isArray(d.missing)) return null;
  const missing: MissingFile[] = [];
  for (const m of d.missing.slice(0, 1000)) {
    const path = text((m as MissingFile)?.path);
    if (!path) continue;
    missing.push({ path, model: text((m as MissingFile).model) ?? path, reason: text((m as MissingFile).reason) ?? 'not as built' });
  }
  return { type: 'offline-status', version: d.version.slice(0, 64), missing };
}

const list = (names: string[]): string => (names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`);

/**
 * The notice's words for an offline copy without some weight files: the files (at most MAX_NAMED, then
 * a count), why (for one file), what still works (everything else, offline) and what does not (the figures
 * of those models need the network), and that they are tried again.
 */
export function missingMessage(missing: readonly MissingFile[]): string {
  if (!missing.length) return '';
  const named = missing.slice(0, MAX_NAMED).map((m) => m.path);
  const more = missing.length - named.length;
  const files = more > 0 ? `${named.join(', ')} and ${more} more file${more === 1 ? '' : 's'}` : list(named);
  const models = [...new Set(missing.map((m) => m.model))];
  const modelWords = models.length > MAX_NAMED ? `${models.slice(0, MAX_NAMED).join(', ')} and others` : list(models);
  const one = missing.length === 1;
  const why = one ? ` (${missing[0].reason})` : '';
  return (
    `The offline copy is missing ${files}: ${one ? 'it' : 'they'} could not be stored as built${why}. ` +
    `Everything else works offline; the figures that use ${models.length === 1 ? 'the model' : 'the models'} ${modelWords} need the network until ${one ? 'it is' : 'they are'} stored. ` +
    `${one ? 'It is' : 'They are'} tried again the next time you open the explainer.`
  );
}
