// The offline copy (pipeline/offline/precache.ts, build.mjs's writeServiceWorker):
// the precache manifest the build writes and the copy inlined in sw.js agree and
// parse; requests are routed to the right cache (never another origin); install
// fetches and checks every file, keeps weights in the weights cache once, and
// fails whole on a file that is not as built; activation deletes only this
// scope's older caches and unlisted weights; answers come from the caches.
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
  parsePrecacheManifest,
  routeRequest,
  routeTable,
  type CacheLike,
  type CacheStorageLike,
  type PrecacheContext,
  type PrecacheManifest,
} from '../../pipeline/offline/precache';
import { cacheKey, WEIGHTS_CACHE } from '../../pipeline/runtime/weights';

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
  assert.equal(r, { fetched: 4, reused: 0, weightsFetched: 2, weightsKept: 0, bytes: r.bytes });
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

test('install: a file served stale is fetched again past the HTTP cache; one that is not as built fails the install, naming it; a weight not as listed fails too and is not stored', async () => {
  {
    const { ctx, s, files } = fixture();
    s.serve.set('main.js', (n) => (n === 1 ? new TextEncoder().encode('old main') : files['main.js']));
    await install(ctx);
    assert.equal(s.requests.filter((q) => q.path === 'main.js').map((q) => q.cache), ['default', 'reload']);
  }
  {
    const { ctx, s } = fixture();
    s.serve.set('chunk-ABC.js', () => new TextEncoder().encode('from another build'));
    try {
      await install(ctx);
      assert.unreachable('install should fail');
    } catch (e) {
      assert.match((e as Error).message, /chunk-ABC.js could not be fetched as built \(its sha256 is [0-9a-f]{12}…, the build says [0-9a-f]{12}…\)/);
    }
  }
  {
    const { ctx, s } = fixture();
    s.serve.set('index.html', () => 404);
    try {
      await install(ctx);
      assert.unreachable('install should fail');
    } catch (e) {
      assert.match((e as Error).message, /index.html could not be fetched as built \(HTTP 404\)/);
    }
  }
  {
    const { ctx, s, storage } = fixture();
    s.serve.set('weights/dit.onnx', () => bytesOf(5000, 99));
    try {
      await install(ctx);
      assert.unreachable('install should fail');
    } catch (e) {
      assert.match((e as Error).message, /dit.onnx is corrupt/);
    }
    const w = storage.caches.get(WEIGHTS_CACHE)!;
    assert.not.ok([...w.store.keys()].some((k) => k.includes('dit.onnx')));
  }
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
