#!/usr/bin/env node
// The real corpus of the code stage's bench (issue 12), built once and kept under bench/.corpus/
// (never committed): a real lockfile bump of about 2,000 packages, and the registry documents and
// tarballs a diff of it reads, in the layout scripts/bench/corpus-server.mjs serves.
//
// - real-bump/base: ~60 popular packages pinned to mid-2023 releases, locked by the real npm
//   against the registry of `npm config get registry` (the machine's own configuration, as-is);
// - real-bump/head: a subset bumped to newer minors and majors, locked starting from the base
//   lockfile, so only the bumped subtrees change;
// - registry/<encoded name>.json: the full document (Accept: application/json) of every changed
//   name; registry/tarballs/<name, / as +>-<version>.tgz: the new and the old version of every
//   changed package, each checked against the lockfile's integrity;
// - the same for the repository's own real pairs, fixtures/real-npm/{express,eslint,webpack}.
//
// Lockfiles and documents name https://registry.npmjs.org/ whatever registry served them: a
// bench points --registry at 127.0.0.1, and depguard accepts `resolved` on the public registry.
// Usage: node scripts/bench/real-bump.mjs [--force]   (prints the corpus's figures)
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const corpusDir = path.join(root, 'bench', '.corpus');
const PUBLIC = 'https://registry.npmjs.org/';
/** Raised when the layout or the content of the corpus changes: an older corpus is rebuilt. */
const FORMAT = 1;
const CONCURRENCY = 8;

/** [name, base version (mid-2023), head version or null (not bumped), dev]. */
const DEPENDENCIES = [
  // runtime libraries
  ['express', '4.18.2', '4.21.2'],
  ['body-parser', '1.20.2', null],
  ['cors', '2.8.5', null],
  ['helmet', '7.0.0', '8.0.0'],
  ['morgan', '1.10.0', null],
  ['jsonwebtoken', '9.0.1', '9.0.2'],
  ['bcryptjs', '2.4.3', null],
  ['dotenv', '16.3.1', '16.4.7'],
  ['axios', '1.4.0', '1.7.9'],
  ['node-fetch', '2.6.12', '2.7.0'],
  ['ws', '8.13.0', '8.18.0'],
  ['socket.io', '4.7.1', '4.8.1'],
  ['mongoose', '7.4.0', '7.8.3'],
  ['pg', '8.11.1', '8.13.1'],
  ['redis', '4.6.7', '4.7.0'],
  ['mysql2', '3.5.2', null],
  ['graphql', '16.7.1', '16.10.0'],
  ['fastify', '4.20.0', '4.29.0'],
  ['koa', '2.14.2', null],
  ['winston', '3.10.0', '3.17.0'],
  ['pino', '8.14.1', null],
  ['lodash', '4.17.21', null],
  ['moment', '2.29.4', '2.30.1'],
  ['dayjs', '1.11.9', null],
  ['date-fns', '2.30.0', null],
  ['uuid', '9.0.0', '11.0.3'],
  ['zod', '3.21.4', '3.24.1'],
  ['semver', '7.5.4', null],
  ['chalk', '4.1.2', null],
  ['commander', '11.0.0', '12.1.0'],
  ['yargs', '17.7.2', null],
  ['debug', '4.3.4', null],
  ['glob', '10.3.3', null],
  ['fs-extra', '11.1.1', '11.2.0'],
  ['react', '18.2.0', '18.3.1'],
  ['react-dom', '18.2.0', '18.3.1'],
  ['react-router-dom', '6.14.2', '6.28.0'],
  ['@reduxjs/toolkit', '1.9.5', '2.5.0'],
  ['classnames', '2.3.2', null],
  ['@aws-sdk/client-s3', '3.370.0', null],
  ['puppeteer-core', '20.9.0', null],
  ['firebase-admin', '11.10.1', null],
  ['typeorm', '0.3.17', null],
  ['jsdom', '22.1.0', null],
  // tools
  ['typescript', '5.1.6', '5.7.2', true],
  ['@types/node', '20.4.2', '22.10.2', true],
  ['ts-node', '10.9.1', '10.9.2', true],
  ['webpack', '5.88.2', '5.97.1', true],
  ['webpack-cli', '5.1.4', null, true],
  ['@babel/core', '7.22.9', null, true],
  ['@babel/preset-env', '7.22.9', null, true],
  ['@babel/preset-react', '7.22.5', null, true],
  ['@babel/preset-typescript', '7.22.5', null, true],
  ['rollup', '3.26.3', '3.29.5', true],
  ['vite', '4.4.4', '4.5.5', true],
  ['esbuild', '0.18.13', null, true],
  ['eslint', '8.45.0', '8.57.1', true],
  ['@typescript-eslint/parser', '6.0.0', '6.21.0', true],
  ['@typescript-eslint/eslint-plugin', '6.0.0', '6.21.0', true],
  ['eslint-plugin-react', '7.32.2', '7.37.2', true],
  ['eslint-config-prettier', '8.8.0', '9.1.0', true],
  ['prettier', '3.0.0', '3.4.2', true],
  ['jest', '29.6.1', '29.7.0', true],
  ['mocha', '10.2.0', '10.8.2', true],
  ['nodemon', '3.0.1', '3.1.9', true],
  ['postcss', '8.4.26', '8.4.49', true],
  ['autoprefixer', '10.4.14', '10.4.20', true],
  ['tailwindcss', '3.3.3', '3.4.17', true],
  ['husky', '8.0.3', '9.1.7', true],
  ['lint-staged', '13.2.3', '15.2.11', true],
  ['cross-env', '7.0.3', null, true],
  ['webpack-dev-server', '4.15.1', null, true],
  ['karma', '6.4.2', null, true],
  ['gulp', '4.0.2', null, true],
  ['cypress', '12.17.1', null, true],
  ['@nestjs/cli', '10.1.10', null, true],
];

/** The repository's own real lockfile pairs whose code the findings script also reads. */
const FIXTURE_PAIRS = ['express', 'eslint', 'webpack'];

const run = promisify(execFile);
const log = (text) => console.error(text);

function manifest(side) {
  const pick = (dev) =>
    Object.fromEntries(
      DEPENDENCIES.filter((d) => Boolean(d[3]) === dev).map(([name, base, head]) => [name, side === 'head' && head ? head : base]),
    );
  return { name: 'real-bump', version: '1.0.0', private: true, dependencies: pick(false), devDependencies: pick(true) };
}

/** Lockfile v3 entries that are packages from a registry: name, version, integrity, location. */
function lockedPackages(lock) {
  const out = [];
  for (const [location, entry] of Object.entries(lock.packages ?? {})) {
    if (!location.includes('node_modules/') || entry.link || !entry.version) continue;
    const name = entry.name ?? location.slice(location.lastIndexOf('node_modules/') + 'node_modules/'.length);
    if (entry.resolved && !entry.resolved.startsWith(PUBLIC)) continue;
    out.push({ name, version: entry.version, integrity: entry.integrity ?? null, location });
  }
  return out;
}

/**
 * What a diff of two lockfiles reads, as depguard's change set pairs them (by name and version):
 * the documents of every name whose versions differ, the tarballs of every new version, and of
 * the old versions it is compared with (those that went, and the nearest old one of each new).
 */
function needs(baseLock, headLock) {
  const index = (lock) => {
    const byName = new Map();
    for (const p of lockedPackages(lock)) {
      if (!byName.has(p.name)) byName.set(p.name, new Map());
      const versions = byName.get(p.name);
      if (!versions.has(p.version) || (!versions.get(p.version).integrity && p.integrity)) versions.set(p.version, p);
    }
    return byName;
  };
  const before = index(baseLock);
  const after = index(headLock);
  const names = new Set();
  const tarballs = new Map();
  const want = (p) => tarballs.set(`${p.name}@${p.version}`, p);
  for (const name of new Set([...before.keys(), ...after.keys()])) {
    const old = before.get(name) ?? new Map();
    const now = after.get(name) ?? new Map();
    const fresh = [...now.keys()].filter((v) => !old.has(v));
    const gone = [...old.keys()].filter((v) => !now.has(v));
    if (!fresh.length && !gone.length) continue;
    names.add(name);
    for (const v of fresh) {
      want(now.get(v));
      const nearest = nearestVersion(v, [...old.keys()]);
      if (nearest) want(old.get(nearest));
    }
    if (fresh.length) for (const v of gone) want(old.get(v));
  }
  return { names: [...names].sort(), tarballs: [...tarballs.values()] };
}

const parts = (v) => v.split(/[.+-]/).map((x) => (/^\d+$/.test(x) ? Number(x) : x));
function nearestVersion(version, candidates) {
  if (!candidates.length) return null;
  const [major] = parts(version);
  const same = candidates.filter((c) => parts(c)[0] === major);
  const pool = same.length ? same : candidates;
  const below = pool.filter((c) => compare(c, version) < 0).sort(compare);
  return below.at(-1) ?? pool.sort(compare)[0];
}
function compare(a, b) {
  const x = parts(a);
  const y = parts(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if (x[i] === y[i]) continue;
    if (x[i] === undefined) return -1;
    if (y[i] === undefined) return 1;
    return typeof x[i] === 'number' && typeof y[i] === 'number' ? x[i] - y[i] : String(x[i]) < String(y[i]) ? -1 : 1;
  }
  return 0;
}

const tarballFile = (name, version) => `${name.replace('/', '+')}-${version}.tgz`;
const documentFile = (name) => `${encodeURIComponent(name)}.json`;

async function npm(args, cwd) {
  // the machine's own npm configuration (its registry) on purpose: this is where real packages come from
  return run('npm', args, { cwd, maxBuffer: 64 * 1024 * 1024 });
}

/** Locks `dir`'s package.json (from the lockfile already there, if any); `resolved` rewritten to the public registry. */
async function lock(dir, registry) {
  await npm(
    ['install', '--package-lock-only', '--ignore-scripts', '--omit-lockfile-registry-resolved=false', '--no-audit', '--no-fund'],
    dir,
  );
  const file = path.join(dir, 'package-lock.json');
  const text = fs.readFileSync(file, 'utf8');
  fs.writeFileSync(`${file}.raw`, text);
  const publicText = text.split(registry).join(PUBLIC);
  const stray = JSON.parse(publicText);
  for (const [location, entry] of Object.entries(stray.packages))
    if (entry.resolved && !entry.resolved.startsWith(PUBLIC))
      throw new Error(`${location}: resolved ${entry.resolved} is not a registry URL`);
  fs.writeFileSync(file, publicText);
  return stray;
}

async function buildBump(registry) {
  const dir = path.join(corpusDir, 'real-bump');
  const base = path.join(dir, 'base');
  const head = path.join(dir, 'head');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(base, { recursive: true });
  fs.mkdirSync(head, { recursive: true });
  fs.writeFileSync(path.join(base, 'package.json'), `${JSON.stringify(manifest('base'), null, 2)}\n`);
  log('locking real-bump/base with npm (a few minutes the first time)...');
  await lock(base, registry);
  // the head starts from the base lockfile as npm wrote it: only the bumped subtrees move
  fs.copyFileSync(path.join(base, 'package-lock.json.raw'), path.join(head, 'package-lock.json'));
  fs.writeFileSync(path.join(head, 'package.json'), `${JSON.stringify(manifest('head'), null, 2)}\n`);
  log('locking real-bump/head with npm...');
  await lock(head, registry);
  for (const side of [base, head]) fs.rmSync(path.join(side, 'package-lock.json.raw'));
}

async function pool(items, worker) {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < items.length) await worker(items[next++]);
    }),
  );
}

async function download(url, accept) {
  for (let attempt = 0; ; attempt++) {
    try {
      const res = await fetch(url, { headers: { accept } });
      if (res.status === 404) throw Object.assign(new Error(`HTTP 404 for ${url}`), { final: true });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      return Buffer.from(await res.arrayBuffer());
    } catch (error) {
      if (error.final || attempt >= 3) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500 * 2 ** attempt));
    }
  }
}

/** The document with every tarball URL on the public registry, as the public registry writes them. */
function publicDocument(bytes, name) {
  const doc = JSON.parse(bytes.toString('utf8'));
  if (doc.name !== name) throw new Error(`the document of ${name} names ${doc.name}`);
  for (const [version, manifest] of Object.entries(doc.versions ?? {}))
    if (manifest?.dist) manifest.dist.tarball = `${PUBLIC}${name}/-/${name.split('/').pop()}-${version}.tgz`;
  return JSON.stringify(doc);
}

function checkIntegrity(bytes, integrity, label) {
  if (!integrity) return;
  const ok = integrity.split(/\s+/).some((sri) => {
    const [algorithm, digest] = [sri.slice(0, sri.indexOf('-')), sri.slice(sri.indexOf('-') + 1)];
    return crypto.getHashes().includes(algorithm) && crypto.createHash(algorithm).update(bytes).digest('base64') === digest;
  });
  if (!ok) throw new Error(`${label}: the tarball does not match the lockfile's integrity`);
}

/** Fetches what is not stored yet: documents of `names`, tarballs of `packages`. */
async function fill(registry, names, packages) {
  const dir = path.join(corpusDir, 'registry');
  fs.mkdirSync(path.join(dir, 'tarballs'), { recursive: true });
  const docs = names.filter((n) => !fs.existsSync(path.join(dir, documentFile(n))));
  const tgzs = packages.filter((p) => !fs.existsSync(path.join(dir, 'tarballs', tarballFile(p.name, p.version))));
  if (docs.length || tgzs.length) log(`downloading ${docs.length} documents and ${tgzs.length} tarballs...`);
  await pool(docs, async (name) => {
    const bytes = await download(`${registry}${name.replace('/', '%2f')}`, 'application/json');
    const file = path.join(dir, documentFile(name));
    fs.writeFileSync(`${file}.tmp`, publicDocument(bytes, name));
    fs.renameSync(`${file}.tmp`, file);
  });
  await pool(tgzs, async (p) => {
    const bytes = await download(`${registry}${p.name}/-/${p.name.split('/').pop()}-${p.version}.tgz`, 'application/octet-stream');
    checkIntegrity(bytes, p.integrity, `${p.name}@${p.version}`);
    const file = path.join(dir, 'tarballs', tarballFile(p.name, p.version));
    fs.writeFileSync(`${file}.tmp`, bytes);
    fs.renameSync(`${file}.tmp`, file);
  });
}

const readJson = (file) => JSON.parse(fs.readFileSync(file, 'utf8'));
const sha256 = (text) => crypto.createHash('sha256').update(text).digest('hex');
/** What the bump's lockfiles are made from. */
const bumpSpec = () => sha256(JSON.stringify([FORMAT, DEPENDENCIES]));
/** What the whole corpus is made from: the bump, and the fixture pairs' lockfiles. */
const fingerprint = () =>
  sha256(bumpSpec() + FIXTURE_PAIRS.map((p) => ['base', 'head'].map((s) => fs.readFileSync(pairLock(p, s), 'utf8')).join('')).join(''));
/** Every document and tarball a summary lists is still on disk. */
const complete = (summary) =>
  Object.values(summary.pairs).every(
    (pair) =>
      pair.changedNames.every((n) => fs.existsSync(path.join(corpusDir, 'registry', documentFile(n)))) &&
      pair.tarballs.every((id) => {
        const at = id.lastIndexOf('@');
        return fs.existsSync(path.join(corpusDir, 'registry', 'tarballs', tarballFile(id.slice(0, at), id.slice(at + 1))));
      }),
  );
const pairLock = (pair, side) => path.join(root, 'fixtures', 'real-npm', pair, side, 'package-lock.json');

/**
 * The corpus, built when missing or out of date. Returns, per pair ('real-bump' and the fixture
 * pairs), the two lockfiles' paths, package counts, the names and tarballs a diff reads; and the
 * registry directory.
 */
export async function ensureCorpus({ force = false } = {}) {
  const summaryFile = path.join(corpusDir, 'corpus.json');
  const expected = fingerprint();
  if (!force && fs.existsSync(summaryFile)) {
    const summary = readJson(summaryFile);
    if (summary.fingerprint === expected && complete(summary)) return { ...summary, registryDir: path.join(corpusDir, 'registry') };
  }
  const registry = (await npm(['config', 'get', 'registry'], root)).stdout.trim().replace(/\/?$/, '/');
  const specFile = path.join(corpusDir, 'real-bump', 'spec');
  const spec = bumpSpec();
  if (force || !fs.existsSync(specFile) || fs.readFileSync(specFile, 'utf8') !== spec) {
    await buildBump(registry);
    fs.writeFileSync(specFile, spec);
  }
  const pairs = {};
  const sides = {
    'real-bump': (side) => path.join(corpusDir, 'real-bump', side, 'package-lock.json'),
    ...Object.fromEntries(FIXTURE_PAIRS.map((p) => [p, (side) => pairLock(p, side)])),
  };
  for (const [id, lockfile] of Object.entries(sides)) {
    const [base, head] = [readJson(lockfile('base')), readJson(lockfile('head'))];
    const need = needs(base, head);
    await fill(registry, need.names, need.tarballs);
    const tarballBytes = need.tarballs.reduce(
      (sum, p) => sum + fs.statSync(path.join(corpusDir, 'registry', 'tarballs', tarballFile(p.name, p.version))).size,
      0,
    );
    const documentBytes = need.names.reduce((sum, n) => sum + fs.statSync(path.join(corpusDir, 'registry', documentFile(n))).size, 0);
    pairs[id] = {
      base: path.relative(root, lockfile('base')),
      head: path.relative(root, lockfile('head')),
      basePackages: lockedPackages(base).length,
      headPackages: lockedPackages(head).length,
      changedNames: need.names,
      tarballs: need.tarballs.map((p) => `${p.name}@${p.version}`),
      tarballBytes,
      documentBytes,
    };
  }
  const summary = { format: FORMAT, fingerprint: expected, builtAt: new Date().toISOString(), pairs };
  fs.writeFileSync(summaryFile, `${JSON.stringify(summary, null, 2)}\n`);
  return { ...summary, registryDir: path.join(corpusDir, 'registry') };
}

/** One line per pair: packages, changed names, tarballs and their size. */
export function describeCorpus(corpus) {
  return Object.entries(corpus.pairs)
    .map(
      ([id, p]) =>
        `${id}: ${p.basePackages.toLocaleString('en')} -> ${p.headPackages.toLocaleString('en')} packages, ${p.changedNames.length} names changed, ${p.tarballs.length} tarballs (${(p.tarballBytes / 2 ** 20).toFixed(1)} MB), documents ${(p.documentBytes / 2 ** 20).toFixed(1)} MB`,
    )
    .join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const corpus = await ensureCorpus({ force: process.argv.includes('--force') });
  console.log(describeCorpus(corpus));
}
