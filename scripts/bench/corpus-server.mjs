// The registry of the code bench (scripts/bench/real-bump.mjs's corpus), run as its own process
// like scripts/bench/server.mjs: GET /<name> (or /@scope%2fname) answers <dir>/<encoded name>.json
// with tarball URLs rewritten to this server, an ETag and max-age=300, 304 to a matching
// If-None-Match; GET /<name>/-/<basename>-<version>.tgz answers <dir>/tarballs/<name, / as +>-<version>.tgz.
// Everything is read into memory at start. GET /-/bench/requests answers the paths served (200)
// since the last such request, and forgets them: what one run fetched, for the fetch floor.
// Prints its URL on stdout once it listens.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

const dir = process.argv[2];
const PUBLIC = 'https://registry.npmjs.org/';
const etag = (body) => `"${crypto.createHash('sha1').update(body).digest('hex')}"`;

const texts = new Map();
for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.json')))
  texts.set(decodeURIComponent(file.slice(0, -'.json'.length)), fs.readFileSync(path.join(dir, file), 'utf8'));
const tarballs = new Map();
const tarballDir = path.join(dir, 'tarballs');
for (const file of fs.existsSync(tarballDir) ? fs.readdirSync(tarballDir).filter((f) => f.endsWith('.tgz')) : [])
  tarballs.set(file, fs.readFileSync(path.join(tarballDir, file)));
const documents = new Map();
let served = new Set();

function answer(req, res, body, type) {
  const tag = body.etag;
  const headers = { etag: tag, 'cache-control': 'public, max-age=300' };
  if (req.headers['if-none-match'] === tag) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  served.add(req.url);
  res.writeHead(200, { ...headers, 'content-type': type, 'content-length': body.bytes.length });
  res.end(body.bytes);
}

const server = http.createServer((req, res) => {
  const pathname = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
  if (pathname === '/-/bench/requests') {
    const list = [...served].sort();
    served = new Set();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(list));
    return;
  }
  const parts = decodeURIComponent(pathname).slice(1).split('/');
  const scoped = parts[0]?.startsWith('@');
  const name = scoped ? parts.slice(0, 2).join('/') : parts[0];
  const rest = parts.slice(scoped ? 2 : 1);
  const basename = name.split('/').pop();
  if (rest.length === 0 && documents.has(name)) return answer(req, res, documents.get(name), 'application/json');
  if (rest.length === 2 && rest[0] === '-' && rest[1].startsWith(`${basename}-`) && rest[1].endsWith('.tgz')) {
    const version = rest[1].slice(basename.length + 1, -'.tgz'.length);
    const file = `${name.replace('/', '+')}-${version}.tgz`;
    if (tarballs.has(file)) return answer(req, res, tarballs.get(file), 'application/octet-stream');
  }
  res.writeHead(404, { 'content-type': 'application/json' });
  res.end('{"error":"Not found"}');
});

server.listen(0, '127.0.0.1', () => {
  const url = `http://127.0.0.1:${server.address().port}/`;
  for (const [name, text] of texts) {
    const bytes = Buffer.from(text.split(PUBLIC).join(url));
    documents.set(name, { bytes, etag: etag(bytes) });
  }
  texts.clear();
  for (const [file, bytes] of tarballs) tarballs.set(file, { bytes, etag: etag(bytes) });
  console.log(url);
});
