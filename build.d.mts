// Types for build.mjs, for the tests that import its static server.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

export const DIST: string;
export const ORT_RUNTIME_FILES: string[];
export const ISOLATION_HEADERS: Record<string, string>;
/** The Content-Security-Policy every response of startStaticServer carries. */
export const CONTENT_SECURITY_POLICY: string;

export interface StaticServer {
  server: Server;
  port: number;
  /** http://host:port/base/ */
  url: string;
  close(): Promise<void>;
}

export interface StaticServerOptions {
  port?: number;
  host?: string;
  /** URL path the folder is served under: '/' or '/some/sub/path/'. */
  base?: string;
  /** Send the COOP/COEP headers (default true). */
  isolation?: boolean;
  routes?: Record<string, (req: IncomingMessage, res: ServerResponse, headers: Record<string, string>) => void>;
}

export function startStaticServer(dir: string, options?: StaticServerOptions): Promise<StaticServer>;
export function copyStatic(options?: { outdir?: string; dev?: boolean }): { weights: string[] };
export function build(options?: { outdir?: string }): Promise<{ metafile: unknown; weights: string[]; outdir: string; precache: PrecacheManifestJson; workerFile: string }>;
/** The entry points and the model worker bundled into outdir; in production the worker is named by workerFileName. */
export function bundle(options?: { outdir?: string; entryPoints?: Record<string, string>; worker?: string; dev?: boolean }): Promise<{ metafile: unknown; workerFile: string }>;
/** `model-worker-` and 8 base32 characters of the sha256 of the worker's code (its source-map comment left out), `.js`. */
export function workerFileName(code: string | Uint8Array): string;
/** Matches the model worker's file name in a production build. */
export const MODEL_WORKER_FILE: RegExp;

/** dist/precache-manifest.json (pipeline/offline/precache.ts: PrecacheManifest). */
export interface PrecacheManifestJson {
  format: 1;
  version: string;
  weightsBase: string;
  files: { path: string; sha256: string; bytes: number }[];
  onDemand: { path: string; sha256: string; bytes: number }[];
  weights: { model: string; file: string; path: string; sha256: string; bytes: number }[];
}
export const SW_FILE: string;
export const PRECACHE_FILE: string;
export const ON_DEMAND_FILES: string[];
/** Writes outdir/precache-manifest.json and outdir/sw.js for the files now in outdir. */
export function writeServiceWorker(options?: { outdir?: string; minify?: boolean }): Promise<{ precache: PrecacheManifestJson }>;
export const WORKER_ENTRY: Record<string, string>;
export function buildTestPage(options: { entry: string; outdir: string; title?: string; weights?: boolean; entries?: Record<string, string> }): Promise<{ outdir: string }>;

/** The chapters of chapters/registry.ts, read without running their code. */
export function chapterList(): { tag: string; id: string; number: string; title: string }[];
/** index.html's `<!-- chapters: contents -->` and `<!-- chapters: sections -->` lines filled from the registry. */
export function fillChapters(html: string, chapters?: { tag: string; id: string; number: string; title: string }[]): string;

/** The http:// addresses other machines reach a server listening on `host` by: none unless it listens on all interfaces (0.0.0.0 or ::). */
export function networkUrls(host: string, port: number, interfaces?: NodeJS.Dict<import('node:os').NetworkInterfaceInfo[]>): string[];

/** Whether a request's Host header names this machine (localhost, 127.x.x.x, [::1]): an http origin browsers trust. */
export function isLoopbackHost(hostHeader: string | undefined): boolean;
