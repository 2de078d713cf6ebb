// The registry of `npm run bench`, run as its own process so that serving does not share a
// core's event loop with the measuring one: GET /<name> (or /@scope%2fname) answers the document
// <dir>/<encoded name>.json from a Buffer read once at start, with the public registry's
// caching headers (an ETag, max-age=300) and 304 to a matching If-None-Match.
// Prints its URL on stdout once it listens.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

const dir = process.argv[2];
const documents = new Map();
for (const file of fs.readdirSync(dir)) {
  const body = fs.readFileSync(path.join(dir, file));
  const etag = `"${crypto.createHash('sha1').update(body).digest('hex')}"`;
  documents.set(decodeURIComponent(file.slice(0, -'.json'.length)), { body, etag });
}

const server = http.createServer((req, res) => {
  const doc = documents.get(decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname.slice(1)));
  if (!doc) {
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"error":"Not found"}');
    return;
  }
  const headers = { etag: doc.etag, 'cache-control': 'public, max-age=300' };
  if (req.headers['if-none-match'] === doc.etag) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  res.writeHead(200, { ...headers, 'content-type': 'application/json', 'content-length': doc.body.length });
  res.end(doc.body);
});
server.listen(0, '127.0.0.1', () => console.log(`http://127.0.0.1:${server.address().port}/`));
