// Deterministic synthetic projects for `npm run bench`. A universe of packages (names, versions
// in major lines, dependencies per line) is resolved into a package-lock.json v3 the way npm lays
// out a tree: hoisted to the top when the name is free, nested under the dependent when another
// major already holds the top; dev/optional/devOptional from reachability, as Arborist computes
// them. Every package in the lockfile gets a registry document in the public registry's shape.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const DAY = 86_400_000;
const FIRST_PUBLISH = [Date.parse('2015-01-01'), Date.parse('2020-06-30')];
const LAST_PUBLISH = Date.parse('2023-12-31');
// the base lockfile was resolved on this day: later versions are in the documents, not in base
const LOCKED_AT = Date.parse('2023-01-01');
const DIRECT_DEPS = 40;
// multi-megabyte documents (typescript's is the usual example), made large by a long readme per version
const BIG = [
  { name: 'typescript', type: 'dev', mb: 12 },
  { name: '@types/node', type: 'dev', mb: 6 },
  { name: 'aws-sdk', type: 'prod', mb: 4 },
  { name: 'rxjs', type: 'prod', mb: 2.5 },
];
const WORDS =
  'ansi array async babel buffer cache chalk char class color config core cross data date debug deep define detect diff dom emit env escape event extend fast file find flat form glob graceful hash http iconv inherits is json kind lodash loose merge micro mime minimist mkdirp ms negotiator node object once path picomatch pify pump qs queue range react readable regex request resolve rimraf safe semver signal slash source split stream string strip supports through tmp to type uri url util uuid which wrap ws xml yargs'.split(
    ' ',
  );
const SUFFIXES = ['', '', '', '-js', '-utils', '-core', '-plugin', '-parser', '-loader', '-compat'];
const SCOPES = ['@acme', '@babel', '@types', '@aws-sdk', '@jest', '@octokit', '@smithy', '@sentry', '@nx', '@vue'];
const PEOPLE = Array.from({ length: 400 }, (_, i) => ({ name: `dev${i}`, email: `dev${i}@example.com` }));

/** mulberry32: a small seeded PRNG, so the same seed always gives the same project (and exposure-repo.mjs the same repository). */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const int = (rand, lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
const pick = (rand, list) => list[Math.floor(rand() * list.length)];
const digest = (algorithm, text, encoding) => crypto.createHash(algorithm).update(text).digest(encoding);

function uniqueNames(rand, count) {
  const names = BIG.map((b) => b.name);
  const seen = new Set(names);
  while (names.length < count) {
    let name = `${pick(rand, WORDS)}-${pick(rand, WORDS)}${pick(rand, SUFFIXES)}`;
    if (rand() < 0.15) name = `${pick(rand, SCOPES)}/${name}`;
    if (seen.has(name)) name += `-${names.length}`;
    seen.add(name);
    names.push(name);
  }
  return names;
}

/** Versions split into major lines 1..k; a line's versions share their dependencies, as most do. */
function makePackage(rand, name, index) {
  const big = BIG.find((b) => b.name === name);
  const count = big ? 150 : 1 + Math.floor(149 * rand() ** 6);
  const majors = big ? 5 : Math.min(count, 1 + Math.floor(8 * rand() ** 2));
  const created = big ? FIRST_PUBLISH[0] : int(rand, ...FIRST_PUBLISH);
  const last = big ? LAST_PUBLISH - 30 * DAY : int(rand, created, LAST_PUBLISH);
  const times = [created, ...Array.from({ length: count - 1 }, () => int(rand, created, last))].sort((a, b) => a - b);
  // a big document's newest major starts before LOCKED_AT, so the lockfile holds it and can upgrade within it
  const cuts = new Set(big ? [0, 30, 60, 90, 120] : [0]);
  while (cuts.size < majors) cuts.add(int(rand, 1, count - 1));
  const lines = [];
  let minor = 0;
  let patch = 0;
  times.forEach((time, i) => {
    if (cuts.has(i)) {
      lines.push({ major: lines.length + 1, versions: [], deps: [] });
      minor = patch = 0;
    } else if (rand() < 0.3) {
      minor++;
      patch = 0;
    } else patch++;
    const line = lines.at(-1);
    line.versions.push({ version: `${line.major}.${minor}.${patch}`, time });
  });
  for (const line of lines) line.locked = line.versions.filter((v) => v.time <= LOCKED_AT).at(-1) ?? null;
  return {
    name,
    index,
    big,
    lines,
    depIndices: new Set(),
    optionalDep: rand() < 0.01,
    installScript: rand() < 0.01,
    publisher: pick(rand, PEOPLE),
    maintainers: Array.from({ length: int(rand, 1, 3) }, () => pick(rand, PEOPLE)),
    docTargetBytes: Math.round(5000 * 20 ** (rand() ** 1.3)),
  };
}

/**
 * Who depends on whom. Every package past the direct ones gets a dependent earlier in the list (so
 * all are in the tree and the tree is as deep as real ones), plus extra edges towards the leaves at
 * the end, which makes them the popular ones that are wanted at several majors. A line wants the
 * newest major already published, sometimes an older one. The big documents have no dependencies
 * and no dependents besides the root, as typescript.
 */
function wireDependencies(rand, packages) {
  const size = packages.length;
  for (let i = DIRECT_DEPS; i < size; i++) packages[BIG.length + Math.floor(rand() * (i - BIG.length))].depIndices.add(i);
  for (let i = BIG.length; i < size - 1; i++) {
    const extra = Math.floor(5 * rand() ** 2);
    for (let k = 0; k < extra; k++) packages[i].depIndices.add(size - 1 - Math.floor((size - 2 - i) * rand() ** 1.6));
  }
  for (const pkg of packages) {
    [...pkg.depIndices].forEach((j, k) => {
      const dep = packages[j];
      const usable = dep.lines.filter((l) => l.locked);
      for (const line of pkg.lines) {
        const wanted = rand() < 0.7 ? usable.at(-1) : pick(rand, usable);
        const floor = pick(
          rand,
          wanted.versions.filter((v) => v.time <= wanted.locked.time),
        ).version;
        line.deps.push({ name: dep.name, major: wanted.major, range: `^${floor}`, optional: pkg.optionalDep && k === 0 });
      }
    });
  }
}

const parentOf = (location) => {
  const at = location.lastIndexOf('/node_modules/');
  return at === -1 ? '' : location.slice(0, at);
};

/** npm's layout: the nearest copy up the tree serves a dependency; a missing name goes to the top, a conflicting major nests. */
function layOut(byName, direct) {
  const nodes = new Map([['', { location: '', deps: direct }]]);
  const queue = [''];
  for (let q = 0; q < queue.length; q++) {
    const from = nodes.get(queue[q]);
    from.edges = [];
    for (const dep of from.deps) {
      let at = from.location;
      let found;
      for (;;) {
        const candidate = `${at ? `${at}/` : ''}node_modules/${dep.name}`;
        if (nodes.has(candidate)) {
          found = candidate;
          break;
        }
        if (at === '') break;
        at = parentOf(at);
      }
      if (!found || nodes.get(found).line.major !== dep.major) {
        const location = found ? `${from.location}/node_modules/${dep.name}` : `node_modules/${dep.name}`;
        const pkg = byName.get(dep.name);
        const line = pkg.lines[dep.major - 1];
        nodes.set(location, { location, pkg, line, version: line.locked.version, deps: line.deps });
        queue.push(location);
        found = location;
      }
      from.edges.push({ to: found, type: dep.type ?? (dep.optional ? 'optional' : 'prod') });
    }
  }
  return nodes;
}

/** Locations reachable from the root without crossing an edge whose type is in `avoid`. */
function reachable(nodes, avoid) {
  const seen = new Set(['']);
  const stack = [''];
  while (stack.length) {
    for (const edge of nodes.get(stack.pop()).edges) {
      if (avoid.has(edge.type) || seen.has(edge.to)) continue;
      seen.add(edge.to);
      stack.push(edge.to);
    }
  }
  return seen;
}

function universe(seed, size) {
  const rand = prng(seed);
  const packages = uniqueNames(rand, size).map((name, i) => makePackage(rand, name, i));
  wireDependencies(rand, packages);
  const byName = new Map(packages.map((p) => [p.name, p]));
  const direct = packages.slice(0, DIRECT_DEPS).map((pkg, i) => {
    const line = pkg.lines.filter((l) => l.locked).at(-1);
    const type = pkg.big?.type ?? (i >= DIRECT_DEPS - 2 ? 'optional' : rand() < 0.3 ? 'dev' : 'prod');
    return { name: pkg.name, major: line.major, range: `^${line.locked.version}`, type };
  });
  return { rand, byName, nodes: layOut(byName, direct), direct };
}

/** Sizes the universe so that the lockfile holds `target` packages within 0.5% (every name is in it, some twice or more). */
function calibrate(seed, target) {
  let size = Math.round(target / 1.1);
  let best;
  for (let attempt = 0; attempt < 8; attempt++) {
    const u = universe(seed, size);
    const count = u.nodes.size - 1;
    if (!best || Math.abs(count - target) < Math.abs(best.nodes.size - 1 - target)) best = u;
    if (Math.abs(count - target) <= target * 0.005) break;
    size = Math.round((size * target) / count);
  }
  return best;
}

const tarball = (name, version) => `https://registry.npmjs.org/${name}/-/${name.split('/').pop()}-${version}.tgz`;
const integrity = (name, version) => `sha512-${digest('sha512', `${name}@${version}`, 'base64')}`;

function lockEntry(node, flags) {
  const { pkg, line, version } = node;
  const entry = { version, resolved: tarball(pkg.name, version), integrity: integrity(pkg.name, version) };
  if (flags.dev) entry.dev = true;
  if (flags.optional) entry.optional = true;
  if (flags.devOptional) entry.devOptional = true;
  if (pkg.installScript) entry.hasInstallScript = true;
  entry.license = 'MIT';
  const deps = line.deps.filter((d) => !d.optional);
  const optional = line.deps.filter((d) => d.optional);
  if (deps.length) entry.dependencies = Object.fromEntries(deps.map((d) => [d.name, d.range]));
  if (optional.length) entry.optionalDependencies = Object.fromEntries(optional.map((d) => [d.name, d.range]));
  if (pkg.index % 3 === 0) entry.engines = { node: '>=14' };
  return entry;
}

function lockfile(nodes, direct) {
  const prod = reachable(nodes, new Set(['dev', 'optional']));
  const nonDev = reachable(nodes, new Set(['dev']));
  const nonOptional = reachable(nodes, new Set(['optional']));
  const root = { name: 'bench-app', version: '1.0.0' };
  for (const [type, field] of [
    ['prod', 'dependencies'],
    ['dev', 'devDependencies'],
    ['optional', 'optionalDependencies'],
  ]) {
    const deps = direct.filter((d) => d.type === type);
    if (deps.length) root[field] = Object.fromEntries(deps.map((d) => [d.name, d.range]));
  }
  const packages = { '': root };
  for (const location of [...nodes.keys()].filter(Boolean).sort()) {
    const dev = !nonDev.has(location);
    const optional = !nonOptional.has(location);
    packages[location] = lockEntry(nodes.get(location), { dev, optional, devOptional: !prod.has(location) && !dev && !optional });
  }
  return { name: root.name, version: root.version, lockfileVersion: 3, requires: true, packages };
}

/** Seeded filler text: readmes and descriptions are most of a real document's bytes. */
function lorem(rand, bytes) {
  const words = [];
  let length = 0;
  while (length < bytes) {
    const word = pick(rand, WORDS);
    words.push(word);
    length += word.length + 1;
  }
  return words.join(' ');
}

function document(pkg, text, rand) {
  const { name } = pkg;
  const repository = { type: 'git', url: `git+https://github.com/${name.replace('@', '')}.git` };
  const maintainers = [...new Set([pkg.publisher, ...pkg.maintainers])];
  const slice = (bytes) => {
    const at = int(rand, 0, text.length - bytes - 1);
    return text.slice(at, at + bytes);
  };
  const versions = {};
  const time = {};
  for (const line of pkg.lines) {
    for (const { version, time: published } of line.versions) {
      const shasum = digest('sha1', `${name}@${version}`, 'hex');
      const deps = line.deps.filter((d) => !d.optional);
      const optional = line.deps.filter((d) => d.optional);
      versions[version] = {
        name,
        version,
        description: slice(80),
        main: 'index.js',
        ...(pkg.installScript ? { scripts: { install: 'node-gyp rebuild', test: 'node test.js' } } : { scripts: { test: 'node test.js' } }),
        repository,
        keywords: slice(40).split(' '),
        author: { name: pkg.publisher.name, email: pkg.publisher.email },
        license: 'MIT',
        bugs: { url: `https://github.com/${name.replace('@', '')}/issues` },
        homepage: `https://github.com/${name.replace('@', '')}#readme`,
        ...(deps.length ? { dependencies: Object.fromEntries(deps.map((d) => [d.name, d.range])) } : {}),
        ...(optional.length ? { optionalDependencies: Object.fromEntries(optional.map((d) => [d.name, d.range])) } : {}),
        devDependencies: { mocha: '^10.0.0', eslint: '^8.0.0' },
        ...(pkg.big ? { readme: slice(Math.round((pkg.big.mb * 1024 * 1024) / 150)) } : {}),
        gitHead: digest('sha1', version + name, 'hex'),
        _id: `${name}@${version}`,
        _nodeVersion: '18.12.1',
        _npmVersion: '8.19.2',
        dist: {
          integrity: integrity(name, version),
          shasum,
          tarball: tarball(name, version),
          fileCount: 12,
          unpackedSize: 48213,
          signatures: [{ keyid: 'SHA256:jl3bwswu80PjjokCgh0o2w5c2U4LhQAE57gj9cz1kzA', sig: digest('sha512', shasum, 'base64') }],
        },
        _npmUser: pkg.publisher,
        directories: {},
        maintainers,
        _npmOperationalInternal: { host: 's3://npm-registry-packages', tmp: `tmp/${name.split('/').pop()}-${version}.tgz` },
        _hasShrinkwrap: false,
      };
      time[version] = new Date(published).toISOString();
    }
  }
  const all = pkg.lines.flatMap((l) => l.versions);
  const doc = {
    _id: name,
    _rev: `${all.length}-${digest('md5', name, 'hex')}`,
    name,
    'dist-tags': { latest: all.at(-1).version },
    versions,
    time: { created: time[all[0].version], modified: time[all.at(-1).version], ...time },
    maintainers,
    description: versions[all.at(-1).version].description,
    homepage: `https://github.com/${name.replace('@', '')}#readme`,
    repository,
    author: { name: pkg.publisher.name },
    license: 'MIT',
    readmeFilename: 'README.md',
  };
  const body = JSON.stringify(doc);
  doc.readme = slice(Math.max(500, Math.min(pkg.docTargetBytes - body.length, text.length - 2)));
  return JSON.stringify(doc);
}

/** Ten upgrades within the locked major (so every edge still resolves): the big typescript document and nine others. */
function upgrade(base, nodes, rand) {
  const copies = new Map();
  for (const node of nodes.values()) if (node.pkg) copies.set(node.pkg.name, (copies.get(node.pkg.name) ?? 0) + 1);
  const candidates = [...nodes.values()].filter((n) => n.pkg && copies.get(n.pkg.name) === 1 && n.line.versions.at(-1).time > LOCKED_AT);
  const chosen = [candidates.find((n) => n.pkg.name === 'typescript')];
  while (chosen.length < 10) {
    const node = pick(rand, candidates);
    if (!chosen.includes(node)) chosen.push(node);
  }
  const head = structuredClone(base);
  for (const node of chosen) {
    const version = pick(
      rand,
      node.line.versions.filter((v) => v.time > LOCKED_AT),
    ).version;
    Object.assign(head.packages[node.location], {
      version,
      resolved: tarball(node.pkg.name, version),
      integrity: integrity(node.pkg.name, version),
    });
  }
  return { head, changed: chosen.map((n) => n.pkg.name).sort() };
}

/** What a different npm version or editor makes of the same lockfile: keys reordered, another indent. */
function rewrite(base) {
  const sortKeys = (entry) => Object.fromEntries(Object.entries(entry).sort(([a], [b]) => (a < b ? 1 : -1)));
  const packages = Object.fromEntries(
    Object.entries(base.packages)
      .reverse()
      .map(([k, v]) => [k, sortKeys(v)]),
  );
  return JSON.stringify({ lockfileVersion: 3, requires: true, name: base.name, version: base.version, packages }, null, 4);
}

function writeProject(dir, lock, text) {
  fs.mkdirSync(dir, { recursive: true });
  const { name, version, dependencies, devDependencies, optionalDependencies } = lock.packages[''];
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    `${JSON.stringify({ name, version, dependencies, devDependencies, optionalDependencies }, null, 2)}\n`,
  );
  fs.writeFileSync(path.join(dir, 'package-lock.json'), `${text ?? JSON.stringify(lock, null, 2)}\n`);
}

/**
 * Writes <dir>/registry/<name>.json for every package in the lockfile, and the projects
 * <dir>/base, <dir>/head (ten upgrades) and <dir>/rewrite (same packages, re-serialized).
 */
export function generate(dir, { target, seed }) {
  const { rand, byName, nodes, direct } = calibrate(seed, target);
  const base = lockfile(nodes, direct);
  const { head, changed } = upgrade(base, nodes, rand);
  writeProject(path.join(dir, 'base'), base);
  writeProject(path.join(dir, 'head'), head);
  writeProject(path.join(dir, 'rewrite'), base, rewrite(base));
  const names = [...new Set([...nodes.values()].filter((n) => n.pkg).map((n) => n.pkg.name))].sort();
  const registry = path.join(dir, 'registry');
  fs.mkdirSync(registry, { recursive: true });
  const text = lorem(rand, 256 * 1024);
  const sizes = [];
  for (const name of names) {
    const body = document(byName.get(name), text, rand);
    fs.writeFileSync(path.join(registry, `${encodeURIComponent(name)}.json`), body);
    sizes.push(body.length);
  }
  return { packages: nodes.size - 1, names, changed, documentBytes: sizes };
}
