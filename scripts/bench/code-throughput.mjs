#!/usr/bin/env node
// Throughput of the code analyzer next to meriyah's bare parse: reads every .js/.cjs/.mjs file
// under a directory (default: this repository's node_modules) into memory, up to --max-mb, then
// times a bare meriyah parse (script, module on failure; no positions) and analyzeFile over the
// same bytes (also with no parse limit). Prints MB/s, the median of --runs runs, and the readers analyzeFile used.
// Usage: npm run build && node scripts/bench/code-throughput.mjs [DIR] [--max-mb 60] [--runs 3]
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseModule, parseScript } from 'meriyah';
import { analyzeFile } from '../../dist/code/analyze/index.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const { values: flags, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'max-mb': { type: 'string', default: '60' }, runs: { type: 'string', default: '3' } },
});
const directory = path.resolve(positionals[0] ?? path.join(root, 'node_modules'));
const maxBytes = Number(flags['max-mb']) * 1024 * 1024;
const runs = Number(flags.runs);
if (!(maxBytes > 0) || !Number.isInteger(runs) || runs < 1) throw new Error('--max-mb must be positive, --runs a positive integer');

/** Files in a stable order (sorted directory listings), symlinks not followed. */
function collect(dir, out, budget) {
  let entries;
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
  } catch {
    return;
  }
  for (const entry of entries) {
    if (budget.bytes >= maxBytes) return;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) collect(full, out, budget);
    else if (entry.isFile() && /\.(?:c|m)?js$/.test(entry.name)) {
      const bytes = fs.readFileSync(full);
      out.push({ path: path.relative(directory, full), bytes, text: bytes.toString('utf8') });
      budget.bytes += bytes.length;
    }
  }
}

const files = [];
const budget = { bytes: 0 };
collect(directory, files, budget);
const megabytes = budget.bytes / 1e6;

function bareParse() {
  for (const file of files) {
    try {
      parseScript(file.text, { next: true, webcompat: true });
    } catch {
      try {
        parseModule(file.text, { next: true, webcompat: true });
      } catch {}
    }
  }
}

const readers = {};
function analyzeAll(options) {
  for (const file of files) {
    const analysis = analyzeFile(file.path, file.bytes, options);
    if (options === undefined) readers[analysis.reader] = (readers[analysis.reader] ?? 0) + 1;
  }
}

function median(task) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    task();
    times.push((performance.now() - start) / 1000);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

bareParse(); // warm-up
const parseSeconds = median(bareParse);
const analyzeSeconds = median(() => analyzeAll());
const unlimitedSeconds = median(() => analyzeAll({ parseLimit: Number.POSITIVE_INFINITY }));
for (const key of Object.keys(readers)) readers[key] /= runs;
console.log(`${files.length} files, ${megabytes.toFixed(1)} MB from ${directory}; median of ${runs}`);
console.log(`meriyah parse:  ${(megabytes / parseSeconds).toFixed(2)} MB/s (${parseSeconds.toFixed(2)} s)`);
console.log(`analyzeFile:    ${(megabytes / analyzeSeconds).toFixed(2)} MB/s (${analyzeSeconds.toFixed(2)} s)`);
console.log(`  (every file parsed, no 1 MiB limit: ${(megabytes / unlimitedSeconds).toFixed(2)} MB/s)`);
console.log(`readers: ${JSON.stringify(readers)}`);
