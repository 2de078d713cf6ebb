// The exposure bench's repository (issue 15): 5,000 commits on one branch, each touching a
// 1,000-package package-lock.json v3, built in one pass of `git fast-import` (seconds, where
// 5,000 `git commit`s would take minutes). Deterministic: the same seed gives the same objects.
// Every commit upgrades one package at random (version, resolved, integrity); on the way,
// event-stream 3.3.4 is added, upgraded to 3.3.6 (which brings flatmap-stream 0.1.1), upgraded
// to 4.0.1 (flatmap-stream leaves), removed, and added again, as the incident went.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { prng } from './synthetic.mjs';

const WORDS =
  'ansi array async babel buffer cache chalk char class color config core cross data date debug deep define detect diff dom emit env escape event extend fast file find flat form glob graceful hash http iconv inherits is json kind lodash loose merge micro mime minimist mkdirp ms negotiator node object once path picomatch pify pump qs queue range react readable regex request resolve rimraf safe semver signal slash source split stream string strip supports through tmp to type uri url util uuid which wrap ws xml yargs'.split(
    ' ',
  );
const DIRECT = 40;
const START = Date.parse('2018-01-01T00:00:00Z') / 1000;
const HOUR = 3600;

const integrity = (text) => `sha512-${crypto.createHash('sha512').update(text).digest('base64')}`;

function entry(name, version, deps) {
  const lines = [
    `    "node_modules/${name}": {`,
    `      "version": "${version}",`,
    `      "resolved": "https://registry.npmjs.org/${name}/-/${name.split('/').pop()}-${version}.tgz",`,
    `      "integrity": "${integrity(`${name}@${version}`)}",`,
    `      "license": "MIT"${deps.length ? ',' : ''}`,
  ];
  if (deps.length) {
    lines.push('      "dependencies": {');
    lines.push(deps.map(([d, range]) => `        "${d}": "${range}"`).join(',\n'));
    lines.push('      }');
  }
  lines.push('    }');
  return lines.join('\n');
}

/**
 * Writes the repository into `dir` (created); returns what it holds: the commit count, the
 * package count and the commits where the incident's steps landed (1-based).
 */
export async function buildExposureRepo(dir, { commits = 5000, packages = 1000, seed = 15 } = {}) {
  const rand = prng(seed);
  const names = [];
  const seen = new Set(['event-stream', 'flatmap-stream']);
  while (names.length < packages) {
    const name = `${WORDS[Math.floor(rand() * WORDS.length)]}-${WORDS[Math.floor(rand() * WORDS.length)]}-${names.length}`;
    if (!seen.has(name)) {
      seen.add(name);
      names.push(name);
    }
  }
  // a tree: each package past the direct ones is a dependency of an earlier one
  const deps = names.map(() => []);
  for (let i = DIRECT; i < packages; i++) deps[Math.floor(rand() * i)].push(i);
  const versions = names.map(() => [1 + Math.floor(rand() * 5), Math.floor(rand() * 10), 0]);
  const text = (i) => versions[i].join('.');
  const entries = names.map((name, i) =>
    entry(
      name,
      text(i),
      deps[i].map((j) => [names[j], `^${text(j)}`]),
    ),
  );
  /** Entries that depend on package i, rebuilt when its version moves (their range follows it). */
  const dependents = names.map(() => []);
  deps.forEach((list, i) => {
    for (const j of list) dependents[j].push(i);
  });
  const rebuild = (i) => {
    entries[i] = entry(
      names[i],
      text(i),
      deps[i].map((j) => [names[j], `^${text(j)}`]),
    );
  };
  // the incident, spread over the history
  const steps = {
    [Math.round(commits * 0.24)]: { 'event-stream': '3.3.4' },
    [Math.round(commits * 0.48)]: { 'event-stream': '3.3.6', 'flatmap-stream': '0.1.1' },
    [Math.round(commits * 0.52)]: { 'event-stream': '4.0.1', 'flatmap-stream': null },
    [Math.round(commits * 0.6)]: { 'event-stream': null },
    [Math.round(commits * 0.8)]: { 'event-stream': '4.0.1' },
  };
  const incident = { 'event-stream': null, 'flatmap-stream': null };
  const directDeps = () => {
    const direct = names.slice(0, DIRECT).map((n, i) => [n, `^${text(i)}`]);
    if (incident['event-stream']) direct.push(['event-stream', `^${incident['event-stream']}`]);
    return direct.sort((a, b) => (a[0] < b[0] ? -1 : 1));
  };
  // package.json declares what the lockfile's root does, and changes with it
  const manifest = () =>
    `${JSON.stringify({ name: 'bench-app', version: '1.0.0', dependencies: Object.fromEntries(directDeps()) }, null, 2)}\n`;
  const lockfile = () => {
    const direct = directDeps();
    const extra = [];
    if (incident['event-stream']) {
      const own = incident['flatmap-stream'] ? [['flatmap-stream', `~${incident['flatmap-stream']}`]] : [];
      extra.push(['event-stream', entry('event-stream', incident['event-stream'], own)]);
    }
    if (incident['flatmap-stream']) extra.push(['flatmap-stream', entry('flatmap-stream', incident['flatmap-stream'], [])]);
    const all = [...names.map((n, i) => [n, entries[i]]), ...extra].sort((a, b) => (a[0] < b[0] ? -1 : 1));
    const root = [
      '    "": {',
      '      "name": "bench-app",',
      '      "version": "1.0.0",',
      '      "dependencies": {',
      direct.map(([n, r]) => `        "${n}": "${r}"`).join(',\n'),
      '      }',
      '    }',
    ].join('\n');
    return `{\n  "name": "bench-app",\n  "version": "1.0.0",\n  "lockfileVersion": 3,\n  "requires": true,\n  "packages": {\n${[root, ...all.map(([, e]) => e)].join(',\n')}\n  }\n}\n`;
  };

  fs.mkdirSync(dir, { recursive: true });
  const run = (args, input) =>
    new Promise((resolve, reject) => {
      const child = spawn('git', args, { cwd: dir, stdio: [input ? 'pipe' : 'ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d) => {
        stderr += d;
      });
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`git ${args[0]}: ${stderr.trim()}`))));
      if (input) input(child.stdin);
    });
  await run(['init', '--quiet', '--initial-branch=main']);
  let bytes = 0;
  let lastManifest = null;
  await run(['fast-import', '--quiet', '--done'], async (stdin) => {
    const write = (chunk) => (stdin.write(chunk) ? Promise.resolve() : new Promise((resolve) => stdin.once('drain', resolve)));
    const data = (s) => {
      const b = Buffer.from(s);
      return Buffer.concat([Buffer.from(`data ${b.length}\n`), b, Buffer.from('\n')]);
    };
    for (let c = 1; c <= commits; c++) {
      let subject;
      const step = steps[c];
      if (step) {
        Object.assign(incident, step);
        subject = `event-stream: ${Object.entries(step)
          .map(([n, v]) => `${n} ${v ?? 'removed'}`)
          .join(', ')}`;
      } else {
        const i = Math.floor(rand() * packages);
        const v = versions[i];
        if (rand() < 0.2) versions[i] = [v[0], v[1] + 1, 0];
        else versions[i] = [v[0], v[1], v[2] + 1];
        rebuild(i);
        for (const d of dependents[i]) rebuild(d);
        subject = `upgrade ${names[i]} to ${text(i)}`;
      }
      const lock = lockfile();
      bytes += lock.length;
      const time = START + c * HOUR;
      const parts = [Buffer.from(`blob\nmark :${2 * c - 1}\n`), data(lock)];
      parts.push(Buffer.from(`commit refs/heads/main\nmark :${2 * c}\n`));
      parts.push(Buffer.from(`author Bench <bench@example.com> ${time} +0000\ncommitter Bench <bench@example.com> ${time} +0000\n`));
      parts.push(data(subject));
      if (c > 1) parts.push(Buffer.from(`from :${2 * c - 2}\n`));
      const json = manifest();
      if (json !== lastManifest) parts.push(Buffer.from(`M 100644 inline package.json\n`), data(json));
      lastManifest = json;
      parts.push(Buffer.from(`M 100644 :${2 * c - 1} package-lock.json\n\n`));
      await write(Buffer.concat(parts));
    }
    stdin.end('done\n');
  });
  await run(['symbolic-ref', 'HEAD', 'refs/heads/main']);
  const at = Object.keys(steps).map(Number);
  return { commits, packages, lockfileMb: bytes / commits / 2 ** 20, incidentCommits: at };
}

// `node scripts/bench/exposure-repo.mjs DIR`: builds it alone (to look at, or to time the build)
if (process.argv[1] && path.resolve(process.argv[1]) === new URL(import.meta.url).pathname) {
  const dir = process.argv[2];
  if (!dir) throw new Error('usage: node scripts/bench/exposure-repo.mjs DIR');
  console.log(JSON.stringify(await buildExposureRepo(path.resolve(dir))));
}
