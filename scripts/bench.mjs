#!/usr/bin/env node
// `npm run bench` (issue 6): how long depguard takes, and how much memory, on big lockfiles, next
// to the least any client must spend fetching the same documents. For 2,000 and 10,000 packages:
// generates a deterministic project (scripts/bench/synthetic.mjs), serves its registry documents
// from another process (scripts/bench/server.mjs), and times the built CLI as a child: diff of a
// ten-package upgrade and audit of the whole tree, each cold and warm cache, a lockfile rewritten
// with no package change, and the fetch floor (scripts/bench/floor.mjs). Prints medians with the
// targets of the issue; writes every figure to bench/results/latest.json.
// The code section (issue 12) runs on a real corpus (scripts/bench/real-bump.mjs: a ~2,000-package
// lockfile bump, its documents and tarballs, built once under bench/.corpus/ from the registry npm
// is configured with) served by scripts/bench/corpus-server.mjs: diff with the code stage, cold
// and warm, next to the same diff with --no-code (warm) and to the fetch floor of the documents
// and tarballs the cold run fetched.
// The exposure section (issue 15) builds a repository of 5,000 commits that each touch a
// 1,000-package package-lock.json (scripts/bench/exposure-repo.mjs, with git fast-import) and
// times `depguard exposure` on it: event-stream (in 2,800 of the revisions: each is parsed) and
// flatmap-stream (in 200: the rest are passed over unparsed).
// The preview scenario (issue 16) previews the diff's ten upgrades as `npm update <names>` (the
// npm on PATH, lockfile-only) with --no-code and a cold depguard cache, next to the same npm
// command alone in a copy of the project: the ratio is what the copy and the judgement add.
// Usage: npm run bench [-- --runs N] [-- --quick (one run, 2,000 packages only)] [-- --code-only] [-- --exposure-only]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildExposureRepo } from './bench/exposure-repo.mjs';
import { describeCorpus, ensureCorpus } from './bench/real-bump.mjs';
import { generate } from './bench/synthetic.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const { values: flags } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    quick: { type: 'boolean', default: false },
    'code-only': { type: 'boolean', default: false },
    'exposure-only': { type: 'boolean', default: false },
  },
});
const runs = flags.quick ? 1 : Number(flags.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a positive integer');
const only = flags['code-only'] ? 'code' : flags['exposure-only'] ? 'exposure' : null;
const sizes = only ? [] : flags.quick ? [2000] : [2000, 10000];
const SEED = 6;
const CONCURRENCY = 8; // depguard's default --concurrency
const TIME = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

const TARGETS = [
  { scenario: 'diff', size: 2000, cache: 'warm', text: '< 1.0 s', pass: (row) => row.median < 1.0 },
  { scenario: 'diff', size: 10000, cache: 'warm', text: '< 2.0 s', pass: (row) => row.median < 2.0 },
  { scenario: 'rewrite', size: 10000, cache: 'n/a', text: '< 0.5 s', pass: (row) => row.median < 0.5 },
  { scenario: 'audit', size: 2000, cache: 'cold', text: '<= 1.3x floor', pass: (row) => row.ratio <= 1.3 },
  { scenario: 'audit', size: 10000, cache: 'cold', text: 'RSS < 400 MB', pass: (row) => row.peakRssMb !== null && row.peakRssMb < 400 },
  { scenario: 'audit', size: 10000, cache: 'warm', text: 'RSS < 400 MB', pass: (row) => row.peakRssMb !== null && row.peakRssMb < 400 },
  // the code section: its size is the real corpus's, whatever it is
  { scenario: 'code', cache: 'cold', text: '<= 2.0x floor', pass: (row) => row.ratio !== null && row.ratio <= 2.0 },
  { scenario: 'code', cache: 'warm', text: '<= 1.2x no-code', pass: (row) => row.ratio !== null && row.ratio <= 1.2 },
  { scenario: 'code', cache: 'cold', text: 'RSS < 500 MB', pass: (row) => row.peakRssMb !== null && row.peakRssMb < 500 },
  { scenario: 'code', cache: 'warm', text: 'RSS < 500 MB', pass: (row) => row.peakRssMb !== null && row.peakRssMb < 500 },
  // the exposure section: its size is the repository's commit count
  { scenario: 'exposure', cache: '-', text: '< 30 s', pass: (row) => row.median < 30 },
  { scenario: 'exposure-transitive', cache: '-', text: '< 30 s', pass: (row) => row.median < 30 },
];
const LABELS = {
  diff: 'diff, 10 packages upgraded',
  rewrite: 'diff, lockfile rewritten, no change',
  audit: 'audit, whole tree',
  'floor-diff': 'fetch floor, the 10 diff documents',
  'floor-audit': 'fetch floor, every document',
  preview: 'preview -- npm update (the 10)',
  'floor-preview': 'npm update --package-lock-only alone',
  code: 'diff with code, real bump',
  'no-code': 'diff --no-code, real bump',
  'floor-code': 'fetch floor, its documents + tarballs',
  exposure: 'exposure event-stream (2,801 revisions parsed)',
  'exposure-transitive': 'exposure flatmap-stream (200 parsed)',
};
/** What a row's ratio is to, when not the floor of its scenario: warm code against warm --no-code. */
const BASELINES = { 'code|warm': { scenario: 'no-code', cache: 'warm', label: 'no-code' } };

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'depguard-bench-'));
const home = fs.mkdtempSync(path.join(work, 'home-'));
// no user configuration reaches the child: an empty one (depguard refuses /dev/null, a device)
const userconfig = path.join(home, '.npmrc');
fs.writeFileSync(userconfig, '');
const warnings = [];
const warn = (text) => {
  warnings.push(text);
  console.error(`warning: ${text}`);
};

function collect(child) {
  const stdout = [];
  const stderr = [];
  child.stdout.on('data', (d) => stdout.push(d));
  child.stderr.on('data', (d) => stderr.push(d));
  return new Promise((resolve) =>
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(stdout).toString(), stderr: Buffer.concat(stderr).toString() })),
  );
}

/** Runs `node ...args` under /usr/bin/time: wall seconds around the child, peak RSS in MB from time's %M (KB). */
async function measure(args, cwd) {
  const rssFile = path.join(work, 'rss');
  const command = TIME ? [TIME, '-f', '%M', '-o', rssFile, process.execPath, ...args] : [process.execPath, ...args];
  const start = process.hrtime.bigint();
  const result = await collect(
    spawn(command[0], command.slice(1), {
      cwd,
      env: { PATH: process.env.PATH, HOME: home, npm_config_userconfig: userconfig, NO_COLOR: '1' },
    }),
  );
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  // time writes "Command exited with non-zero status N" first when the status is not 0
  const rssMb = TIME ? Number(fs.readFileSync(rssFile, 'utf8').trim().split('\n').at(-1)) / 1024 : null;
  return { ...result, seconds, rssMb };
}

function startRegistry(dir, script = 'server.mjs') {
  const child = spawn(process.execPath, [path.join(root, 'scripts', 'bench', script), dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => reject(new Error(`the bench registry exited with ${code}`)));
    child.stdout.once('data', (line) => resolve({ url: line.toString().trim(), close: () => child.kill() }));
  });
}

/** Timing counts exits 0, 1 and 3; an input error, unchecked packages or an unexpected change count are reported. */
function inspect(label, result, expectedChanges) {
  if (result.code !== 0 && result.code !== 1 && result.code !== 3) return warn(`${label} exited ${result.code}: ${result.stderr.trim()}`);
  const out = JSON.parse(result.stdout);
  if (out.unavailable.length)
    warn(`${label}: ${out.unavailable.length} packages unavailable, e.g. ${out.unavailable[0].package.name}: ${out.unavailable[0].reason}`);
  // the code stage's checks not made (a tarball not fetched or cut short) are skipped code-capabilities
  const code = out.skipped.filter((s) => s.ruleId === 'code-capabilities');
  if (code.length) warn(`${label}: code not checked for ${code.length} packages, e.g. ${code[0].package.name}: ${code[0].reason}`);
  const changes = Object.values(out.summary.changes).reduce((a, b) => a + b, 0);
  if (expectedChanges !== undefined && changes !== expectedChanges) warn(`${label}: ${changes} changes, expected ${expectedChanges}`);
  return out;
}

/** The npm on PATH (the bench runs its script with this Node, as depguard preview runs it). */
function whichNpm() {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const file = path.join(dir, 'npm');
    if (dir && fs.existsSync(file)) return file;
  }
  throw new Error('npm is not on PATH: the preview scenario needs it');
}

/** Every run's figures, by scenario, size and cache. */
const samples = new Map();
function record(scenario, size, cache, { seconds, rssMb, code }) {
  const key = `${scenario}|${size}|${cache}`;
  if (!samples.has(key)) samples.set(key, []);
  samples.get(key).push({ seconds, rssMb, code });
}

async function benchSize(target) {
  console.error(`generating the ${target.toLocaleString('en')}-package project...`);
  const dir = path.join(work, String(target));
  const project = generate(dir, { target, seed: SEED });
  const names = { 'floor-diff': path.join(dir, 'diff-names.json'), 'floor-audit': path.join(dir, 'audit-names.json') };
  fs.writeFileSync(names['floor-diff'], JSON.stringify(project.changed));
  fs.writeFileSync(names['floor-audit'], JSON.stringify(project.names));
  const registry = await startRegistry(path.join(dir, 'registry'));
  const bin = path.join(root, 'bin', 'depguard.js');
  const base = path.join(dir, 'base');
  const lockfile = (side) => path.join(dir, side, 'package-lock.json');
  const depguard = (args, cache) => measure([bin, ...args, '--registry', registry.url, '--cache-dir', cache, '--format', 'json'], base);
  const floor = (scenario) =>
    measure([path.join(root, 'scripts', 'bench', 'floor.mjs'), registry.url, names[scenario], String(CONCURRENCY)], base);
  // the synthetic registry has documents only (no tarball matches their made-up integrity): the
  // code stage is measured by the code section, on real tarballs
  const scenarios = {
    diff: { args: ['diff', '--no-code', '--base', lockfile('base'), '--head', lockfile('head')], changes: 10 },
    rewrite: { args: ['diff', '--no-code', '--base', lockfile('base'), '--head', lockfile('rewrite')], changes: 0 },
    audit: { args: ['audit', '--lockfile', lockfile('base')] },
  };
  // npm's own cache is shared by both sides of the preview scenario (warm after the first run)
  const npmCli = fs.realpathSync(whichNpm());
  const update = ['update', ...project.changed];
  const fresh = () => fs.mkdtempSync(path.join(work, 'cache-'));
  try {
    for (let run = 1; run <= runs; run++) {
      console.error(`${target.toLocaleString('en')} packages, run ${run}/${runs}`);
      for (const scenario of ['diff', 'rewrite', 'audit']) {
        if (scenario !== 'rewrite') {
          const result = await floor(`floor-${scenario}`);
          if (result.code !== 0) throw new Error(`the fetch floor failed: ${result.stderr.trim()}`);
          record(`floor-${scenario}`, target, '-', result);
        }
        const { args, changes } = scenarios[scenario];
        const cache = fresh();
        // a warm run reuses the cache its cold twin just filled; a rewrite fetches nothing at all
        for (const temperature of scenario === 'rewrite' ? ['n/a'] : ['cold', 'warm']) {
          const result = await depguard(args, cache);
          inspect(`${scenario} (${target}, ${temperature}, run ${run})`, result, changes);
          record(scenario, target, temperature, result);
        }
        fs.rmSync(cache, { recursive: true, force: true });
      }
      const copy = fs.mkdtempSync(path.join(work, 'npm-'));
      fs.cpSync(base, copy, { recursive: true });
      const alone = await measure(
        [npmCli, ...update, '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund', '--registry', registry.url],
        copy,
      );
      if (alone.code !== 0) throw new Error(`npm update failed: ${alone.stderr.trim()}`);
      record('floor-preview', target, '-', alone);
      fs.rmSync(copy, { recursive: true, force: true });
      const cache = fresh();
      const previewed = await measure(
        [bin, 'preview', '--no-code', '--registry', registry.url, '--cache-dir', cache, '--format', 'json', '--', 'npm', ...update],
        base,
      );
      inspect(`preview (${target}, run ${run})`, previewed, 10);
      record('preview', target, 'cold', previewed);
      fs.rmSync(cache, { recursive: true, force: true });
    }
  } finally {
    registry.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const bytes = project.documentBytes;
  return {
    packages: project.packages,
    names: project.names.length,
    documents: bytes.length,
    documentMb: bytes.reduce((a, b) => a + b, 0) / 2 ** 20,
    documentsOver2Mb: bytes.filter((b) => b > 2 * 2 ** 20).map((b) => b / 2 ** 20),
    changed: project.changed,
  };
}

/** What the real corpus's registry served since the last call (and forgets): the paths one run fetched. */
async function served(registry) {
  const res = await fetch(new URL('-/bench/requests', registry.url));
  return res.json();
}

/** The code section: the real bump, diffed with the code stage cold and warm, with --no-code, and the fetch floor. */
async function benchCode() {
  console.error('the code corpus (built once under bench/.corpus/)...');
  let corpus;
  try {
    corpus = await ensureCorpus();
  } catch (error) {
    // the synthetic figures still stand without a registry to build the corpus from
    warn(`no code section: the real corpus could not be built (${error.message.split('\n')[0]})`);
    return null;
  }
  console.error(describeCorpus(corpus));
  const pair = corpus.pairs['real-bump'];
  const size = pair.basePackages;
  const registry = await startRegistry(corpus.registryDir, 'corpus-server.mjs');
  const bin = path.join(root, 'bin', 'depguard.js');
  const base = path.join(root, pair.base);
  const args = ['diff', '--base', base, '--head', path.join(root, pair.head)];
  const depguard = (extra, cache) =>
    measure([bin, ...args, ...extra, '--registry', registry.url, '--cache-dir', cache, '--format', 'json'], path.dirname(base));
  const fresh = () => fs.mkdtempSync(path.join(work, 'cache-'));
  const pathsFile = path.join(work, 'code-paths.json');
  let fetched;
  let first;
  try {
    for (let run = 1; run <= runs; run++) {
      console.error(`code, real bump (${size.toLocaleString('en')} packages), run ${run}/${runs}`);
      await served(registry);
      const withCode = fresh();
      for (const temperature of ['cold', 'warm']) {
        const result = await depguard([], withCode);
        const out = inspect(`diff with code (${temperature}, run ${run})`, result);
        first ??= out;
        record('code', size, temperature, result);
        if (temperature === 'cold') {
          // the floor fetches exactly what this cold run fetched
          const paths = await served(registry);
          fetched ??= paths;
          if (!paths.some((p) => p.endsWith('.tgz'))) warn(`diff with code (cold, run ${run}) fetched no tarball`);
          fs.writeFileSync(pathsFile, JSON.stringify(paths));
        }
      }
      const noCode = fresh();
      for (const temperature of ['cold', 'warm']) {
        const result = await depguard(['--no-code'], noCode);
        inspect(`diff --no-code (${temperature}, run ${run})`, result);
        record('no-code', size, temperature, result);
      }
      const result = await measure([path.join(root, 'scripts', 'bench', 'floor.mjs'), registry.url, pathsFile, String(CONCURRENCY)], root);
      if (result.code !== 0) throw new Error(`the fetch floor failed: ${result.stderr.trim()}`);
      record('floor-code', size, '-', result);
      for (const dir of [withCode, noCode]) fs.rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    registry.close();
  }
  const bytes = (file) => fs.statSync(path.join(corpus.registryDir, file)).size;
  const tarballs = fetched.filter((p) => p.endsWith('.tgz'));
  const documents = fetched.filter((p) => !p.endsWith('.tgz'));
  const fileOf = (p) => {
    const [name, file] = decodeURIComponent(p.slice(1)).split('/-/');
    return name && file ? `tarballs/${name.replace('/', '+')}-${file.slice(name.split('/').pop().length + 1)}` : null;
  };
  const findings = first?.findings.filter((f) => f.ruleId === 'code-capabilities') ?? [];
  return {
    packages: { base: pair.basePackages, head: pair.headPackages },
    changes: first?.summary.changes ?? null,
    changedNames: pair.changedNames.length,
    documentsFetched: documents.length,
    documentMb: documents.reduce((sum, p) => sum + bytes(`${encodeURIComponent(decodeURIComponent(p.slice(1)))}.json`), 0) / 2 ** 20,
    tarballsFetched: tarballs.length,
    tarballMb: tarballs.reduce((sum, p) => sum + bytes(fileOf(p)), 0) / 2 ** 20,
    codeFindings: Object.fromEntries(
      ['info', 'low', 'medium', 'high', 'critical'].map((s) => [s, findings.filter((f) => f.severity === s).length]),
    ),
  };
}

/** The exposure section: the 5,000-commit repository, built once, and `depguard exposure` on it, twice per run. */
async function benchExposure() {
  console.error('building the exposure repository (5,000 commits, git fast-import)...');
  const dir = path.join(work, 'exposure');
  const start = process.hrtime.bigint();
  const repo = await buildExposureRepo(dir);
  const buildSeconds = Number(process.hrtime.bigint() - start) / 1e9;
  const bin = path.join(root, 'bin', 'depguard.js');
  // the windows the repository was built with: a run that finds others is not timing the question
  const expected = { exposure: ['event-stream', 4], 'exposure-transitive': ['flatmap-stream', 1] };
  try {
    for (let run = 1; run <= runs; run++) {
      console.error(`exposure, ${repo.commits.toLocaleString('en')} commits, run ${run}/${runs}`);
      for (const [scenario, [name, windows]] of Object.entries(expected)) {
        const result = await measure([bin, 'exposure', name, '--format', 'json'], dir);
        if (result.code !== 1) warn(`exposure ${name} (run ${run}) exited ${result.code}: ${result.stderr.trim()}`);
        else if (JSON.parse(result.stdout).windows.length !== windows) warn(`exposure ${name} (run ${run}): not ${windows} windows`);
        record(scenario, repo.commits, '-', result);
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return { ...repo, buildSeconds };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

function summarize(samples) {
  const rows = [];
  for (const [key, list] of samples) {
    const [scenario, size, cache] = key.split('|');
    const seconds = list.map((s) => s.seconds);
    const rss = list.map((s) => s.rssMb).filter((r) => r !== null);
    rows.push({
      scenario,
      size: Number(size),
      cache,
      median: median(seconds),
      min: Math.min(...seconds),
      max: Math.max(...seconds),
      peakRssMb: rss.length ? Math.max(...rss) : null,
      runs: list,
    });
  }
  for (const row of rows) {
    const other = BASELINES[`${row.scenario}|${row.cache}`] ?? { scenario: `floor-${row.scenario}`, cache: '-', label: 'floor' };
    const baseline = rows.find((r) => r.scenario === other.scenario && r.cache === other.cache && r.size === row.size);
    row.ratio = baseline ? row.median / baseline.median : null;
    row.ratioOf = baseline ? other.label : null;
    const targets = TARGETS.filter((t) => t.scenario === row.scenario && (t.size ?? row.size) === row.size && t.cache === row.cache);
    row.target = targets.length ? targets.map((t) => t.text).join('; ') : null;
    row.pass = targets.length ? targets.every((t) => t.pass(row)) : null;
  }
  return rows;
}

function table(rows) {
  const header = ['scenario', 'size', 'cache', 'median s', 'min s', 'max s', 'peak RSS MB', 'ratio', 'target', 'pass/fail'];
  const lines = rows.map((r) => [
    LABELS[r.scenario],
    r.size.toLocaleString('en'),
    r.cache,
    r.median.toFixed(2),
    r.min.toFixed(2),
    r.max.toFixed(2),
    r.peakRssMb === null ? 'n/a' : r.peakRssMb.toFixed(0),
    r.ratio === null ? '-' : `${r.ratio.toFixed(2)}x ${r.ratioOf}`,
    r.target ?? '-',
    r.pass === null ? '-' : r.pass ? 'pass' : 'FAIL',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const format = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [format(header), format(widths.map((w) => '-'.repeat(w))), ...lines.map(format)].join('\n');
}

const projects = {};
let code = null;
let exposure = null;
// other work on the machine skews every figure: the load averages before and after say how much
const loadBefore = os.loadavg();
try {
  if (!TIME) warn('/usr/bin/time not found: peak RSS is not measured');
  for (const size of sizes) projects[size] = await benchSize(size);
  if (only !== 'exposure') code = await benchCode();
  if (only !== 'code') exposure = await benchExposure();
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}

const loadAfter = os.loadavg();
const rows = summarize(samples);
for (const [size, p] of Object.entries(projects)) {
  console.log(
    `${Number(size).toLocaleString('en')}: ${p.packages.toLocaleString('en')} packages (${p.names.toLocaleString('en')} names), ${p.documentMb.toFixed(0)} MB of documents, ${p.documentsOver2Mb.length} over 2 MB (${p.documentsOver2Mb.map((mb) => mb.toFixed(1)).join(', ')} MB); diff upgrades ${p.changed.join(', ')}`,
  );
}
if (code) {
  const mb = (x) => `${x.toFixed(1)} MB`;
  const list = (entries) =>
    entries
      .filter(([, n]) => n)
      .map(([k, n]) => `${n} ${k}`)
      .join(', ') || 'none';
  const realBump = `${code.packages.base.toLocaleString('en')} -> ${code.packages.head.toLocaleString('en')} packages`;
  console.log(`code: real bump ${realBump}, ${code.changedNames} names changed (${list(Object.entries(code.changes ?? {}))})`);
  console.log(
    `  the cold run fetched ${code.documentsFetched} documents (${mb(code.documentMb)}) and ${code.tarballsFetched} tarballs (${mb(code.tarballMb)}); code findings: ${list(Object.entries(code.codeFindings))}`,
  );
}
if (exposure) {
  console.log(
    `exposure: ${exposure.commits.toLocaleString('en')} commits, each touching a ${exposure.packages.toLocaleString('en')}-package package-lock.json (${exposure.lockfileMb.toFixed(2)} MB), built in ${exposure.buildSeconds.toFixed(1)} s`,
  );
}
console.log(`load average ${loadBefore[0].toFixed(1)} before, ${loadAfter[0].toFixed(1)} after, on ${os.cpus().length} cores`);
console.log(
  `medians of ${runs} run${runs > 1 ? 's' : ''}; peak RSS is the highest of the runs; floor: the same documents fetched and parsed (tarballs: fetched and hashed) by a minimal client, ${CONCURRENCY} in flight\n`,
);
console.log(table(rows));
// the analysis alone, next to the parser's bare parse, on the real package code of node_modules
const throughput =
  only === 'exposure'
    ? null
    : await collect(
        spawn(process.execPath, [path.join(root, 'scripts', 'bench', 'code-throughput.mjs'), '--runs', String(runs)], { cwd: root }),
      );
if (throughput?.code === 0) console.log(`\n${throughput.stdout.trim()}`);
else if (throughput) warn(`code throughput not measured: ${throughput.stderr.trim().split('\n')[0]}`);
const failed = rows.filter((r) => r.pass === false).length;
console.log(
  `\n${failed ? `${failed} target${failed > 1 ? 's' : ''} missed` : 'all targets met'}${warnings.length ? `; ${warnings.length} warning${warnings.length > 1 ? 's' : ''} (above)` : ''}`,
);

const results = {
  timestamp: new Date().toISOString(),
  machine: {
    cpuModel: os.cpus()[0]?.model ?? null,
    cpus: os.cpus().length,
    totalMemMb: Math.round(os.totalmem() / 2 ** 20),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    loadAverage: { before: loadBefore, after: loadAfter },
  },
  options: { runs, sizes, seed: SEED, concurrency: CONCURRENCY, codeOnly: flags['code-only'], exposureOnly: flags['exposure-only'] },
  projects,
  code,
  exposure,
  rows,
  throughput: throughput?.code === 0 ? throughput.stdout.trim() : null,
  warnings,
};
const out = path.join(root, 'bench', 'results', 'latest.json');
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nwritten to ${path.relative(process.cwd(), out)}`);
