#!/usr/bin/env node
// Calibration on real release history (issue 13): splits each sample of ../shared/real-history
// into a tuning half and a checking half by package name (a stable hash of the name, so a
// package is always in the same half), runs the sample's own measure.mjs on each half, and
// prints the four alert rates (share of real upgrades at high or above), with measure.mjs's
// per-rule lines. Tune on the tuning halves only; a change that helps one half and hurts the
// other is over-fitting. The documents are linked into a temporary directory, never copied here.
// Usage: npm run build && node scripts/calibrate.mjs [--history ../shared/real-history] [--batches 4]
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const { values: flags } = parseArgs({
  options: {
    history: { type: 'string', default: path.join(root, '..', 'shared', 'real-history') },
    batches: { type: 'string', default: '4' },
  },
});
const history = path.resolve(flags.history);
const measure = path.join(history, 'measure.mjs');
if (!fs.existsSync(measure)) throw new Error(`no measure.mjs under ${history} (--history)`);

/** The half a package belongs to, by its name: 'tuning' or 'checking'. */
function half(name) {
  return createHash('sha256').update(name).digest()[0] % 2 === 0 ? 'tuning' : 'checking';
}

function run(args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => resolve({ code, out }));
  });
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'depguard-calibrate-'));
const rows = [];
try {
  for (const sample of ['packuments', 'recent']) {
    const dir = path.join(history, sample);
    if (!fs.existsSync(dir)) continue;
    const halves = { tuning: path.join(work, `${sample}-tuning`), checking: path.join(work, `${sample}-checking`) };
    for (const d of Object.values(halves)) fs.mkdirSync(d);
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.json'))) {
      const name = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')).name ?? file;
      fs.symlinkSync(path.join(dir, file), path.join(halves[half(name)], file));
    }
    for (const [which, d] of Object.entries(halves)) {
      const { out } = await run([measure, '--docs', d, '--project', root, '--batches', flags.batches, '--show', '0']);
      const rate = /alert rate \(>= high\): ([\d.]+)%/.exec(out)?.[1] ?? '?';
      const upgrades = /(\d+) real upgrades/.exec(out)?.[1] ?? '?';
      const byRule = /high or critical, by rule: (.*)/.exec(out)?.[1] ?? 'none';
      rows.push({ sample, half: which, upgrades, rate, byRule });
      console.error(`${sample} ${which}: ${rate}% of ${upgrades}`);
    }
  }
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
console.log('| sample | half | real upgrades | at high or above | by rule |');
console.log('| --- | --- | --- | --- | --- |');
for (const r of rows) console.log(`| ${r.sample} | ${r.half} | ${r.upgrades} | ${r.rate}% | ${r.byRule} |`);
