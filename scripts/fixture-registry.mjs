// A registry on 127.0.0.1 that serves fixture documents the way the public registry does:
// GET /<name> (full document), GET /<name>/<version|tag>, GET /<name>/-/<file>.tgz.
// Tarballs are made on the fly from each version's manifest (deterministically, so the
// `dist.integrity` written by make-fixtures.mjs matches), except for versions with real code:
// those were made by `npm pack` and are stored as <registry>/tarballs/<tarballFile(name, version)>.
// With the `advisories` option it also answers npm's bulk advisory endpoint
// (POST /-/npm/v1/security/advisories/bulk) in npm's exact request and response shape; without
// it, that request gets a 405, as from a registry that has no such endpoint (the mirror).
// Used by the tests, `npm run example`, the fixture generator and the benchmark; never by
// depguard itself.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import crypto from 'node:crypto';

/** A .tgz holding package/package.json (and package/binding.gyp when the manifest says gypfile). */
export function packTarball(manifest) {
  const files = [['package/package.json', JSON.stringify(tarballManifest(manifest), null, 2)]];
  if (manifest.gypfile) files.push(['package/binding.gyp', '{"targets":[]}']);
  const blocks = [];
  for (const [name, content] of files) {
    const body = Buffer.from(content);
    const header = Buffer.alloc(512);
    header.write(name, 0, 100, 'utf8');
    header.write('0000644\0', 100);
    header.write('0000000\0', 108);
    header.write('0000000\0', 116);
    header.write(`${body.length.toString(8).padStart(11, '0')}\0`, 124);
    header.write('00000000000\0', 136);
    header.write('        ', 148);
    header.write('0', 156);
    header.write('ustar\0' + '00', 257);
    let sum = 0;
    for (const byte of header) sum += byte;
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    blocks.push(header, body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return zlib.gzipSync(Buffer.concat(blocks), { level: 9 });
}

/** The package.json a version's tarball holds: its manifest without what only the registry adds. */
export function tarballManifest(m) {
  const out = {};
  for (const k of [
    'name',
    'version',
    'description',
    'license',
    'main',
    'repository',
    'dependencies',
    'optionalDependencies',
    'peerDependencies',
    'scripts',
    'bin',
    'engines',
    'gypfile',
  ]) {
    if (m[k] !== undefined) out[k] = m[k];
  }
  return out;
}

export function integrityOf(buffer) {
  return `sha512-${crypto.createHash('sha512').update(buffer).digest('base64')}`;
}

export function shasumOf(buffer) {
  return crypto.createHash('sha1').update(buffer).digest('hex');
}

/**
 * Where a version's stored tarball lives inside a registry directory's `tarballs/`:
 * `<name>-<version>.tgz`, a scoped name's `/` written `+` (`@acme+tinycolor-4.1.1.tgz`).
 */
export function tarballFile(name, version) {
  return `${name.replace('/', '+')}-${version}.tgz`;
}

/**
 * Fills in what the public registry derives: _id, dist, time.created/modified, dist-tags.
 * `packed` gives, by version, a tarball made by `npm pack` ({ tgz, fileCount, unpackedSize })
 * that `dist` describes instead of the one made on the fly.
 */
export function buildPackument(spec, packed = {}) {
  const versions = {};
  const time = {};
  for (const v of spec.versions) {
    const manifest = {
      name: spec.name,
      version: v.version,
      description: spec.description ?? `${spec.name} fixture`,
      license: 'MIT',
      ...((v.repository ?? spec.repository) ? { repository: v.repository ?? spec.repository } : {}),
      ...(v.main ? { main: v.main } : {}),
      ...(v.bin ? { bin: v.bin } : {}),
      ...(v.dependencies ? { dependencies: v.dependencies } : {}),
      ...(v.optionalDependencies ? { optionalDependencies: v.optionalDependencies } : {}),
      ...(v.scripts ? { scripts: v.scripts } : {}),
      ...(v.gypfile ? { gypfile: true } : {}),
      ...(v.deprecated ? { deprecated: v.deprecated } : {}),
      _id: `${spec.name}@${v.version}`,
      ...(v.publisher === null ? {} : { _npmUser: v.publisher }),
      ...(v.maintainers === null ? {} : { maintainers: v.maintainers }),
      _npmVersion: v.npmVersion ?? '6.4.1',
      _nodeVersion: '10.9.0',
    };
    const own = packed[v.version];
    const tgz = own?.tgz ?? packTarball(manifest);
    const file = `${spec.name.split('/').pop()}-${v.version}.tgz`;
    manifest.dist = {
      integrity: integrityOf(tgz),
      shasum: shasumOf(tgz),
      tarball: `https://registry.npmjs.org/${spec.name}/-/${file}`,
      fileCount: own?.fileCount ?? 1,
      unpackedSize: own?.unpackedSize ?? tgz.length,
      ...(v.attestations
        ? {
            attestations: {
              url: `https://registry.npmjs.org/-/npm/v1/attestations/${spec.name}@${v.version}`,
              provenance: { predicateType: 'https://slsa.dev/provenance/v1' },
            },
          }
        : {}),
    };
    // the registry derives this for its abbreviated documents; npm records it in the lockfile
    if (v.hasInstallScript ?? (v.gypfile || ['preinstall', 'install', 'postinstall'].some((k) => v.scripts?.[k])))
      manifest.hasInstallScript = true;
    versions[v.version] = manifest;
    time[v.version] = v.time;
  }
  const times = Object.values(time).sort();
  const latest = spec.latest ?? spec.versions.filter((v) => !v.version.includes('-')).at(-1).version;
  return {
    _id: spec.name,
    _rev: '1-fixture',
    name: spec.name,
    description: spec.description ?? `${spec.name} fixture`,
    'dist-tags': { latest, ...(spec.tags ?? {}) },
    ...(spec.maintainers === null ? {} : { maintainers: spec.maintainers ?? spec.versions.at(-1).maintainers ?? [] }),
    time: spec.omitTime ? undefined : { created: spec.created ?? times[0], modified: spec.modified ?? times.at(-1), ...time },
    ...(spec.repository ? { repository: spec.repository } : {}),
    license: 'MIT',
    versions,
  };
}

/** Reads every *.json packument in `dir` into a Map by package name. */
export function loadDocuments(dir) {
  const docs = new Map();
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'advisories.json')) {
    const doc = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
    docs.set(doc.name, doc);
  }
  return docs;
}

/**
 * Starts the registry. `docs` is a Map of name -> packument (or a directory of them).
 * Options: `token` (demand `Authorization: Bearer <token>`), `fault(req)` returning one of
 * 'reset' | 'hang' | 'truncate' | 'invalid-json' | <HTTP status number> | undefined,
 * `localTarballs` (documents name tarballs on this server instead of registry.npmjs.org, so a
 * package manager that downloads them, or records non-default URLs, sees its own registry),
 * `tarballs` (the directory of stored `npm pack` tarballs; by default `<docs>/tarballs` when
 * `docs` is a directory): a version's stored tarball is served instead of one made on the fly.
 */
export async function startRegistry(docs, options = {}) {
  const documents = typeof docs === 'string' ? loadDocuments(docs) : docs;
  const tarballs = options.tarballs ?? (typeof docs === 'string' ? path.join(docs, 'tarballs') : undefined);
  const advisories = typeof options.advisories === 'string' ? JSON.parse(fs.readFileSync(options.advisories, 'utf8')) : options.advisories;
  const requests = [];
  const advisoryRequests = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const entry = { method: req.method, path: url.pathname, authorization: req.headers.authorization };
    requests.push(entry);
    if (options.token && req.headers.authorization !== `Bearer ${options.token}`) {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'authentication required' }));
      return;
    }
    const fault = options.fault?.(req, url);
    if (url.pathname === ADVISORY_PATH || req.method !== 'GET') {
      if (fault === 'reset') return void req.socket.destroy();
      if (fault === 'hang') return;
      if (typeof fault === 'number') {
        res.writeHead(fault, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: `fault ${fault}` }));
        return;
      }
      return void answerAdvisories(req, res, advisories, (body) => {
        entry.body = body;
        advisoryRequests.push(body);
      });
    }
    if (fault === 'reset') return void req.socket.destroy();
    if (fault === 'hang') return;
    if (typeof fault === 'number') {
      res.writeHead(fault, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: `fault ${fault}` }));
      return;
    }
    const parts = decodeURIComponent(url.pathname).slice(1).split('/');
    const scoped = parts[0]?.startsWith('@');
    const name = scoped ? parts.slice(0, 2).join('/') : parts[0];
    const rest = parts.slice(scoped ? 2 : 1);
    const doc = documents.get(name);
    let body = null;
    let type = 'application/json';
    if (doc && rest[0] === '-' && rest[1]?.endsWith('.tgz')) {
      const version = rest[1].slice(name.split('/').pop().length + 1, -'.tgz'.length);
      const manifest = doc.versions?.[version];
      if (manifest) {
        const stored = tarballs && path.join(tarballs, tarballFile(name, version));
        body = stored && fs.existsSync(stored) ? fs.readFileSync(stored) : packTarball(manifest);
        type = 'application/octet-stream';
      }
    } else if (doc && rest.length && rest[0]) {
      const manifest = doc.versions?.[doc['dist-tags']?.[rest[0]] ?? rest[0]];
      body = manifest ? JSON.stringify(manifest) : null;
    } else if (doc) {
      body = JSON.stringify(doc);
    }
    if (body !== null && options.localTarballs && type === 'application/json')
      body = body.split('https://registry.npmjs.org/').join(`http://127.0.0.1:${port}/`);
    if (body === null) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'Not found' }));
      return;
    }
    if (fault === 'invalid-json') body = `{"name": "${name}", "versions": {`;
    if (fault === 'truncate') {
      const buf = Buffer.from(body);
      res.writeHead(200, { 'content-type': type, 'content-length': buf.length });
      res.write(buf.subarray(0, Math.floor(buf.length / 2)));
      setTimeout(() => req.socket.destroy(), 10);
      return;
    }
    res.writeHead(200, { 'content-type': type });
    res.end(body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  // read by the request handler, which only runs after listen
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    advisoryRequests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

const ADVISORY_PATH = '/-/npm/v1/security/advisories/bulk';

/**
 * npm's bulk advisory endpoint. The request must be what npm sends (@npmcli/arborist's
 * audit-report.js through npm-registry-fetch): POST to the path, `content-type:
 * application/json`, `content-encoding: gzip`, a gzipped JSON object of name -> list of version
 * strings. Anything else is a 400 (so a client that asks wrongly fails its tests). The answer is
 * npm's shape, `{ name: [{ id, url, title, severity, vulnerable_versions, cwe, cvss }] }`, with
 * every advisory configured for each name asked, whichever versions it covers (the client must
 * check `vulnerable_versions` itself); names without advisories are left out. Without
 * `advisories`, a 405, as from a registry without the endpoint. `record(body)` gets each valid
 * request's decoded body.
 */
function answerAdvisories(req, res, advisories, record) {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const refuse = (status, error) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error }));
    };
    if (!advisories) return refuse(405, 'Method Not Allowed');
    if (req.method !== 'POST') return refuse(405, 'Method Not Allowed');
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== ADVISORY_PATH || url.search !== '') return refuse(404, 'Not found');
    if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) return refuse(400, 'content-type must be application/json');
    if (req.headers['content-encoding'] !== 'gzip') return refuse(400, 'the body must be gzipped (content-encoding: gzip)');
    let body;
    try {
      body = JSON.parse(zlib.gunzipSync(Buffer.concat(chunks)).toString('utf8'));
    } catch {
      return refuse(400, 'the body is not gzipped JSON');
    }
    const isList = (v) =>
      Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string' && x !== '') && new Set(v).size === v.length;
    if (body === null || typeof body !== 'object' || Array.isArray(body) || Object.values(body).some((v) => !isList(v)))
      return refuse(400, 'the body must be an object of package name -> list of versions');
    record(body);
    const out = {};
    for (const name of Object.keys(body)) if (advisories[name]?.length) out[name] = advisories[name];
    const gzip = /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
    const text = JSON.stringify(out);
    res.writeHead(200, { 'content-type': 'application/json', ...(gzip ? { 'content-encoding': 'gzip' } : {}) });
    res.end(gzip ? zlib.gzipSync(text) : text);
  });
}
