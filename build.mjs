#!/usr/bin/env node
// Builds the explainer into dist/, or serves it for development.
//
//   node build.mjs                                production build into dist/
//   node build.mjs --serve [--port 8000] [--host 127.0.0.1]
//                                                 development: watch, rebuild, live reload
//   npm start -- --host 0.0.0.0                   the same, open to the local network (a class):
//                                                 prints the addresses students open
//
// dist/ is a plain static site with relative URLs only, so it works from any host
// at any sub-path:
//   index.html                         the shell (index.html of the repository)
//   main.js, chunk-*.js, chapter-*.js  the code, split: a chapter's code loads when it is needed
//   model-worker-<hash>.js             the Web Worker every model runs in (pipeline/worker/model-worker.ts),
//                                      named by a hash of its code like the chunks (bundle below);
//                                      model-worker.js in development
//   mlp-worker-<hash>.js               chapter 0's training worker (pipeline/worker/mlp-worker.ts), named
//                                      the same way (FIGURE_WORKERS below)
//   ort-wasm-simd-threaded.{mjs,wasm}  onnxruntime-web's runtime for `onnxruntime-web/wasm` (WASM sessions)
//   ort-wasm-simd-threaded.asyncify.{mjs,wasm}
//                                      and for `onnxruntime-web/webgpu` (WebGPU sessions), next to the
//                                      chunks; each is fetched only when its backend is used
//                                      (pipeline/runtime/ort.ts says why there are two)
//   weights/                           *.onnx and manifest.json from weights/, where they exist
//   sw.js, precache-manifest.json      the service worker (pipeline/offline/service-worker.ts) and the
//                                      list of every file it keeps for offline use, each with its
//                                      sha256 (writeServiceWorker below; pipeline/offline/precache.ts)
//
// Offline: main.ts registers sw.js (components/shell/service-worker-client.ts). After one visit the
// whole site, weights included, works offline. A new build has a new version (a hash of every
// file), so a new sw.js: the browser installs it beside the old one, which keeps serving any
// open page; it takes over when no page of the old version is open (the next visit), or at once
// when the reader presses Reload in the notice the page shows; the old cache is then deleted.
// The development server (--serve) writes no precache: its sw.js unregisters any worker a
// production build left on that origin and reloads the page, so live reload keeps working.
//
// The development server is a small node:http front over dist/ (esbuild's own
// server cannot send headers) that sends
//   Cross-Origin-Opener-Policy: same-origin
//   Cross-Origin-Embedder-Policy: require-corp
// so the page is cross-origin isolated and onnxruntime can use WASM threads, and
// Content-Security-Policy (CONTENT_SECURITY_POLICY below) on every response.
import * as esbuild from 'esbuild';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.dirname(fileURLToPath(import.meta.url));
/** Where the production build goes: dist/, or SORA_DIST (two test runs in one checkout each build their own). */
export const DIST = process.env.SORA_DIST ? path.resolve(process.env.SORA_DIST) : path.join(root, 'dist');

/** The files onnxruntime-web 1.30 loads at run time: `onnxruntime-web/wasm` the first two,
 *  `onnxruntime-web/webgpu` the asyncify pair; see pipeline/runtime/ort.ts. */
export const ORT_RUNTIME_FILES = [
  'ort-wasm-simd-threaded.mjs',
  'ort-wasm-simd-threaded.wasm',
  'ort-wasm-simd-threaded.asyncify.mjs',
  'ort-wasm-simd-threaded.asyncify.wasm',
];

/** The model worker's entry point: pipeline/worker/client.ts starts it next to its chunk, by the name `bundle` gives it. */
export const WORKER_ENTRY = { 'model-worker': 'pipeline/worker/model-worker.ts' };
const WORKER_NAME = 'model-worker';
/** The identifier pipeline/worker/client.ts reads the worker's file name from (an esbuild `define`). */
const WORKER_DEFINE = '__MODEL_WORKER__';
/** The worker's file name in a production build (`workerFileName`). */
export const MODEL_WORKER_FILE = /^model-worker-[A-Z2-7]{8}\.js$/;
/**
 * Workers of one figure each, bundled and named like the model worker (a hash of their code): name →
 * entry, and the identifier their page-side client reads the file name from. mlp-worker trains chapter
 * 0's small network (pipeline/worker/mlp-client.ts starts it).
 */
export const FIGURE_WORKERS = { 'mlp-worker': { entry: 'pipeline/worker/mlp-worker.ts', define: '__MLP_WORKER__' } };
/** Every hashed worker: the model worker first. */
const WORKERS = [{ name: WORKER_NAME, define: WORKER_DEFINE }, ...Object.entries(FIGURE_WORKERS).map(([name, w]) => ({ name, define: w.define }))];
const figureWorkerEntries = () => Object.fromEntries(Object.entries(FIGURE_WORKERS).map(([name, w]) => [name, w.entry]));
const ORT_DIST = path.join(root, 'node_modules', 'onnxruntime-web', 'dist');

const LIVE_RELOAD_PATH = '__live-reload';
/** The development page's live-reload script: a file, not inline, so the Content-Security-Policy holds in development too. */
const LIVE_RELOAD_SCRIPT = '__live-reload.js';

/** esbuild options shared by the production build and the development watcher. */
function esbuildOptions({ dev, outdir }) {
  return {
    absWorkingDir: root,
    // The model worker is an entry point of its own (a module worker sharing chunks with the page).
    entryPoints: { main: 'main.ts', ...WORKER_ENTRY, ...figureWorkerEntries() },
    outdir,
    bundle: true,
    splitting: true, // chapters are dynamic imports in main.ts: each becomes its own chunk
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    // onnxruntime-web's builds that load their Emscripten glue (.mjs) as a separate file,
    // which is what multi-threaded WASM needs (its worker threads load that file).
    conditions: ['onnxruntime-web-use-extern-wasm'],
    entryNames: '[name]',
    chunkNames: '[name]-[hash]',
    assetNames: '[name]-[hash]',
    minify: !dev,
    sourcemap: true,
    charset: 'utf8',
    metafile: true,
    logLevel: 'warning',
    // development keeps the plain name (its server sends no-cache); `bundle` names it by its hash
    define: Object.fromEntries(WORKERS.map((w) => [w.define, JSON.stringify(`${w.name}.js`)])),
  };
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * The model worker's file name in a production build: `model-worker-` and 8 base32 characters
 * (the alphabet of esbuild's chunk hashes) of the sha256 of its code, the source-map comment
 * left out. Its code imports the shared chunks by their hashed names, so a change in any of
 * them changes the worker's name too.
 */
export function workerFileName(code, name = WORKER_NAME) {
  const text = typeof code === 'string' ? code : Buffer.from(code).toString('utf8');
  const body = text.replace(/\/\/# sourceMappingURL=[^\n]*\n?$/, '');
  const digest = createHash('sha256').update(body).digest();
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of digest) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < 8) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    if (out.length === 8) break;
    value &= (1 << bits) - 1;
  }
  return `${name}-${out}.js`;
}

/**
 * Bundles the entry points and the workers (the model worker, FIGURE_WORKERS) into `outdir`
 * (production: minified, each worker named by `workerFileName`). The page's code must know the
 * workers' names before it is bundled, and a worker's code does not depend on them (the clients that
 * read them, pipeline/worker/client.ts and mlp-client.ts, are not part of any worker), so: a first
 * pass in memory gives each worker's code and so its name; the second, with those names defined for
 * the page, is written, each worker under its name. A worker whose code changed between the passes
 * (it imported a page's client) is an error. `worker` replaces the model worker's entry (tests).
 */
export async function bundle({ outdir = DIST, entryPoints = { main: 'main.ts' }, worker = WORKER_ENTRY[WORKER_NAME], dev = false } = {}) {
  const options = { ...esbuildOptions({ dev, outdir }), entryPoints: { ...entryPoints, ...figureWorkerEntries(), [WORKER_NAME]: worker } };
  if (dev) return { ...(await esbuild.build(options)), workerFile: `${WORKER_NAME}.js` };
  const plainOf = (name) => path.join(path.resolve(outdir), `${name}.js`);
  const codeOf = (result, name) => {
    const f = result.outputFiles.find((o) => o.path === plainOf(name));
    if (!f) throw new Error(`bundle: esbuild wrote no ${name}.js`);
    return f.text;
  };
  const first = await esbuild.build({ ...options, write: false });
  const files = Object.fromEntries(WORKERS.map((w) => [w.name, workerFileName(codeOf(first, w.name), w.name)]));
  const define = Object.fromEntries(WORKERS.map((w) => [w.define, JSON.stringify(files[w.name])]));
  const result = await esbuild.build({ ...options, write: false, define });
  for (const w of WORKERS) {
    if (workerFileName(codeOf(result, w.name), w.name) !== files[w.name]) {
      throw new Error(`bundle: the ${w.name}'s code depends on its own file name (does it import its page-side client?)`);
    }
  }
  // plain name → hashed name, for each worker and its source map
  const renames = new Map();
  for (const w of WORKERS) {
    const hashed = path.join(path.dirname(plainOf(w.name)), files[w.name]);
    renames.set(plainOf(w.name), { to: hashed, name: w.name });
    renames.set(`${plainOf(w.name)}.map`, { to: `${hashed}.map` });
  }
  for (const f of result.outputFiles) {
    const rename = renames.get(f.path);
    let contents = f.contents;
    if (rename?.name) contents = f.text.replace(`//# sourceMappingURL=${rename.name}.js.map`, `//# sourceMappingURL=${files[rename.name]}.map`);
    const file = rename?.to ?? f.path;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, contents);
  }
  // the metafile names the files as written
  const key = (p) => path.relative(root, p).split(path.sep).join('/');
  const renamedKeys = new Map([...renames].map(([from, r]) => [key(from), key(r.to)]));
  const outputs = {};
  for (const [k, v] of Object.entries(result.metafile.outputs)) outputs[renamedKeys.get(k) ?? k] = v;
  return { ...result, outputFiles: undefined, metafile: { ...result.metafile, outputs }, workerFile: files[WORKER_NAME], workerFiles: files };
}

function copyIfChanged(from, to) {
  const a = fs.statSync(from);
  const b = fs.existsSync(to) ? fs.statSync(to) : null;
  if (b && b.size === a.size && b.mtimeMs >= a.mtimeMs) return;
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.copyFileSync(from, to);
}

/** weights/: every *.onnx (sub-folders too, except hidden ones and training code) and manifest.json. */
function weightFiles() {
  const dir = path.join(root, 'weights');
  if (!fs.existsSync(dir)) return [];
  const found = [];
  const walk = (rel) => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = path.join(rel, entry.name);
      if (entry.isDirectory()) {
        if (!entry.name.startsWith('.') && entry.name !== 'node_modules' && entry.name !== '__pycache__') walk(r);
      } else if (entry.isFile() && (entry.name.endsWith('.onnx') || r === 'manifest.json')) {
        found.push(r);
      }
    }
  };
  walk('');
  return found;
}

/** The chapters of chapters/registry.ts (tag, id, number, title), read without running their code. */
export function chapterList() {
  const file = path.join(root, 'chapters', 'registry.ts');
  const { code } = esbuild.transformSync(fs.readFileSync(file, 'utf8'), { loader: 'ts', format: 'cjs', sourcefile: file });
  const module = { exports: {} };
  // the registry's `load` functions are import()s that are never called here; it imports nothing else
  new Function('module', 'exports', 'require', code)(module, module.exports, (name) => {
    throw new Error(`chapters/registry.ts must not import anything (it imports ${name})`);
  });
  return module.exports.CHAPTERS.map(({ tag, id, number, title }) => ({ tag, id, number, title }));
}

const escapeHtml = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** index.html's two `<!-- chapters: … -->` marks filled from the registry: a line of the contents, and the element, of each chapter. */
export function fillChapters(html, chapters = chapterList()) {
  const contents = chapters
    .map((c) => `          <li><a href="#${escapeHtml(c.id)}"><span class="n">${escapeHtml(c.number)}</span><span>${escapeHtml(c.title)}</span></a></li>`)
    .join('\n');
  const sections = chapters
    .map((c) =>
      [
        `        <${c.tag} id="${escapeHtml(c.id)}" class="chapter" data-number="${escapeHtml(c.number)}" data-title="${escapeHtml(c.title)}">`,
        `          <h2>${escapeHtml(c.number)}. ${escapeHtml(c.title)}</h2>`,
        '          <p class="loading">This chapter loads as you come near it.</p>',
        `        </${c.tag}>`,
      ].join('\n'),
    )
    .join('\n');
  const fill = (text, mark, by) => {
    const re = new RegExp(`^[ \\t]*<!-- chapters: ${mark}\\b[^\\n]*-->$`, 'm');
    if (!re.test(text)) throw new Error(`index.html has no <!-- chapters: ${mark} … --> line`);
    return text.replace(re, () => by);
  };
  return fill(fill(html, 'contents', contents), 'sections', sections);
}

/** index.html, onnxruntime's runtime files and the weights, into `outdir`. */
export function copyStatic({ outdir = DIST, dev = false } = {}) {
  let html = fillChapters(fs.readFileSync(path.join(root, 'index.html'), 'utf8'));
  const mainJs = path.join(outdir, 'main.js');
  if (fs.existsSync(mainJs)) {
    // cache-busting for hosts that cache main.js: the other chunks carry a hash in their names
    const v = createHash('sha256').update(fs.readFileSync(mainJs)).digest('hex').slice(0, 10);
    html = html.replace(/(src="\.\/main\.js)(")/, `$1?v=${v}$2`);
  }
  if (dev) {
    html = html.replace('</body>', `<script type="module" src="./${LIVE_RELOAD_SCRIPT}"></script>\n</body>`);
    // no service worker while developing (components/shell/service-worker-client.ts reads this)
    html = html.replace('</head>', `<meta name="${SW_META}" content="off" />\n</head>`);
  }
  fs.mkdirSync(outdir, { recursive: true });
  fs.writeFileSync(path.join(outdir, 'index.html'), html);
  if (dev) {
    fs.writeFileSync(path.join(outdir, SW_FILE), DEV_SERVICE_WORKER);
    fs.writeFileSync(
      path.join(outdir, LIVE_RELOAD_SCRIPT),
      `// development server: reload on a rebuild (build.mjs)\nnew EventSource('./${LIVE_RELOAD_PATH}').addEventListener('message', () => location.reload());\n`,
    );
  }
  for (const f of ORT_RUNTIME_FILES) copyIfChanged(path.join(ORT_DIST, f), path.join(outdir, f));
  const weights = weightFiles();
  for (const f of weights) copyIfChanged(path.join(root, 'weights', f), path.join(outdir, 'weights', f));
  return { weights };
}

/** The production build: dist/ from scratch. */
export async function build({ outdir = DIST } = {}) {
  fs.rmSync(outdir, { recursive: true, force: true });
  const result = await bundle({ outdir });
  const { weights } = copyStatic({ outdir });
  const { precache } = await writeServiceWorker({ outdir });
  return { metafile: result.metafile, weights, outdir, precache, workerFile: result.workerFile };
}

// ---------------------------------------------------------------------------
// The service worker and its precache manifest.

export const SW_FILE = 'sw.js';
export const PRECACHE_FILE = 'precache-manifest.json';
const SW_META = 'sora-service-worker';
const SW_ENTRY = 'pipeline/offline/service-worker.ts';
/** Fetched only where WebGPU runs (pipeline/runtime/ort.ts): kept at install where there is a hardware adapter, else on first use. */
export const ON_DEMAND_FILES = ['ort-wasm-simd-threaded.asyncify.mjs', 'ort-wasm-simd-threaded.asyncify.wasm'];

/** The development server's sw.js: it replaces a production worker left on this origin, deletes its caches, and reloads the pages. */
const DEV_SERVICE_WORKER = `// development server: no offline copy (build.mjs)
self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil((async () => {
  for (const name of await caches.keys()) if (name.startsWith('sora-app ')) await caches.delete(name);
  await self.registration.unregister();
  for (const client of await self.clients.matchAll({ type: 'window' })) client.navigate(client.url);
})()));
`;

const sha256Of = (file) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** Every file under `dir`, as '/'-separated paths relative to it. */
function listFiles(dir, rel = '') {
  const out = [];
  for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...listFiles(dir, r));
    else if (entry.isFile()) out.push(r);
  }
  return out.sort();
}

/**
 * Writes `outdir/precache-manifest.json` (every file of the build with its sha256 and size; see
 * pipeline/offline/precache.ts) and `outdir/sw.js` (the service worker with that manifest inlined,
 * so any change to the build changes sw.js and browsers install the new version). Weight files are
 * listed only where their bytes match weights/manifest.json (a mismatched one would fail the page's
 * own check anyway, and must not stop the rest of the site from being kept).
 */
export async function writeServiceWorker({ outdir = DIST, minify = true } = {}) {
  for (const f of [SW_FILE, PRECACHE_FILE]) fs.rmSync(path.join(outdir, f), { force: true });
  const weightsBase = 'weights/';
  let weightsManifest = { models: {} };
  const wm = path.join(outdir, weightsBase, 'manifest.json');
  if (fs.existsSync(wm)) weightsManifest = JSON.parse(fs.readFileSync(wm, 'utf8'));
  const weights = [];
  const skipped = [];
  for (const [model, e] of Object.entries(weightsManifest.models ?? {})) {
    const p = `${weightsBase}${e.file}`;
    const file = path.join(outdir, p);
    if (!fs.existsSync(file)) continue;
    if (weights.some((w) => w.path === p)) continue; // a file two entries name (dit and dit_inspect) is kept once
    const sha256 = sha256Of(file);
    const bytes = fs.statSync(file).size;
    if (sha256 !== e.sha256 || bytes !== e.bytes) {
      skipped.push(p);
      continue;
    }
    weights.push({ model, file: e.file, path: p, sha256, bytes });
  }
  if (skipped.length) console.warn(`offline copy: left out ${skipped.join(', ')}: the bytes differ from weights/manifest.json`);
  const files = [];
  const onDemand = [];
  for (const p of listFiles(outdir)) {
    if (p.endsWith('.map') || p === SW_FILE || p === PRECACHE_FILE) continue;
    if (p.startsWith(weightsBase) && p !== `${weightsBase}manifest.json`) continue; // the models: only as listed above
    const full = path.join(outdir, p);
    const entry = { path: p, sha256: sha256Of(full), bytes: fs.statSync(full).size };
    (ON_DEMAND_FILES.includes(p) ? onDemand : files).push(entry);
  }
  const code = await esbuild.build({
    absWorkingDir: root,
    entryPoints: [SW_ENTRY],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify,
    charset: 'utf8',
    logLevel: 'warning',
  });
  const swCode = code.outputFiles[0].text;
  const listed = { weightsBase, files, onDemand, weights };
  const version = createHash('sha256').update(JSON.stringify(listed)).update(swCode).digest('hex').slice(0, 16);
  const precache = { format: 1, version, ...listed };
  fs.writeFileSync(path.join(outdir, PRECACHE_FILE), `${JSON.stringify(precache, null, 1)}\n`);
  fs.writeFileSync(path.join(outdir, SW_FILE), `self.__PRECACHE__ = ${JSON.stringify(precache)};\n${swCode}`);
  return { precache };
}

/**
 * A test page: `entry` bundled exactly as the site is (same esbuild options, the model worker,
 * onnxruntime's runtime files beside it) into `outdir`, with a bare index.html that loads it.
 * `weights: true` copies weights/ (the ONNX files and manifest.json) into `outdir/weights/` too;
 * `entries` ({ name: 'path.ts' }) bundles more entry points beside it (a test's own worker: `./name.js`).
 */
export async function buildTestPage({ entry, outdir, title = 'test page', weights = false, entries = {} }) {
  fs.rmSync(outdir, { recursive: true, force: true });
  await bundle({ outdir, entryPoints: { page: entry, ...entries } });
  fs.writeFileSync(
    path.join(outdir, 'index.html'),
    `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${title}</title>` +
      `<link rel="icon" href="data:,"><script type="module" src="./page.js"></script></head><body></body></html>\n`,
  );
  for (const f of ORT_RUNTIME_FILES) copyIfChanged(path.join(ORT_DIST, f), path.join(outdir, f));
  if (weights) for (const f of weightFiles()) copyIfChanged(path.join(root, 'weights', f), path.join(outdir, 'weights', f));
  return { outdir };
}

// ---------------------------------------------------------------------------
// A static server with the headers for cross-origin isolation.

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * The Content-Security-Policy the server sends with every response (and the page's meta tag
 * should match): scripts, styles, workers and connections from this origin only; WebAssembly
 * may compile ('wasm-unsafe-eval'), other eval may not; inline styles (Lit, Plot) allowed;
 * images also from data: and blob: URLs (canvas exports); no plugins, no <base>.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
  "connect-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'none'";

export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/**
 * Serves `dir` under the URL path `base` (e.g. '/' or '/course/sora/') on `host:port` (port 0: any free one).
 * `isolation: false` leaves out the COOP/COEP headers, as most static hosts do; they are also left out
 * for a request whose Host is not this machine (a class on the network: over plain http its origin is
 * not trustworthy, and Chromium would log an error for each page that sends them).
 * `routes` maps a path below `base` to a handler (req, res, headers), for the live-reload stream
 * (looked up as own properties only: `/__proto__` or `/constructor` is a file name, not a route).
 * Every response carries CONTENT_SECURITY_POLICY; the path is decoded once and must stay inside `dir`.
 */
export function startStaticServer(dir, { port = 0, host = '127.0.0.1', base = '/', isolation = true, routes = {} } = {}) {
  const rootDir = path.resolve(dir);
  if (!base.startsWith('/') || !base.endsWith('/')) throw new Error(`base must start and end with '/': ${base}`);
  const server = http.createServer((req, res) => {
    const headers = {
      'Cache-Control': 'no-cache',
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      ...(isolation && isLoopbackHost(req.headers.host) ? ISOLATION_HEADERS : {}),
    };
    const send = (status, body, type = 'text/plain; charset=utf-8') => {
      res.writeHead(status, { ...headers, 'Content-Type': type });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      return send(400, 'bad request\n');
    }
    if (pathname === base.slice(0, -1)) {
      res.writeHead(301, { ...headers, Location: base });
      return res.end();
    }
    if (!pathname.startsWith(base)) return send(404, 'not found\n');
    const rel = pathname.slice(base.length);
    const route = Object.hasOwn(routes, rel) ? routes[rel] : undefined;
    if (typeof route === 'function') return route(req, res, headers);
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed\n');
    let file = path.resolve(rootDir, `.${path.sep}${rel}`);
    if (file !== rootDir && !file.startsWith(rootDir + path.sep)) return send(403, 'forbidden\n');
    try {
      if (fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
      const stat = fs.statSync(file);
      res.writeHead(200, {
        ...headers,
        'Content-Type': TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
        'Content-Length': stat.size,
      });
      if (req.method === 'HEAD') return res.end();
      fs.createReadStream(file).pipe(res);
    } catch {
      send(404, 'not found\n');
    }
  });
  // a request Node's parser refuses: Node's own answer (400, 408, 431), with the same policy
  server.on('clientError', (err, socket) => {
    if (!socket.writable || err.code === 'ECONNRESET') return socket.destroy();
    const status =
      err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large'
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout'
      : '400 Bad Request';
    socket.end(`HTTP/1.1 ${status}\r\nContent-Security-Policy: ${CONTENT_SECURITY_POLICY}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const actual = server.address().port;
      const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
      resolve({
        server,
        port: actual,
        url: `http://${shownHost}:${actual}${base}`,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections?.();
            server.close(() => done());
          }),
      });
    });
  });
}

// ---------------------------------------------------------------------------
// Development: watch, rebuild, live reload.

async function serve({ port, host }) {
  fs.rmSync(DIST, { recursive: true, force: true });
  const clients = new Set();
  const reload = () => {
    for (const res of clients) res.write('data: reload\n\n');
  };
  let first = true;
  const ctx = await esbuild.context({
    ...esbuildOptions({ dev: true, outdir: DIST }),
    logLevel: 'info',
    plugins: [
      {
        name: 'copy-and-reload',
        setup(b) {
          b.onEnd((result) => {
            copyStatic({ dev: true });
            if (result.errors.length === 0 && !first) reload();
            first = false;
          });
        },
      },
    ],
  });
  await ctx.watch();
  // index.html and the weights are not part of esbuild's graph: watch them too.
  let timer = null;
  const onStaticChange = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      copyStatic({ dev: true });
      reload();
    }, 100);
  };
  fs.watch(path.join(root, 'index.html'), onStaticChange);
  if (fs.existsSync(path.join(root, 'weights'))) fs.watch(path.join(root, 'weights'), onStaticChange);

  const routes = {
    [LIVE_RELOAD_PATH]: (req, res, headers) => {
      res.writeHead(200, { ...headers, 'Content-Type': 'text/event-stream', Connection: 'keep-alive' });
      res.write(': connected\n\n');
      clients.add(res);
      req.on('close', () => clients.delete(res));
    },
  };
  let server;
  for (let p = port; ; p++) {
    try {
      server = await startStaticServer(DIST, { port: p, host, routes });
      break;
    } catch (e) {
      if (e.code !== 'EADDRINUSE' || p >= port + 10) throw e;
      console.log(`port ${p} is in use, trying ${p + 1}`);
    }
  }
  console.log(`\nServing dist/ on ${server.url} (cross-origin isolated, so WASM may use threads). Ctrl-C stops.\n`);
  const lan = networkUrls(host, server.port);
  if (lan.length) {
    console.log(`On this network, students open:\n${lan.map((u) => `  ${u}`).join('\n')}`);
    console.log('(plain http from another machine: the models run on one WASM thread, and each visit downloads them again)\n');
  }
  const stop = async () => {
    await ctx.dispose();
    await server.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/** Whether a request's Host header names this machine (localhost, 127.x.x.x, [::1]): an http origin browsers trust. */
export function isLoopbackHost(hostHeader) {
  if (!hostHeader) return true; // HTTP/1.0 or a raw test request: no origin to distrust
  const name = hostHeader.startsWith('[') ? hostHeader.slice(1, hostHeader.indexOf(']')) : hostHeader.replace(/:\d+$/, '');
  return name === 'localhost' || name.endsWith('.localhost') || /^127(\.\d{1,3}){3}$/.test(name) || name === '::1';
}

/** The http:// addresses other machines reach a server listening on `host` by (none unless it listens on all interfaces). */
export function networkUrls(host, port, interfaces = os.networkInterfaces()) {
  if (host !== '0.0.0.0' && host !== '::') return [];
  return Object.values(interfaces)
    .flat()
    .filter((a) => a && !a.internal && (a.family === 'IPv4' || a.family === 4))
    .map((a) => `http://${a.address}:${port}/`);
}

function parseArgs(argv) {
  const args = { serve: false, port: 8000, host: '127.0.0.1' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--serve') args.serve = true;
    else if (a === '--port') args.port = Number(argv[++i]);
    else if (a.startsWith('--port=')) args.port = Number(a.slice(7));
    else if (a === '--host') args.host = argv[++i];
    else if (a.startsWith('--host=')) args.host = a.slice(7);
    else throw new Error(`unknown argument: ${a}\nusage: node build.mjs [--serve [--port 8000] [--host 127.0.0.1]]`);
  }
  if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535) throw new Error(`bad --port: ${args.port}`);
  return args;
}

const isMain = process.argv[1] && pathToFileURL(path.resolve(process.argv[1])).href === import.meta.url;
if (isMain) {
  try {
    const args = parseArgs(process.argv.slice(2));
    if (args.serve) {
      await serve(args);
    } else {
      const t0 = Date.now();
      const { metafile, weights, precache } = await build();
      const outputs = Object.entries(metafile.outputs).filter(([f]) => f.endsWith('.js'));
      const kb = (n) => `${(n / 1024).toFixed(0)} kB`;
      console.log(`Built dist/ in ${Date.now() - t0} ms: ${outputs.length} scripts, ${kb(outputs.reduce((s, [, o]) => s + o.bytes, 0))}; ` +
        `onnxruntime runtime files; ${weights.length ? `weights: ${weights.join(', ')}` : 'no weights yet'}; ` +
        `service worker ${precache.version} keeping ${precache.files.length} files, ${precache.weights.length} models.`);
    }
  } catch (e) {
    console.error(e.message ?? e);
    process.exit(1);
  }
}
