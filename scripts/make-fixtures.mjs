#!/usr/bin/env node
// Regenerates fixtures/<scenario>/: registry documents (in the shape of the public registry's
// full documents) and the base/head lockfiles, made by the real npm against those documents
// served on 127.0.0.1. Run: node scripts/make-fixtures.mjs [scenario...]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { buildPackument, startRegistry } from './fixture-registry.mjs';
import { scenarios } from '../fixtures/scenarios.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const only = process.argv.slice(2);

// asynchronous: the registry runs in this process and must keep answering
async function npm(cwd, registry, args) {
  await promisify(execFile)('npm', [...args, '--registry', registry, '--ignore-scripts', '--no-audit', '--no-fund', '--cache', path.join(cwd, '.npm-cache')], {
    cwd,
    env: { ...process.env, npm_config_userconfig: '/dev/null' },
  });
  fs.rmSync(path.join(cwd, '.npm-cache'), { recursive: true, force: true });
}

for (const scenario of scenarios) {
  if (only.length && !only.includes(scenario.id)) continue;
  const dir = path.join(root, 'fixtures', scenario.id);
  fs.rmSync(path.join(dir, 'registry'), { recursive: true, force: true });
  if (!scenario.registryFrom) fs.mkdirSync(path.join(dir, 'registry'), { recursive: true });
  const docs = new Map();
  for (const spec of scenario.packages) {
    const doc = buildPackument(spec);
    docs.set(doc.name, doc);
  }
  const registry = await startRegistry(docs);
  try {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'depguard-fixture-'));
    for (const side of ['base', 'head']) {
      const out = path.join(dir, side);
      fs.mkdirSync(out, { recursive: true });
      const pkg = scenario[side];
      fs.writeFileSync(path.join(work, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
      for (const [ws, manifest] of Object.entries(scenario.workspaces?.[side] ?? {})) {
        fs.mkdirSync(path.join(work, ws), { recursive: true });
        fs.writeFileSync(path.join(work, ws, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
      }
      // head starts from base's lockfile, as a real update does
      await npm(work, registry.url, ['install', '--package-lock-only', `--omit-lockfile-registry-resolved=${scenario.omitResolved ? 'true' : 'false'}`, ...(scenario.lockfileVersion ? [`--lockfile-version=${scenario.lockfileVersion}`] : [])]);
      let lock = fs.readFileSync(path.join(work, 'package-lock.json'), 'utf8');
      // npm records the registry it used; fixtures say what a lockfile made against the public registry says
      lock = lock.split(registry.url).join('https://registry.npmjs.org/');
      // tampering a lockfile in a pull request is done by hand, after npm
      if (side === 'head' && scenario.tamperHead) lock = JSON.stringify(scenario.tamperHead(JSON.parse(lock)), null, 2) + '\n';
      fs.writeFileSync(path.join(out, 'package-lock.json'), lock);
      fs.writeFileSync(path.join(out, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
      for (const [ws, manifest] of Object.entries(scenario.workspaces?.[side] ?? {})) {
        fs.mkdirSync(path.join(out, ws), { recursive: true });
        fs.writeFileSync(path.join(out, ws, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
      }
    }
    fs.rmSync(work, { recursive: true, force: true });
  } finally {
    await registry.close();
  }
  // what the registry says later: withdrawn versions, security placeholders
  scenario.afterLock?.(docs);
  if (!scenario.registryFrom) {
    for (const doc of docs.values()) fs.writeFileSync(path.join(dir, 'registry', `${encodeURIComponent(doc.name)}.json`), JSON.stringify(doc, null, 2) + '\n');
  }
  console.log(`fixtures/${scenario.id}: ${docs.size} documents, base and head lockfiles`);
}
