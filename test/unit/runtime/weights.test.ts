// Weight loading (pipeline/runtime/weights.ts): sha256 against the manifest,
// Cache Storage so a second visit downloads nothing, clear errors for a missing
// or corrupt file (never cached), a changed file downloaded again, progress.
// Node has no Cache Storage: a small in-memory one stands in (the browser tests
// use the real one).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import type { Manifest } from '../../../pipeline/runtime/manifest';
import { parseManifest } from '../../../pipeline/runtime/manifest';
import { httpWeights, type DownloadProgress } from '../../../pipeline/runtime/weights';

class MemoryCache {
  store = new Map<string, { body: Uint8Array; type: string }>();
  async match(req: string | Request) {
    const e = this.store.get(typeof req === 'string' ? req : req.url);
    return e ? new Response(e.body.slice(), { headers: { 'Content-Type': e.type } }) : undefined;
  }
  async put(req: string, res: Response) {
    this.store.set(req, { body: new Uint8Array(await res.arrayBuffer()), type: res.headers.get('Content-Type') ?? '' });
  }
  async delete(req: string | Request) {
    return this.store.delete(typeof req === 'string' ? req : req.url);
  }
  async keys() {
    return [...this.store.keys()].map((url) => ({ url }) as Request);
  }
}

const caches = new Map<string, MemoryCache>();
(globalThis as { caches?: unknown }).caches = { open: async (name: string) => caches.get(name) ?? (caches.set(name, new MemoryCache()), caches.get(name)!) };

const BASE = 'http://test.local/site/weights/';
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const bytesOf = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) & 255);

function server(files: Record<string, Uint8Array | number>) {
  const requests: string[] = [];
  const fetch = (async (input: RequestInfo | URL) => {
    const url = String(input);
    requests.push(url.replace(BASE, ''));
    const name = url.slice(BASE.length);
    const f = files[name];
    if (f === undefined) return new Response('not found', { status: 404 });
    if (typeof f === 'number') return new Response('oops', { status: f });
    return new Response(f.slice());
  }) as typeof globalThis.fetch;
  return { fetch, requests };
}

function manifestFor(files: Record<string, Uint8Array>): Manifest {
  const models: Manifest['models'] = {};
  for (const [file, b] of Object.entries(files)) models[file.replace('.onnx', '')] = { file, sha256: sha(b), bytes: b.length };
  return { version: 1, models };
}

test('the first load downloads and checks; the second (a new page, same browser) downloads nothing', async () => {
  caches.clear();
  const dit = bytesOf(300_000, 1);
  const manifest = manifestFor({ 'dit.onnx': dit });
  const srv = server({ 'manifest.json': new TextEncoder().encode(JSON.stringify(manifest)), 'dit.onnx': dit });
  const progress: DownloadProgress[] = [];
  const first = httpWeights(BASE, { fetch: srv.fetch });
  assert.is(await first.isCached('dit'), false);
  const got = await first.bytes('dit', { onProgress: (p) => progress.push(p) });
  assert.equal(sha(got), sha(dit));
  assert.equal(srv.requests, ['manifest.json', 'dit.onnx']);
  assert.ok(progress.length >= 3, 'progress while streaming');
  assert.equal(progress[0], { model: 'dit', file: 'dit.onnx', loaded: 0, total: 300_000, fromCache: false, done: false });
  assert.is(progress.at(-1)!.done, true);
  assert.is(progress.at(-1)!.loaded, 300_000);
  assert.ok(progress.every((p, i) => i === 0 || p.loaded >= progress[i - 1].loaded));

  const second = httpWeights(BASE, { fetch: srv.fetch });
  assert.is(await second.isCached('dit'), true);
  const again: DownloadProgress[] = [];
  assert.equal(sha(await second.bytes('dit', { onProgress: (p) => again.push(p) })), sha(dit));
  assert.equal(srv.requests, ['manifest.json', 'dit.onnx', 'manifest.json'], 'only the manifest is asked for again');
  assert.equal(again, [{ model: 'dit', file: 'dit.onnx', loaded: 300_000, total: 300_000, fromCache: true, done: true }]);
});

test('cells asking for the same model at once share one download', async () => {
  caches.clear();
  const dit = bytesOf(1000, 2);
  const srv = server({ 'manifest.json': new TextEncoder().encode(JSON.stringify(manifestFor({ 'dit.onnx': dit }))), 'dit.onnx': dit });
  const w = httpWeights(BASE, { fetch: srv.fetch });
  await Promise.all([w.bytes('dit'), w.bytes('dit'), w.bytes('dit')]);
  assert.is(srv.requests.filter((r) => r === 'dit.onnx').length, 1);
});

test('two manifest entries naming one file (a model and its inspect twin) share one download', async () => {
  caches.clear();
  const dit = bytesOf(1000, 3);
  const manifest = manifestFor({ 'dit.onnx': dit });
  manifest.models.dit_inspect = { ...manifest.models.dit };
  const srv = server({ 'manifest.json': new TextEncoder().encode(JSON.stringify(manifest)), 'dit.onnx': dit });
  const w = httpWeights(BASE, { fetch: srv.fetch });
  const [a, b] = await Promise.all([w.bytes('dit'), w.bytes('dit_inspect')]);
  assert.equal(a, b);
  assert.is(srv.requests.filter((r) => r === 'dit.onnx').length, 1);
  await w.bytes('dit_inspect'); // later: from the cache
  assert.is(srv.requests.filter((r) => r === 'dit.onnx').length, 1);
});

test('a corrupt file is a clear error naming the model, is not cached, and a retry downloads again', async () => {
  caches.clear();
  const dit = bytesOf(1000, 3);
  const bad = dit.slice();
  bad[500] ^= 1;
  const files: Record<string, Uint8Array> = { 'manifest.json': new TextEncoder().encode(JSON.stringify(manifestFor({ 'dit.onnx': dit }))), 'dit.onnx': bad };
  const srv = server(files);
  const w = httpWeights(BASE, { fetch: srv.fetch });
  try {
    await w.bytes('dit');
    assert.unreachable();
  } catch (e) {
    assert.is((e as Error).name, 'WeightsError');
    assert.match((e as Error).message, /^dit.onnx is corrupt: its sha256 is [0-9a-f]{12}…, weights\/manifest.json says [0-9a-f]{12}…$/);
    assert.is((e as { model: string }).model, 'dit');
    assert.is((e as { kind: string }).kind, 'corrupt');
  }
  assert.is(await w.isCached('dit'), false);
  files['dit.onnx'] = dit; // fixed on the server: Retry works
  assert.equal(sha(await w.bytes('dit')), sha(dit));
  // a truncated file says so by its size
  caches.clear();
  files['dit.onnx'] = dit.slice(0, 10);
  try {
    await httpWeights(BASE, { fetch: srv.fetch }).bytes('dit');
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /dit.onnx is corrupt: 10 bytes where weights\/manifest.json says 1000/);
  }
});

test('a missing file (404), a server error and a model the manifest does not list are clear errors', async () => {
  caches.clear();
  const dit = bytesOf(100, 4);
  const manifest = manifestFor({ 'dit.onnx': dit, 'unet.onnx': dit });
  const srv = server({ 'manifest.json': new TextEncoder().encode(JSON.stringify(manifest)), 'unet.onnx': 503 });
  const w = httpWeights(BASE, { fetch: srv.fetch });
  const err = async (p: Promise<unknown>) => p.then(() => { throw new Error('expected an error'); }, (e) => e as Error & { kind: string; model: string });
  const missing = await err(w.bytes('dit'));
  assert.is(missing.message, 'dit.onnx is missing on the server (HTTP 404)');
  assert.is(missing.kind, 'missing');
  assert.is(missing.model, 'dit');
  assert.match((await err(w.bytes('unet'))).message, /unet.onnx could not be downloaded \(HTTP 503\)/);
  assert.match((await err(w.bytes('vae_decoder'))).message, /"vae_decoder" is not in weights\/manifest.json yet/);
  const noManifest = await err(httpWeights(BASE, { fetch: server({}).fetch }).bytes('dit'));
  assert.match(noManifest.message, /manifest.json could not be downloaded \(HTTP 404\)/);
});

test('a file whose sha256 changed in the manifest is downloaded again, and the old copy leaves the cache', async () => {
  caches.clear();
  const v1 = bytesOf(500, 5), v2 = bytesOf(600, 6);
  const files: Record<string, Uint8Array> = { 'manifest.json': new TextEncoder().encode(JSON.stringify(manifestFor({ 'dit.onnx': v1 }))), 'dit.onnx': v1 };
  const srv = server(files);
  await httpWeights(BASE, { fetch: srv.fetch }).bytes('dit');
  files['manifest.json'] = new TextEncoder().encode(JSON.stringify(manifestFor({ 'dit.onnx': v2 })));
  files['dit.onnx'] = v2;
  const got = await httpWeights(BASE, { fetch: srv.fetch }).bytes('dit');
  assert.equal(sha(got), sha(v2));
  const keys = [...caches.get('sora-weights-v1')!.store.keys()].filter((k) => k.includes('dit.onnx'));
  assert.equal(keys, [`${BASE}dit.onnx?sha256=${sha(v2)}`]);
});

test('offline: the manifest and weights this browser saw last still work', async () => {
  caches.clear();
  const dit = bytesOf(100, 7);
  const srv = server({ 'manifest.json': new TextEncoder().encode(JSON.stringify(manifestFor({ 'dit.onnx': dit }))), 'dit.onnx': dit });
  await httpWeights(BASE, { fetch: srv.fetch }).bytes('dit');
  const offline = (async () => {
    throw new TypeError('Failed to fetch');
  }) as typeof fetch;
  assert.equal(sha(await httpWeights(BASE, { fetch: offline }).bytes('dit')), sha(dit));
});

test('parseManifest rejects what the pipeline cannot use', () => {
  const ok = { version: 1, models: { a: { file: 'a.onnx', sha256: 'a'.repeat(64), bytes: 1 } } };
  assert.ok(parseManifest(ok));
  assert.throws(() => parseManifest({ version: 1 }), /no "models"/);
  assert.throws(() => parseManifest({ models: { a: { ...ok.models.a, file: '../x.onnx' } } }), /a: bad "file"/);
  assert.throws(() => parseManifest({ models: { a: { ...ok.models.a, sha256: 'xyz' } } }), /a: bad "sha256"/);
  assert.throws(() => parseManifest({ models: {}, vae: { scaling_factor: -1 } }), /scaling_factor/);
});

test('a download that runs past the manifest\'s size stops there: the reader is cancelled and the size error given', async () => {
  caches.clear();
  const dit = bytesOf(1000, 8);
  const CHUNK = 64 * 1024;
  const CHUNKS = 1024; // 64 MiB on offer, for a file of 1,000 bytes
  let pulled = 0;
  let cancelled = false;
  const fetch = (async (input: RequestInfo | URL) => {
    const name = String(input).slice(BASE.length);
    if (name === 'manifest.json') return new Response(JSON.stringify(manifestFor({ 'dit.onnx': dit })));
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled === CHUNKS) return controller.close();
        pulled++;
        controller.enqueue(new Uint8Array(CHUNK).fill(pulled & 255));
      },
      cancel() {
        cancelled = true;
      },
    }, { highWaterMark: 0 });
    return new Response(body);
  }) as typeof globalThis.fetch;
  const err = await httpWeights(BASE, { fetch }).bytes('dit').then(() => null, (e) => e as Error & { kind: string; model: string });
  assert.ok(err, 'an error');
  assert.is(err!.name, 'WeightsError');
  assert.is(err!.kind, 'corrupt');
  assert.is(err!.model, 'dit');
  assert.match(err!.message, /^dit.onnx is corrupt: more than 1000 bytes \(\d+ so far\) where weights\/manifest.json says 1000$/);
  assert.ok(pulled <= 2, `read ${pulled} chunks of 64 KiB (${((pulled * CHUNK) / 2 ** 20).toFixed(1)} MiB) for a file of 1,000 bytes`);
  assert.ok(cancelled, 'the body was cancelled');
  assert.is(await httpWeights(BASE, { fetch }).isCached('dit'), false, 'nothing cached');
  // exactly the manifest's size, in many small chunks, is still read whole
  let offset = 0;
  const exact = (async (input: RequestInfo | URL) => {
    const name = String(input).slice(BASE.length);
    if (name === 'manifest.json') return new Response(JSON.stringify(manifestFor({ 'dit.onnx': dit })));
    return new Response(new ReadableStream<Uint8Array>({
      pull(controller) {
        if (offset >= dit.length) return controller.close();
        controller.enqueue(dit.slice(offset, offset + 7));
        offset += 7;
      },
    }));
  }) as typeof globalThis.fetch;
  caches.clear();
  assert.equal(sha(await httpWeights(BASE, { fetch: exact }).bytes('dit')), sha(dit));
});

test('parseManifest: a model\'s file is a relative path on this origin, nothing else', () => {
  const entry = { sha256: 'a'.repeat(64), bytes: 1 };
  const parse = (file: unknown) => parseManifest({ version: 1, models: { a: { ...entry, file } } });
  for (const file of ['dit.onnx', 'vae_decoder.onnx', 'dit-snap16.onnx', 'snapshots/dit_snap4.onnx', 'a/b/c.d.onnx', 'A9_-.onnx']) {
    assert.ok(parse(file), file);
  }
  const refused = [
    'https://evil.example/dit.onnx', 'http://127.0.0.1:8000/weights/dit.onnx', 'HTTPS://EVIL.EXAMPLE/x.onnx', 'http:dit.onnx', 'https:/x.onnx',
    'javascript:alert(1)//.onnx', 'data:application/octet-stream;base64,AAAA.onnx', 'blob:https://o.example/x.onnx', 'file:///etc/x.onnx',
    '//evil.example/dit.onnx', '///evil.example/dit.onnx', '/dit.onnx', '/weights/dit.onnx', '\\\\evil.example\\dit.onnx', '\\dit.onnx',
    'a\\..\\..\\dit.onnx', 'sub\\dit.onnx', '../dit.onnx', 'a/../../dit.onnx', '..', '%2e%2e/dit.onnx', '.%2e/dit.onnx', '%2E%2E/x.onnx',
    'sub/%2e%2e/%2e%2e/x.onnx', './dit.onnx', 'a/./b.onnx', '.hidden.onnx', 'a//b.onnx', 'c:\\dit.onnx', 'C:dit.onnx', 'dit.onnx?v=1',
    'dit.onnx#x', ' dit.onnx', 'dit.onnx ', '\tdit.onnx', 'dit\n.onnx', 'dit\u0000.onnx', 'ｈttps://evil.example/x.onnx', 'dit.onnx/',
    '.onnx', '', `${'a'.repeat(300)}.onnx`,
  ];
  for (const file of refused) assert.throws(() => parse(file), /a: bad "file"/, JSON.stringify(file));
  for (const file of [null, 1, ['dit.onnx'], { toString: () => 'dit.onnx' }]) assert.throws(() => parse(file), /a: bad "file"/, String(file));
});

test.run();
