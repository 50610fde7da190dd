// The offline copy (pipeline/offline/precache.ts, build.mjs's writeServiceWorker):
// the precache manifest the build writes and the copy inlined in sw.js agree and
// parse; requests are routed to the right cache (never another origin); install
// fetches and checks every file, keeps weights in the weights cache once, and
// fails whole on a file of the build that is not as built (deleting the cache it
// was filling), but goes on without a bad weight file, listing it; the status
// question tries missing weights again; activation deletes only this scope's
// older caches and unlisted weights; answers come from the caches. The notice's
// words for missing files (pipeline/offline/status.ts).
// Node has no Cache Storage: a small in-memory one stands in (the browser test,
// test/browser/offline.test.ts, uses the real one with the real worker).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeServiceWorker } from '../../build.mjs';
import {
  activate,
  answer,
  appCacheName,
  install,
  missingWeights,
  offlineStatus,
  parsePrecacheManifest,
  routeRequest,
  routeTable,
  type CacheLike,
  type CacheStorageLike,
  type PrecacheContext,
  type PrecacheManifest,
} from '../../pipeline/offline/precache';
import { cacheKey, WEIGHTS_CACHE } from '../../pipeline/runtime/weights';
import { MAX_NAMED, missingMessage, readOfflineStatus, type MissingFile } from '../../pipeline/offline/status';

const sha = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');
const bytesOf = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 13 + seed) & 255);

class MemoryCache implements CacheLike {
  store = new Map<string, { body: Uint8Array; headers: [string, string][]; status: number }>();
  async match(url: string) {
    const e = this.store.get(url);
    return e ? new Response(e.body.slice(), { status: e.status, headers: e.headers }) : undefined;
  }
  async put(url: string, res: Response) {
    this.store.set(url, { body: new Uint8Array(await res.arrayBuffer()), headers: [...res.headers], status: res.status });
  }
  async delete(url: string) {
    return this.store.delete(url);
  }
  async keys() {
    return [...this.store.keys()].map((url) => ({ url }));
  }
}

class MemoryStorage implements CacheStorageLike {
  caches = new Map<string, MemoryCache>();
  async open(name: string) {
    if (!this.caches.has(name)) this.caches.set(name, new MemoryCache());
    return this.caches.get(name)!;
  }
  async keys() {
    return [...this.caches.keys()];
  }
  async delete(name: string) {
    return this.caches.delete(name);
  }
}

const SCOPE = 'http://test.local/course/sora/';

/** A site: path → bytes, served by a fake fetch that records (path, cache mode); `serve` overrides answers. */
function site(files: Record<string, Uint8Array>) {
  const requests: { path: string; cache: string }[] = [];
  const serve = new Map<string, (attempt: number) => Uint8Array | number>();
  const fetch = async (input: string | Request, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input.url;
    const p = url.startsWith(SCOPE) ? url.slice(SCOPE.length).split('?')[0] : url;
    requests.push({ path: p, cache: init?.cache ?? 'default' });
    const special = serve.get(p);
    const body = special ? special(requests.filter((r) => r.path === p).length) : files[p];
    if (body === undefined) return new Response('not found', { status: 404 });
    if (typeof body === 'number') return new Response('oops', { status: body });
    return new Response(body.slice(), { headers: { 'Content-Type': 'application/octet-stream', 'Cross-Origin-Embedder-Policy': 'require-corp' } });
  };
  return { fetch, requests, serve };
}

function manifestOf(files: Record<string, Uint8Array>, weights: Record<string, Uint8Array>, onDemand: string[] = [], version = 'aaaa0000bbbb1111'): PrecacheManifest {
  const entry = (p: string, b: Uint8Array) => ({ path: p, sha256: sha(b), bytes: b.length });
  return parsePrecacheManifest({
    format: 1,
    version,
    weightsBase: 'weights/',
    files: Object.entries(files).filter(([p]) => !onDemand.includes(p) && !p.endsWith('.onnx')).map(([p, b]) => entry(p, b)),
    onDemand: onDemand.map((p) => entry(p, files[p])),
    weights: Object.entries(weights).map(([model, b]) => ({ ...entry(`weights/${model}.onnx`, b), model, file: `${model}.onnx` })),
  });
}

function fixture() {
  const weights = { dit: bytesOf(5000, 1), vae_decoder: bytesOf(3000, 2) };
  const files: Record<string, Uint8Array> = {
    'index.html': new TextEncoder().encode('<!doctype html><title>x</title>'),
    'main.js': new TextEncoder().encode('console.log(1)'),
    'chunk-ABC.js': bytesOf(700, 3),
    'weights/manifest.json': new TextEncoder().encode('{"version":1,"models":{}}'),
    'ort-wasm-simd-threaded.asyncify.wasm': bytesOf(4000, 4),
    'weights/dit.onnx': weights.dit,
    'weights/vae_decoder.onnx': weights.vae_decoder,
  };
  const manifest = manifestOf(files, weights, ['ort-wasm-simd-threaded.asyncify.wasm']);
  const s = site(files);
  const storage = new MemoryStorage();
  const ctx: PrecacheContext = { manifest, scope: SCOPE, caches: storage, fetch: s.fetch };
  return { files, weights, manifest, s, storage, ctx };
}

test('the build writes precache-manifest.json and sw.js with the same manifest inlined: every file but maps, with its sha256; weights only as weights/manifest.json lists them', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'precache-'));
  try {
    const dit = bytesOf(2048, 7);
    const stale = bytesOf(1024, 8);
    mkdirSync(path.join(dir, 'weights'));
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html>');
    writeFileSync(path.join(dir, 'main.js'), 'main');
    writeFileSync(path.join(dir, 'main.js.map'), '{}');
    writeFileSync(path.join(dir, 'ort-wasm-simd-threaded.asyncify.wasm'), 'gpu');
    writeFileSync(path.join(dir, 'weights', 'dit.onnx'), dit);
    writeFileSync(path.join(dir, 'weights', 'unet.onnx'), stale); // on disk, listed with other bytes: left out
    writeFileSync(path.join(dir, 'weights', 'extra.onnx'), stale); // on disk, not listed: left out
    writeFileSync(
      path.join(dir, 'weights', 'manifest.json'),
      JSON.stringify({ version: 1, models: { dit: { file: 'dit.onnx', sha256: sha(dit), bytes: 2048 }, unet: { file: 'unet.onnx', sha256: sha('x'), bytes: 1024 }, gone: { file: 'gone.onnx', sha256: sha('y'), bytes: 1 } } }),
    );
    const warn = console.warn;
    const warned: string[] = [];
    console.warn = (m: string) => warned.push(m);
    let precache;
    try {
      ({ precache } = await writeServiceWorker({ outdir: dir, minify: false }));
    } finally {
      console.warn = warn;
    }
    assert.match(warned.join('\n'), /left out weights\/unet.onnx/);
    const written = parsePrecacheManifest(JSON.parse(readFileSync(path.join(dir, 'precache-manifest.json'), 'utf8')));
    assert.equal(written, parsePrecacheManifest(precache));
    assert.equal(written.files.map((f) => f.path), ['index.html', 'main.js', 'weights/manifest.json']);
    assert.equal(written.onDemand.map((f) => f.path), ['ort-wasm-simd-threaded.asyncify.wasm']);
    assert.equal(written.weights, [{ path: 'weights/dit.onnx', sha256: sha(dit), bytes: 2048, model: 'dit', file: 'dit.onnx' }]);
    assert.is(written.files[1].sha256, sha('main'));
    const sw = readFileSync(path.join(dir, 'sw.js'), 'utf8');
    const inlined = JSON.parse(sw.slice('self.__PRECACHE__ = '.length, sw.indexOf(';\n')));
    assert.equal(inlined, precache, 'sw.js carries the same manifest');
    assert.match(sw, /skip-waiting/);
    // one byte of one file changes the version, and so sw.js
    writeFileSync(path.join(dir, 'main.js'), 'main!');
    console.warn = () => undefined; // the same note again
    const again = await writeServiceWorker({ outdir: dir, minify: false }).then((r) => r.precache).finally(() => (console.warn = warn));
    assert.is.not(again.version, precache.version);
    assert.is.not(readFileSync(path.join(dir, 'sw.js'), 'utf8'), sw);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a bad manifest is refused: paths out of the site, a doubled path, a bad hash, no index.html', () => {
  const { manifest } = fixture();
  const bad = (change: (m: Record<string, unknown>) => void, why: RegExp) => {
    const m = JSON.parse(JSON.stringify(manifest));
    change(m);
    assert.throws(() => parsePrecacheManifest(m), why);
  };
  bad((m) => ((m.files as { path: string }[])[1].path = '../secret'), /bad path/);
  bad((m) => ((m.files as { path: string }[])[1].path = '/etc/passwd'), /bad path/);
  bad((m) => ((m.files as { path: string }[])[1].path = 'a/./b'), /bad path/);
  bad((m) => ((m.files as { path: string }[])[1].path = 'http://evil.example/x.js'), /bad path/);
  bad((m) => (m.files as unknown[]).push((m.files as unknown[])[1]), /listed twice/);
  bad((m) => ((m.files as { sha256: string }[])[1].sha256 = 'abc'), /bad sha256/);
  bad((m) => (m.files = (m.files as { path: string }[]).filter((f) => f.path !== 'index.html')), /no index.html/);
  bad((m) => ((m.weights as { file: string }[])[0].file = 'other.onnx'), /do not match/);
  bad((m) => (m.format = 2), /format 1/);
  assert.throws(() => parsePrecacheManifest(null), /format 1/);
});

test('routing: the build\'s files from the cache (any query), weights from the weights cache, everything else to the network, other origins never', () => {
  const { manifest } = fixture();
  const t = routeTable(manifest, SCOPE);
  const kind = (url: string, method = 'GET') => {
    const r = routeRequest(t, method, url);
    return r.kind === 'network' ? 'network' : `${r.kind}:${r.kind === 'weights' ? r.weight.path : r.file.path}`;
  };
  assert.is(kind(SCOPE), 'app:index.html');
  assert.is(kind(`${SCOPE}?c2.prompt=a+red+circle&c2.seed=3`), 'app:index.html');
  assert.is(kind(`${SCOPE}index.html#denoising`), 'app:index.html');
  assert.is(kind(`${SCOPE}main.js?v=0123456789`), 'app:main.js');
  assert.is(kind(`${SCOPE}chunk-ABC.js`), 'app:chunk-ABC.js');
  assert.is(kind(`${SCOPE}weights/manifest.json`), 'app:weights/manifest.json');
  assert.is(kind(`${SCOPE}weights/dit.onnx`), 'weights:weights/dit.onnx');
  assert.is(kind(`${SCOPE}ort-wasm-simd-threaded.asyncify.wasm`), 'onDemand:ort-wasm-simd-threaded.asyncify.wasm');
  assert.is(kind(`${SCOPE}main.js.map`), 'network');
  assert.is(kind(`${SCOPE}__live-reload`), 'network');
  assert.is(kind(`${SCOPE}weights/unlisted.onnx`), 'network');
  assert.is(kind(`${SCOPE}main.js`, 'POST'), 'network');
  assert.is(kind(`${SCOPE}main.js`, 'HEAD'), 'network');
  assert.is(kind('http://test.local/course/main.js'), 'network', 'outside the scope');
  assert.is(kind('http://test.local/course/sora-other/main.js'), 'network', 'a sibling path is not the scope');
  assert.is(kind('http://evil.example/course/sora/main.js'), 'network', 'another origin, same path');
  assert.is(kind('https://test.local/course/sora/main.js'), 'network', 'another scheme is another origin');
  assert.is(kind('not a url'), 'network');
});

test('install: every file fetched and checked into the versioned cache, weights into the weights cache under the model worker\'s keys; a second install downloads no weights', async () => {
  const { ctx, s, storage, manifest, weights } = fixture();
  const r = await install(ctx);
  assert.equal(r, { fetched: 4, reused: 0, weightsFetched: 2, weightsKept: 0, weightsMissing: [], onDemandSkipped: [], bytes: r.bytes });
  const app = storage.caches.get(appCacheName(SCOPE, manifest.version))!;
  assert.equal([...app.store.keys()].sort(), ['chunk-ABC.js', 'index.html', 'main.js', 'weights/manifest.json'].map((p) => SCOPE + p).sort());
  assert.not.ok(app.store.has(`${SCOPE}ort-wasm-simd-threaded.asyncify.wasm`), 'the WebGPU build waits until it is used');
  assert.is(app.store.get(`${SCOPE}index.html`)!.headers.find(([k]) => k === 'cross-origin-embedder-policy')?.[1], 'require-corp', 'headers are kept (cross-origin isolation)');
  const w = storage.caches.get(WEIGHTS_CACHE)!;
  const base = `${SCOPE}weights/`;
  assert.equal([...w.store.keys()].sort(), [cacheKey(base, { file: 'dit.onnx', sha256: sha(weights.dit) }), cacheKey(base, { file: 'vae_decoder.onnx', sha256: sha(weights.vae_decoder) })].sort());
  assert.ok(app.store.size + w.store.size === 6, 'nothing is stored twice');
  assert.ok(s.requests.filter((q) => q.path.endsWith('.onnx')).every((q) => q.cache === 'no-store'));
  // the next version: same weights, main.js changed, the rest the same
  const newMain = new TextEncoder().encode('console.log(2)');
  s.serve.set('main.js', () => newMain);
  const files = manifest.files.map((f) => (f.path === 'main.js' ? { ...f, sha256: sha(newMain), bytes: newMain.length } : f));
  const next = { ...ctx, manifest: { ...manifest, files, version: 'cccc2222dddd3333' } };
  s.requests.length = 0;
  const r2 = await install(next, { includeOnDemand: true });
  assert.is(r2.weightsKept, 2);
  assert.is(r2.weightsFetched, 0);
  assert.is(r2.reused, 3, 'unchanged files copied from the version before');
  assert.equal(s.requests.map((q) => q.path).sort(), ['main.js', 'ort-wasm-simd-threaded.asyncify.wasm'], 'only what changed (and the WebGPU build, new here) is downloaded');
  assert.equal(await (await storage.caches.get(appCacheName(SCOPE, 'cccc2222dddd3333'))!.match(`${SCOPE}main.js`))!.text(), 'console.log(2)');
  assert.equal(new Uint8Array(await (await storage.caches.get(appCacheName(SCOPE, 'cccc2222dddd3333'))!.match(`${SCOPE}chunk-ABC.js`))!.arrayBuffer()), bytesOf(700, 3), "an unchanged file, copied");
  assert.ok(storage.caches.get(appCacheName(SCOPE, 'cccc2222dddd3333'))!.store.has(`${SCOPE}ort-wasm-simd-threaded.asyncify.wasm`), 'with a hardware WebGPU adapter, kept at install');
});

test('install: a file served stale is fetched again past the HTTP cache; a file of the build that is not as built fails the install, naming it, and the cache it was filling is deleted', async () => {
  {
    const { ctx, s, files } = fixture();
    s.serve.set('main.js', (n) => (n === 1 ? new TextEncoder().encode('old main') : files['main.js']));
    await install(ctx);
    assert.equal(s.requests.filter((q) => q.path === 'main.js').map((q) => q.cache), ['default', 'reload']);
  }
  {
    const { ctx, s, storage, manifest } = fixture();
    await storage.open(appCacheName(SCOPE, '1111111111111111')); // the version in use: untouched
    s.serve.set('chunk-ABC.js', () => new TextEncoder().encode('from another build'));
    try {
      await install(ctx);
      assert.unreachable('install should fail');
    } catch (e) {
      assert.match((e as Error).message, /chunk-ABC.js could not be fetched as built \(its sha256 is [0-9a-f]{12}…, the build says [0-9a-f]{12}…\)/);
    }
    assert.equal(await storage.keys(), [appCacheName(SCOPE, '1111111111111111')], 'no half-filled cache of the failed version is left');
    assert.not.ok(storage.caches.has(appCacheName(SCOPE, manifest.version)));
  }
  {
    const { ctx, s, storage } = fixture();
    s.serve.set('index.html', () => 404);
    try {
      await install({ ...ctx, parallel: 1 });
      assert.unreachable('install should fail');
    } catch (e) {
      assert.match((e as Error).message, /index.html could not be fetched as built \(HTTP 404\)/);
    }
    assert.equal(await storage.keys(), []);
    // after the failure no other file is fetched (index.html is the first; one at a time)
    assert.equal([...new Set(s.requests.map((q) => q.path))], ['index.html']);
  }
  {
    // a failure while other files are still on their way: they settle before the cache is deleted
    const { ctx, s, storage, files } = fixture();
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    let refused: () => void = () => undefined;
    const indexRefused = new Promise<void>((r) => (refused = r));
    const slowFetch: typeof ctx.fetch = async (input, init) => {
      const url = typeof input === 'string' ? input : input.url;
      if (url.endsWith('/main.js')) await held;
      const res = await s.fetch(input, init);
      if (url.endsWith('/index.html') && init?.cache === 'reload') refused(); // its second and last try
      return res;
    };
    s.serve.set('index.html', () => 500);
    const done = install({ ...ctx, fetch: slowFetch }).then(() => 'installed', (e: Error) => e.message);
    await indexRefused;
    await new Promise((r) => setImmediate(r)); // the refusal's promise chain (no I/O) has run
    assert.ok(storage.caches.has(appCacheName(SCOPE, ctx.manifest.version)), 'not deleted while main.js is on its way');
    assert.ok(files['main.js'] && !storage.caches.get(appCacheName(SCOPE, ctx.manifest.version))!.store.has(`${SCOPE}main.js`));
    release();
    assert.match(await done, /index.html could not be fetched as built \(HTTP 500\)/);
    assert.equal(await storage.keys(), [], 'deleted once main.js had settled (and was put)');
  }
});

test('install: a weight file not as listed, or missing, does not fail it: every other file is kept, the bad one is listed with its reason and not stored', async () => {
  for (const [serve, why] of [
    [() => bytesOf(5000, 99), /^dit.onnx is corrupt: its sha256 is [0-9a-f]{12}…, weights\/manifest.json says [0-9a-f]{12}…$/],
    [() => bytesOf(4999, 1), /^dit.onnx is corrupt: 4999 bytes where weights\/manifest.json says 5000$/],
    [() => 404, /^not on the server \(HTTP 404\)$/],
    [() => 503, /^the server answered HTTP 503$/],
  ] as [() => Uint8Array | number, RegExp][]) {
    const { ctx, s, storage, manifest, weights } = fixture();
    s.serve.set('weights/dit.onnx', serve);
    const r = await install(ctx);
    assert.is(r.fetched, 4, 'every file of the build');
    assert.is(r.weightsFetched, 1);
    assert.is(r.weightsMissing.length, 1);
    assert.is(r.weightsMissing[0].path, 'weights/dit.onnx');
    assert.is(r.weightsMissing[0].model, 'dit');
    assert.match(r.weightsMissing[0].reason, why);
    assert.is(storage.caches.get(appCacheName(SCOPE, manifest.version))!.store.size, manifest.files.length);
    const w = storage.caches.get(WEIGHTS_CACHE)!;
    assert.equal([...w.store.keys()], [cacheKey(`${SCOPE}weights/`, { file: 'vae_decoder.onnx', sha256: sha(weights.vae_decoder) })], 'the good weight kept, the bad one not');
    assert.equal((await missingWeights(ctx)).map((m) => m.path), ['weights/dit.onnx']);
  }
  {
    // a network failure on a weight: the same
    const { ctx, s } = fixture();
    const failing: typeof ctx.fetch = async (input, init) => {
      const url = typeof input === 'string' ? input : input.url;
      if (url.endsWith('/dit.onnx')) throw new TypeError('Failed to fetch');
      return s.fetch(input, init);
    };
    const r = await install({ ...ctx, fetch: failing });
    assert.equal(r.weightsMissing, [{ path: 'weights/dit.onnx', model: 'dit', reason: 'Failed to fetch' }]);
  }
  {
    // the WebGPU build at install that cannot be fetched: left for its first use, the install succeeds
    const { ctx, s, storage, manifest, files } = fixture();
    s.serve.set('ort-wasm-simd-threaded.asyncify.wasm', () => 404);
    const r = await install(ctx, { includeOnDemand: true });
    assert.equal(r.onDemandSkipped, ['ort-wasm-simd-threaded.asyncify.wasm']);
    assert.is(r.fetched, 4);
    s.serve.delete('ort-wasm-simd-threaded.asyncify.wasm');
    const url = `${SCOPE}ort-wasm-simd-threaded.asyncify.wasm`;
    const a = answer(ctx, routeRequest(routeTable(manifest, SCOPE), 'GET', url), url)!;
    assert.equal(new Uint8Array(await (await a.response).arrayBuffer()), files['ort-wasm-simd-threaded.asyncify.wasm']);
    await a.after;
    assert.ok(storage.caches.get(appCacheName(SCOPE, manifest.version))!.store.has(url), 'kept on first use');
  }
});

test('the status question: the first visit is told what the install found without a second download; a later visit tries again, and a mended file is stored; meanwhile the weight is answered from the network', async () => {
  const { ctx, s, storage, manifest, weights } = fixture();
  s.serve.set('weights/dit.onnx', () => bytesOf(5000, 99));
  const r = await install(ctx);
  const known = new Map(r.weightsMissing.map((m) => [m.path, m]));
  const ditFetches = () => s.requests.filter((q) => q.path === 'weights/dit.onnx').length;
  assert.is(ditFetches(), 1);
  // the first visit: what the install found, no download
  assert.equal(await offlineStatus(ctx, { retry: false, known }), r.weightsMissing);
  assert.is(ditFetches(), 1);
  // a worker that restarted (nothing known): it tries
  assert.equal((await offlineStatus(ctx, { retry: false })).map((m) => m.path), ['weights/dit.onnx']);
  assert.is(ditFetches(), 2);
  // a later visit, still bad: tried again, still listed
  const still = await offlineStatus(ctx, { retry: true, known });
  assert.equal(still.map((m) => m.path), ['weights/dit.onnx']);
  assert.match(still[0].reason, /dit.onnx is corrupt/);
  assert.is(ditFetches(), 3);
  // meanwhile the page's request for it goes to the network (the server's copy, whatever it is)
  const url = `${SCOPE}weights/dit.onnx`;
  const a = answer(ctx, routeRequest(routeTable(manifest, SCOPE), 'GET', url), url)!;
  assert.equal(new Uint8Array(await (await a.response).arrayBuffer()), bytesOf(5000, 99));
  assert.is(ditFetches(), 4);
  // mended on the server: the next visit stores it; nothing is missing, and nothing is downloaded after that
  s.serve.delete('weights/dit.onnx');
  assert.equal(await offlineStatus(ctx, { retry: true, known }), []);
  assert.is(ditFetches(), 5);
  assert.ok(storage.caches.get(WEIGHTS_CACHE)!.store.has(cacheKey(`${SCOPE}weights/`, { file: 'dit.onnx', sha256: sha(weights.dit) })));
  assert.equal(await offlineStatus(ctx, { retry: true }), []);
  assert.is(ditFetches(), 5);
  // and answered from the cache
  const b = answer(ctx, routeRequest(routeTable(manifest, SCOPE), 'GET', url), url)!;
  assert.equal(new Uint8Array(await (await b.response).arrayBuffer()), weights.dit);
  assert.is(ditFetches(), 5);
});

test('the notice\'s words: the file, why, that everything else works offline and which models need the network; at most a few files named; a worker\'s answer read defensively', () => {
  const one: MissingFile[] = [{ path: 'weights/dit.onnx', model: 'dit', reason: 'dit.onnx is corrupt: its sha256 is 0123456789ab…, weights/manifest.json says ba9876543210…' }];
  const text = missingMessage(one);
  assert.ok(text.includes('weights/dit.onnx'));
  assert.ok(text.includes('dit.onnx is corrupt'));
  assert.match(text, /Everything else works offline/);
  assert.match(text, /the figures that use the model dit need the network until it is stored/);
  assert.match(text, /tried again the next time you open the explainer/);
  assert.is(missingMessage([]), '');
  const two = missingMessage([one[0], { path: 'weights/vae_decoder.onnx', model: 'vae_decoder', reason: 'HTTP 404' }]);
  assert.match(two, /missing weights\/dit.onnx and weights\/vae_decoder.onnx: they could not be stored as built\./);
  assert.match(two, /the models dit and vae_decoder need the network until they are stored/);
  const many = Array.from({ length: 40 }, (_, i) => ({ path: `weights/m${i}.onnx`, model: `m${i}`, reason: 'HTTP 404' }));
  const long = missingMessage(many);
  assert.ok(long.includes(`weights/m${MAX_NAMED - 1}.onnx`) && !long.includes(`weights/m${MAX_NAMED}.onnx`), long);
  assert.match(long, new RegExp(`and ${40 - MAX_NAMED} more files`));
  assert.ok(long.length < 600, `${long.length} characters`);
  // the page reads the worker's answer: anything else is not a status; fields are cut
  assert.is(readOfflineStatus(null), null);
  assert.is(readOfflineStatus({ version: 'x' }), null);
  assert.is(readOfflineStatus({ type: 'offline-status', version: 'abc', missing: 'no' }), null);
  assert.equal(readOfflineStatus({ type: 'offline-status', version: 'abc', missing: [] }), { type: 'offline-status', version: 'abc', missing: [] });
  const odd = readOfflineStatus({ type: 'offline-status', version: 'abc', missing: [null, { path: 3 }, { path: 'weights/a.onnx', reason: 'x'.repeat(10_000) }] })!;
  assert.equal(odd.missing.map((m) => [m.path, m.model, m.reason.length]), [['weights/a.onnx', 'weights/a.onnx', 200]]);
});

test('activate: older versions at this scope are deleted, another scope\'s and the weights cache stay; weights no longer listed leave', async () => {
  const { ctx, storage, manifest, weights } = fixture();
  await install(ctx);
  const base = `${SCOPE}weights/`;
  await storage.open(appCacheName(SCOPE, '1111111111111111'));
  await storage.open(appCacheName('http://test.local/other/', '1111111111111111'));
  await storage.open('someone-else');
  const w = await storage.open(WEIGHTS_CACHE);
  const oldDit = cacheKey(base, { file: 'dit.onnx', sha256: sha('old dit') });
  const otherSite = cacheKey('http://test.local/other/weights/', { file: 'dit.onnx', sha256: sha('old dit') });
  await w.put(oldDit, new Response('old'));
  await w.put(otherSite, new Response('other'));
  await w.put(`${base}manifest.json`, new Response('{}'));
  const r = await activate(ctx);
  assert.equal(r.deletedCaches, [appCacheName(SCOPE, '1111111111111111')]);
  assert.equal(r.deletedWeights, [oldDit]);
  assert.equal((await storage.keys()).sort(), [appCacheName(SCOPE, manifest.version), appCacheName('http://test.local/other/', '1111111111111111'), 'someone-else', WEIGHTS_CACHE].sort());
  assert.ok(w.store.has(otherSite) && w.store.has(`${base}manifest.json`) && w.store.has(cacheKey(base, { file: 'dit.onnx', sha256: sha(weights.dit) })));
});

test('answers: cached files without the network, weights by sha256, a missing file from the network; the WebGPU build kept on first use, only as built', async () => {
  const { ctx, s, storage, manifest, files } = fixture();
  await install(ctx);
  s.requests.length = 0;
  const t = routeTable(manifest, SCOPE);
  const get = async (url: string) => {
    const a = answer(ctx, routeRequest(t, 'GET', url), url);
    if (!a) return null;
    const body = new Uint8Array(await (await a.response).arrayBuffer());
    await a.after;
    return body;
  };
  assert.equal(await get(`${SCOPE}?c0.t=5`), files['index.html']);
  assert.equal(await get(`${SCOPE}main.js?v=123`), files['main.js']);
  assert.equal(await get(`${SCOPE}weights/dit.onnx`), files['weights/dit.onnx']);
  assert.is(s.requests.length, 0, 'no network');
  assert.is(await get(`${SCOPE}main.js.map`), null, 'left to the browser');
  // the WebGPU build: fetched once, kept, then from the cache
  assert.equal(await get(`${SCOPE}ort-wasm-simd-threaded.asyncify.wasm`), files['ort-wasm-simd-threaded.asyncify.wasm']);
  assert.equal(await get(`${SCOPE}ort-wasm-simd-threaded.asyncify.wasm`), files['ort-wasm-simd-threaded.asyncify.wasm']);
  assert.is(s.requests.filter((q) => q.path === 'ort-wasm-simd-threaded.asyncify.wasm').length, 1);
  // a copy that is not the build's is passed on but not kept
  const other = fixture();
  await install(other.ctx);
  other.s.serve.set('ort-wasm-simd-threaded.asyncify.wasm', () => bytesOf(4000, 77));
  const a = answer(other.ctx, routeRequest(t, 'GET', `${SCOPE}ort-wasm-simd-threaded.asyncify.wasm`), `${SCOPE}ort-wasm-simd-threaded.asyncify.wasm`)!;
  await (await a.response).arrayBuffer();
  await a.after;
  assert.not.ok(other.storage.caches.get(appCacheName(SCOPE, manifest.version))!.store.has(`${SCOPE}ort-wasm-simd-threaded.asyncify.wasm`));
  // a cache that lost a file: the network answers
  storage.caches.get(appCacheName(SCOPE, manifest.version))!.store.delete(`${SCOPE}chunk-ABC.js`);
  assert.equal(await get(`${SCOPE}chunk-ABC.js`), files['chunk-ABC.js']);
  assert.ok(s.requests.some((q) => q.path === 'chunk-ABC.js'));
});

test.run();
