#!/usr/bin/env node
// `npm run incident`: the README's "When an advisory lands", on the bundled event-stream example.
// Builds a throw-away git repository whose history is the incident's (event-stream 3.3.4 locked on
// 2018-09-01, the update to 3.3.6 that brought flatmap-stream 0.1.1 on 2018-09-16), serves the
// bundled registry documents on 127.0.0.1 with npm's bulk advisory endpoint answering a malware
// advisory for flatmap-stream 0.1.1, and runs the real CLI in that repository, step by step:
// audit (the malicious version is critical), exposure (locked since 2018-09-16), sbom (the tree,
// recorded), the fix committed on 2018-11-26, and exposure again (the window, closed). The
// repository, the cache and the SBOM are removed at the end.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startRegistry } from './fixture-registry.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const scenario = path.join(root, 'fixtures', 'event-stream');
const registry = await startRegistry(path.join(scenario, 'registry'), { advisories: path.join(scenario, 'advisories.json') });
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'depguard-incident-'));
const repo = path.join(work, 'wallet-app');
const cache = path.join(work, 'cache');
fs.mkdirSync(repo);

const git = (args, date) =>
  execFileSync('git', ['-c', 'user.name=Wallet Dev', '-c', 'user.email=dev@wallet.example', ...args], {
    cwd: repo,
    env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
const commit = (side, date, message) => {
  for (const file of ['package.json', 'package-lock.json']) fs.copyFileSync(path.join(scenario, side, file), path.join(repo, file));
  git(['add', 'package.json', 'package-lock.json'], date);
  git(['commit', '-q', '-m', message], date);
};

/**
 * Prints the command as you would type it, then runs it here with this demo's registry and cache
 * (asynchronously: the registry answers from this process).
 */
const depguard = async (args, extra = []) => {
  console.log(`\n$ npx --no-install depguard ${args.join(' ')}`);
  const child = spawn(process.execPath, [path.join(root, 'bin', 'depguard.js'), ...args, ...extra], {
    cwd: repo,
    stdio: 'inherit',
    env: { ...process.env, NO_COLOR: process.env.NO_COLOR ?? '1' },
  });
  const code = await new Promise((resolve, reject) => child.on('error', reject).on('close', resolve));
  console.log(`(exit ${code})`);
};
const registryFlags = ['--registry', registry.url, '--cache-dir', cache];

try {
  git(['init', '-q', '-b', 'main'], '2018-09-01T09:00:00Z');
  commit('base', '2018-09-01T09:00:00Z', 'wallet-app with event-stream 3.3.4');
  commit('head', '2018-09-16T10:30:00Z', 'npm update: event-stream 3.3.6');

  console.log('# 2018-11-26: the advisory lands. 1. Are we exposed now?');
  await depguard(['audit'], registryFlags);
  console.log('\n# 2. Since when, and through which dependency?');
  await depguard(['exposure', 'flatmap-stream']);
  console.log('\n# 3. Record the tree as it is, for the incident record (publishers from the registry).');
  await depguard(['sbom', '--registry-facts', '--output-file', 'sbom.cdx.json'], registryFlags);
  const bom = JSON.parse(fs.readFileSync(path.join(repo, 'sbom.cdx.json'), 'utf8'));
  const flatmap = bom.components.find((c) => c.name === 'flatmap-stream');
  console.log(
    `sbom.cdx.json: ${bom.components.length} components; flatmap-stream ${flatmap.version} ${flatmap.purl}, ` +
      `published by ${flatmap.properties.find((p) => p.name === 'depguard:publisher')?.value ?? '(not served)'}`,
  );

  console.log('\n# The fix: back to event-stream 3.3.4, committed. When did the exposure end?');
  commit('base', '2018-11-26T16:00:00Z', 'Drop flatmap-stream: event-stream back to 3.3.4');
  await depguard(['exposure', 'flatmap-stream']);
} finally {
  await registry.close();
  fs.rmSync(work, { recursive: true, force: true });
}
