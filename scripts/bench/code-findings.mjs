#!/usr/bin/env node
// What the code stage reports on real upgrades (issue 12): runs a cold `depguard diff --format
// json` (built CLI, empty cache, code stage on) on each real pair of the corpus
// (scripts/bench/real-bump.mjs: the ~2,000-package bump, and fixtures/real-npm/{express,eslint,webpack})
// against scripts/bench/corpus-server.mjs, and prints the code-capabilities findings: package,
// versions, severity, the combination that escalated it, the message; then counts by severity.
// Exits 0 whatever it finds (or fails to run): it informs, it does not gate.
// Usage: npm run build && node scripts/bench/code-findings.mjs [pair...]   (default: every pair)
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeCorpus, ensureCorpus } from './real-bump.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'];
const MESSAGE_CHARS = 160;

function run(command, args, options) {
  const child = spawn(command, args, options);
  const out = [];
  const err = [];
  child.stdout.on('data', (d) => out.push(d));
  child.stderr.on('data', (d) => err.push(d));
  return new Promise((resolve) =>
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() })),
  );
}

function startServer(dir) {
  const child = spawn(process.execPath, [path.join(root, 'scripts', 'bench', 'corpus-server.mjs'), dir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => reject(new Error(`the corpus registry exited with ${code}`)));
    child.stdout.once('data', (line) => resolve({ url: line.toString().trim(), close: () => child.kill() }));
  });
}

function table(header, lines) {
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const format = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [format(header), format(widths.map((w) => '-'.repeat(w))), ...lines.map(format)].join('\n');
}

/** One line of text: no control characters (messages quote package code), at most `n` characters. */
const clip = (text, n) => {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: replacing them is the point
  const flat = String(text).replace(/[\u0000-\u001f\u007f-\u009f|]/g, ' ');
  return flat.length > n ? `${flat.slice(0, n - 1)}…` : flat;
};

async function diff(pair, registry, work) {
  const home = fs.mkdtempSync(path.join(work, 'home-'));
  const userconfig = path.join(home, '.npmrc');
  fs.writeFileSync(userconfig, '');
  const cache = fs.mkdtempSync(path.join(work, 'cache-'));
  const base = path.join(root, pair.base);
  const args = [path.join(root, 'bin', 'depguard.js'), 'diff', '--base', base, '--head', path.join(root, pair.head)];
  const started = Date.now();
  const result = await run(process.execPath, [...args, '--registry', registry.url, '--cache-dir', cache, '--format', 'json'], {
    cwd: path.dirname(base),
    env: { PATH: process.env.PATH, HOME: home, npm_config_userconfig: userconfig, NO_COLOR: '1' },
  });
  const seconds = (Date.now() - started) / 1000;
  if (result.code !== 0 && result.code !== 1 && result.code !== 3)
    throw new Error(`depguard exited ${result.code}: ${result.stderr.trim()}`);
  return { out: JSON.parse(result.stdout), seconds };
}

function report(id, pair, { out, seconds }) {
  const findings = out.findings.filter((f) => f.ruleId === 'code-capabilities');
  const unchecked = out.skipped.filter((s) => s.ruleId === 'code-capabilities');
  const changes = Object.entries(out.summary.changes)
    .filter(([, n]) => n)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
  console.log(`\n## ${id}: ${pair.base} -> ${pair.head}`);
  console.log(`${changes || 'no change'}; cold diff with code in ${seconds.toFixed(1)} s; ${findings.length} code-capabilities findings`);
  if (findings.length) {
    const lines = findings.map((f) => [
      f.package.name,
      f.previousVersion ? `${f.previousVersion} -> ${f.package.version}` : `${f.package.version} (new)`,
      f.severity,
      f.escalation ? `${f.escalation.combination} (from ${f.escalation.from})` : '-',
      clip(f.message, MESSAGE_CHARS),
    ]);
    console.log(table(['package', 'versions', 'severity', 'escalation', 'message'], lines));
  }
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, findings.filter((f) => f.severity === s).length]));
  console.log(`by severity: ${SEVERITIES.map((s) => `${s} ${counts[s]}`).join(', ')}`);
  if (unchecked.length)
    console.log(
      `code not checked for ${unchecked.length}: ${unchecked.map((s) => `${s.package.name}@${s.package.version} (${s.reason})`).join('; ')}`,
    );
  return counts;
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'depguard-code-findings-'));
let registry;
try {
  if (!fs.existsSync(path.join(root, 'dist', 'cli', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  const corpus = await ensureCorpus();
  console.log(describeCorpus(corpus));
  const wanted = process.argv.slice(2);
  const ids = wanted.length ? wanted : Object.keys(corpus.pairs);
  registry = await startServer(corpus.registryDir);
  const total = Object.fromEntries(SEVERITIES.map((s) => [s, 0]));
  for (const id of ids) {
    const pair = corpus.pairs[id];
    if (!pair) {
      console.log(`\n## ${id}: no such pair (${Object.keys(corpus.pairs).join(', ')})`);
      continue;
    }
    try {
      const counts = report(id, pair, await diff(pair, registry, work));
      for (const s of SEVERITIES) total[s] += counts[s];
    } catch (error) {
      console.log(`\n## ${id}: ${error.message}`);
    }
  }
  console.log(`\nall pairs, code-capabilities by severity: ${SEVERITIES.map((s) => `${s} ${total[s]}`).join(', ')}`);
} catch (error) {
  console.log(`code-findings: ${error.stack ?? error}`);
} finally {
  registry?.close();
  fs.rmSync(work, { recursive: true, force: true });
}
process.exitCode = 0;
