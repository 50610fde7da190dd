// build.mjs's static server (startStaticServer: the development server, and the one
// every browser test and tool serves pages with), spoken to over raw sockets so
// that nothing on the client side cleans the request up first: names Object.prototype
// has (/__proto__ killed the server, /constructor and others hung the request) answer
// 404 and the server stays up; no encoding of a path traversal serves a file outside
// the folder; broken escapes are 400, other methods than GET and HEAD 405, HEAD has
// no body, a route still answers, and every response carries the Content-Security-Policy.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as buildModule from '../../build.mjs';
import { isLoopbackHost, networkUrls, startStaticServer, type StaticServer } from '../../build.mjs';

const POLICY =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
  "connect-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'none'";
const SECRET = 'SECRET-OUTSIDE-THE-FOLDER';
/** A request that takes longer than this has hung (a local answer takes a few ms). */
const QUICK_MS = 1000;

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
  ms: number;
  timedOut: boolean;
}

/** One request, exactly as written (no normalisation by a client), on its own connection. */
function request(port: number, target: string, method = 'GET', timeoutMs = 2 * QUICK_MS, host = `127.0.0.1:${port}`): Promise<Answer> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let done = false;
    const finish = (timedOut: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      const split = text.indexOf('\r\n\r\n');
      const head = split < 0 ? text : text.slice(0, split);
      let body = split < 0 ? '' : text.slice(split + 4);
      const [statusLine, ...lines] = head.split('\r\n');
      const headers: Record<string, string> = {};
      for (const l of lines) {
        const i = l.indexOf(':');
        if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
      }
      if (headers['transfer-encoding'] === 'chunked') {
        let out = '';
        for (let rest = body; ; ) {
          const eol = rest.indexOf('\r\n');
          const n = parseInt(rest.slice(0, eol), 16);
          if (!(n > 0)) break;
          out += rest.slice(eol + 2, eol + 2 + n);
          rest = rest.slice(eol + 2 + n + 2);
        }
        body = out;
      }
      resolve({ status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? '')?.[1] ?? 0), headers, body, ms: performance.now() - t0, timedOut });
    };
    const timer = setTimeout(() => finish(true), timeoutMs);
    socket.on('data', (d) => chunks.push(d));
    socket.on('end', () => finish(false));
    socket.on('close', () => finish(false));
    socket.on('error', () => finish(false));
    socket.write(`${method} ${target} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`, 'latin1');
  });
}

let tmp: string;
let site: string;
let server: StaticServer;
let sub: StaticServer;
const crashes: unknown[] = [];
const onCrash = (e: unknown) => crashes.push(e);
const hello = (_req: unknown, res: import('node:http').ServerResponse, headers: Record<string, string>) => {
  res.writeHead(200, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
  res.end('hello from a route\n');
};

test.before(async () => {
  // the server's exceptions would end this process: collect them, and fail on them
  process.on('uncaughtException', onCrash);
  tmp = mkdtempSync(path.join(tmpdir(), 'static-server-'));
  site = path.join(tmp, 'site');
  mkdirSync(path.join(site, 'sub'), { recursive: true });
  writeFileSync(path.join(site, 'index.html'), '<!doctype html><title>inside</title>\n');
  writeFileSync(path.join(site, 'sub', 'b.js'), 'export const inside = 1;\n');
  writeFileSync(path.join(tmp, 'secret.txt'), `${SECRET}\n`);
  mkdirSync(path.join(tmp, 'site-evil'));
  writeFileSync(path.join(tmp, 'site-evil', 'secret.txt'), `${SECRET}\n`); // a sibling whose name starts with the folder's
  server = await startStaticServer(site, { port: 0, routes: { hello } });
  sub = await startStaticServer(site, { port: 0, base: '/course/sora/', isolation: false, routes: { hello } });
});

test.after(async () => {
  await server?.close();
  await sub?.close();
  process.off('uncaughtException', onCrash);
  rmSync(tmp, { recursive: true, force: true });
});

const assertUp = async (s: StaticServer, prefix = '/') => {
  const r = await request(s.port, `${prefix}index.html`);
  assert.is(r.status, 200, `the server still answers (${r.timedOut ? 'timed out' : r.status})`);
  assert.match(r.body, /inside/);
};

test('the Content-Security-Policy: exported by build.mjs as the issue gives it', () => {
  assert.is((buildModule as Record<string, unknown>).CONTENT_SECURITY_POLICY, POLICY);
});

test("names Object.prototype has (/__proto__, /constructor, /toString, …) are no route: 404 at once, the server stays up", async () => {
  const names = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString', '__defineGetter__', '__lookupSetter__'];
  const wrong: string[] = [];
  for (const [s, prefix] of [[server, '/'], [sub, '/course/sora/']] as const) {
    for (const name of names) {
      const before = crashes.length;
      const r = await request(s.port, `${prefix}${name}`);
      const what =
        crashes.length > before ? `threw in the server (${String(crashes[before])})`
        : r.timedOut ? `hung (no answer in ${2 * QUICK_MS} ms)`
        : r.status !== 404 ? `answered ${r.status}`
        : r.ms >= QUICK_MS ? `took ${r.ms.toFixed(0)} ms`
        : null;
      if (what) wrong.push(`${prefix}${name} ${what}`);
    }
  }
  // every one, said at once
  assert.equal(wrong, [], wrong.join('; '));
  for (const [s, prefix] of [[server, '/'], [sub, '/course/sora/']] as const) {
    for (const name of names) assert.is((await request(s.port, `${prefix}${name}`)).headers['content-security-policy'], POLICY, `${prefix}${name}: the policy`);
    await assertUp(s, prefix);
  }
});

test('no encoding of a path traversal serves a file outside the folder (400, 403 or 404)', async () => {
  const attempts = [
    '/../secret.txt', '/../../../../../../etc/passwd', '/%2e%2e/secret.txt', '/%2E%2E/secret.txt', '/%2e%2e%2fsecret.txt', '/%2E%2E%2Fsecret.txt',
    '/..%2fsecret.txt', '/..%2Fsecret.txt', '/.%2e/secret.txt', '/%2e./secret.txt', '/%252e%252e/secret.txt', '/%252e%252e%252fsecret.txt',
    '/..\\secret.txt', '/\\..\\secret.txt', '/..%5csecret.txt', '/%2e%2e%5csecret.txt', '/sub/../../secret.txt', '/sub/%2e%2e/%2e%2e/secret.txt',
    '/sub/..%2f..%2fsecret.txt', '//../secret.txt', '/..//secret.txt', '//etc/passwd', '///etc/passwd', '/%2f..%2fsecret.txt', '/%2fetc%2fpasswd',
    '/..%2fsite-evil%2fsecret.txt', '/../site-evil/secret.txt', '/index.html%00../../secret.txt', '/%00', '/..%00/secret.txt', '/secret.txt%00.html',
    '/..%c0%afsecret.txt', '/..%e0%80%afsecret.txt', '/..%u2216secret.txt', '/..;/secret.txt', '/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd',
    'http://127.0.0.1/../secret.txt', '/..%252fsecret.txt', '/....//secret.txt', '/.../secret.txt', `/${'../'.repeat(40)}etc/passwd`,
  ];
  for (const [s, prefix] of [[server, '/'], [sub, '/course/sora/']] as const) {
    for (const a of attempts) {
      const target = a.startsWith('/') ? `${prefix.slice(0, -1)}${a}` : a;
      const r = await request(s.port, target);
      assert.is(crashes.length, 0, `${target} threw in the server: ${String(crashes[0])}`);
      assert.not.ok(r.timedOut, `${target} hung`);
      assert.ok([400, 403, 404].includes(r.status), `${target}: ${r.status}`);
      assert.not.match(r.body, SECRET, `${target} served the file outside the folder`);
      assert.not.match(r.body, /root:/, `${target} served /etc/passwd`);
      assert.is(r.headers['content-security-policy'], POLICY, `${target}: the policy`);
    }
    await assertUp(s, prefix);
  }
  // what is inside is served, a doubled slash included
  const inside = await request(server.port, '/sub//b.js');
  assert.is(inside.status, 200);
  assert.match(inside.body, /inside = 1/);
});

test('broken percent escapes and raw bytes Node refuses are 400', async () => {
  for (const target of ['/%E0%A4%A', '/%', '/%zz', '/sub/%', '/%C0%AF', '/%ED%A0%80', '/course/sora/%E0%A4%A']) {
    const r = await request(server.port, target);
    assert.is(r.status, 400, target);
    assert.is(r.headers['content-security-policy'], POLICY, `${target}: the policy`);
  }
  // raw bytes Node's own parser refuses (a null byte, control characters, spaces): 400 with the policy too
  for (const target of ['/\u0000', '/..\u0000/secret.txt', '/a\u0001b', '/a\u007fb', '/../secret.txt x']) {
    const r = await request(server.port, target);
    assert.is(r.status, 400, JSON.stringify(target));
    assert.not.match(r.body, SECRET);
    assert.is(r.headers['content-security-policy'], POLICY, `${JSON.stringify(target)}: the policy`);
  }
  await assertUp(server);
});

test('files: GET and HEAD only (405 otherwise); HEAD has the headers and no body', async () => {
  for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'PROPFIND']) {
    const r = await request(server.port, '/index.html', method);
    assert.is(r.status, 405, method);
    assert.is(r.headers['content-security-policy'], POLICY, `${method}: the policy`);
  }
  const get = await request(server.port, '/index.html');
  assert.is(get.status, 200);
  assert.is(get.headers['content-type'], 'text/html; charset=utf-8');
  assert.is(get.headers['cross-origin-embedder-policy'], 'require-corp');
  assert.is(get.headers['content-security-policy'], POLICY);
  const head = await request(server.port, '/index.html', 'HEAD');
  assert.is(head.status, 200);
  assert.is(head.headers['content-length'], String(Buffer.byteLength(get.body)));
  assert.is(head.body, '', 'HEAD: no body');
  assert.is(head.headers['content-security-policy'], POLICY);
  const missing = await request(server.port, '/nothing-here.js', 'HEAD');
  assert.is(missing.status, 404);
  assert.is(missing.body, '', 'HEAD 404: no body');
  const dir = await request(server.port, '/');
  assert.is(dir.status, 200);
  assert.match(dir.body, /inside/);
});

test('a route passed in `routes` still answers (with the same headers); the sub-path server redirects its bare path', async () => {
  for (const [s, prefix] of [[server, '/'], [sub, '/course/sora/']] as const) {
    const r = await request(s.port, `${prefix}hello`);
    assert.is(r.status, 200, `${prefix}hello`);
    assert.is(r.body, 'hello from a route\n');
    assert.is(r.headers['content-security-policy'], POLICY);
  }
  const bare = await request(sub.port, '/course/sora');
  assert.is(bare.status, 301);
  assert.is(bare.headers.location, '/course/sora/');
  assert.is(bare.headers['content-security-policy'], POLICY);
  const outside = await request(sub.port, '/index.html');
  assert.is(outside.status, 404, 'outside the sub-path');
  assert.is(sub.url.endsWith('/course/sora/'), true);
  assert.is((await request(sub.port, '/course/sora/index.html')).headers['cross-origin-embedder-policy'], undefined, 'isolation: false');
});

test('npm start -- --host 0.0.0.0 names the addresses students open: each outside IPv4 address, none for loopback only', () => {
  const interfaces = {
    lo: [{ address: '127.0.0.1', family: 'IPv4', internal: true }],
    eth0: [
      { address: '192.168.1.20', family: 'IPv4', internal: false },
      { address: 'fe80::1', family: 'IPv6', internal: false },
    ],
    wlan0: [{ address: '10.0.0.7', family: 'IPv4', internal: false }],
  } as unknown as Parameters<typeof networkUrls>[2];
  assert.equal(networkUrls('0.0.0.0', 8000, interfaces), ['http://192.168.1.20:8000/', 'http://10.0.0.7:8000/']);
  assert.equal(networkUrls('::', 8001, interfaces), ['http://192.168.1.20:8001/', 'http://10.0.0.7:8001/']);
  assert.equal(networkUrls('127.0.0.1', 8000, interfaces), [], 'the default listens on this machine only');
});

test('cross-origin isolation headers go to this machine only: a page asked for by a network address (a class over plain http) gets none, so Chromium logs no error', async () => {
  const isolated = (host: string) => request(server.port, '/index.html', 'GET', 2 * QUICK_MS, host).then((r) => r.headers['cross-origin-opener-policy']);
  for (const host of ['127.0.0.1:8000', 'localhost:8000', 'localhost', '[::1]:8000', 'sora.localhost:8000', '127.0.0.2']) assert.is(await isolated(host), 'same-origin', host);
  for (const host of ['192.168.1.20:8000', 'classroom.test:8000', '[fd00::2]:8000', 'localhost.example.com', '127.0.0.1.nip.io']) assert.is(await isolated(host), undefined, host);
  assert.ok(isLoopbackHost(undefined), 'no Host header');
  const page = await request(server.port, '/index.html', 'GET', 2 * QUICK_MS, '192.168.1.20:8000');
  assert.is(page.status, 200);
  assert.is(page.headers['content-security-policy'], POLICY, 'the policy still goes everywhere');
});

test('nothing the requests above sent made the server throw', () => {
  assert.is(crashes.length, 0, String(crashes[0]));
});

test.run();
