#!/usr/bin/env node
// `npm run example`: replays the event-stream incident. Serves the bundled registry documents
// (fixtures/event-stream/registry) on 127.0.0.1 and runs the real CLI on the bundled lockfiles,
// with a throw-away cache. Extra arguments go to `depguard diff` (e.g. -- --format json).
// `--advisories` (not passed on) also serves npm's bulk advisory endpoint with a malware
// advisory for flatmap-stream 0.1.1 (fixtures/event-stream/advisories.json), as the public
// registry has served one since the incident; without it, the endpoint is absent, as on a mirror.
// `--audit` (not passed on) runs `depguard audit` on the head lockfile instead of the diff.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startRegistry } from './fixture-registry.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const scenario = path.join(root, 'fixtures', 'event-stream');
const extra = process.argv.slice(2);
const advisories = extra.includes('--advisories');
const registry = await startRegistry(
  path.join(scenario, 'registry'),
  advisories ? { advisories: path.join(scenario, 'advisories.json') } : {},
);
const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'depguard-example-'));
const lockfile = (side) => path.relative(process.cwd(), path.join(scenario, side, 'package-lock.json'));
const command = extra.includes('--audit')
  ? ['audit', '--lockfile', lockfile('head')]
  : ['diff', '--base', lockfile('base'), '--head', lockfile('head')];
const args = [
  path.join(root, 'bin', 'depguard.js'),
  ...command,
  '--registry',
  registry.url,
  '--cache-dir',
  cache,
  ...extra.filter((a) => a !== '--advisories' && a !== '--audit'),
];
const child = spawn(process.execPath, args, { stdio: 'inherit' });
child.on('close', async (code) => {
  await registry.close();
  fs.rmSync(cache, { recursive: true, force: true });
  // The demo itself succeeded; say what the exit code would mean in CI instead of failing npm.
  const meaning = {
    0: 'nothing at or above --fail-on',
    1: 'findings at or above --fail-on: in CI this blocks the merge',
    2: 'a usage or input error',
    3: 'some packages could not be checked',
  };
  console.log(`\n(example) depguard exited with ${code}: ${meaning[code] ?? 'unexpected'}`);
  process.exitCode = code === 0 || code === 1 ? 0 : (code ?? 1);
});
