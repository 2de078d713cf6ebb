// The fetch floor of `npm run bench`: the least work any client must do to hold the documents
// depguard asks for. GET each name with keep-alive, read the whole body, JSON.parse it, with
// the same number of requests in flight as depguard's --concurrency. An entry that starts with
// `/` is a path as requested (the code bench's list); a tarball's body (`.tgz`) is hashed with
// sha512 as its integrity check needs, instead of parsed.
// Usage: node floor.mjs REGISTRY_URL NAMES_JSON_FILE CONCURRENCY
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';

const [registry, namesFile, concurrency] = process.argv.slice(2);
const names = JSON.parse(fs.readFileSync(namesFile, 'utf8'));
const agent = new http.Agent({ keepAlive: true, maxSockets: Number(concurrency) });

function fetchDocument(name) {
  return new Promise((resolve, reject) => {
    const url = new URL(name.startsWith('/') ? name.slice(1) : name.replace('/', '%2f'), registry);
    http
      .get(url, { agent, headers: { accept: 'application/json' } }, (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          if (res.statusCode !== 200) reject(new Error(`${name}: HTTP ${res.statusCode}`));
          else if (name.endsWith('.tgz')) resolve(crypto.createHash('sha512').update(Buffer.concat(chunks)).digest('base64'));
          else resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        });
      })
      .on('error', reject);
  });
}

let next = 0;
const worker = async () => {
  while (next < names.length) await fetchDocument(names[next++]);
};
await Promise.all(Array.from({ length: Number(concurrency) }, worker));
agent.destroy();
