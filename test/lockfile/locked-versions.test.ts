import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LockfileError } from '../../src/errors.js';
import { loadSnapshot } from '../../src/lockfile/load.js';
import { lockedVersions } from '../../src/lockfile/locked-versions.js';
import { isPackage } from '../../src/model.js';
import { FIXTURES } from '../helpers/cli.js';

const NAMES = ['package-lock.json', 'npm-shrinkwrap.json', 'pnpm-lock.yaml', 'yarn.lock', 'bun.lock'];

/** Every lockfile among the fixtures, of every format. */
function lockfiles(): string[] {
  return (readdirSync(FIXTURES, { recursive: true }) as string[])
    .filter((f) => NAMES.includes(path.basename(f)))
    .map((f) => path.join(FIXTURES, f))
    .sort();
}

const textOf = (file: string, lockfile = readFileSync(file, 'utf8')) => ({
  label: file,
  fileName: path.basename(file),
  lockfile,
  packageJson: null,
  workspaceManifests: {},
});

describe('lockedVersions: the versions of one package a lockfile locks, as the loaders see them', () => {
  for (const file of lockfiles()) {
    it(path.relative(FIXTURES, file), async () => {
      const snapshot = await loadSnapshot(textOf(file));
      const byName = new Map<string, Set<string>>();
      for (const n of snapshot.nodes.filter(isPackage)) byName.set(n.packageName, (byName.get(n.packageName) ?? new Set()).add(n.version));
      expect(byName.size).toBeGreaterThan(0);
      for (const [name, versions] of byName) expect(await lockedVersions(textOf(file), name), name).toEqual([...versions].sort());
      expect(await lockedVersions(textOf(file), 'not-in-any-fixture')).toEqual([]);
    });
  }

  it('counts an npm alias as the package it installs, and neither links nor the project', async () => {
    const lock = {
      name: 'app',
      lockfileVersion: 3,
      packages: {
        '': { name: 'app', dependencies: { es: 'npm:event-stream@3.3.4' } },
        'node_modules/es': { name: 'event-stream', version: '3.3.4' },
        'node_modules/event-stream': { version: '3.3.6' },
        'node_modules/local': { resolved: 'packages/event-stream', link: true },
        'packages/event-stream': { name: 'event-stream', version: '9.9.9' },
      },
    };
    const text = textOf('package-lock.json', JSON.stringify(lock));
    expect(await lockedVersions(text, 'event-stream')).toEqual(['3.3.4', '3.3.6']);
    expect(await lockedVersions(text, 'es')).toEqual([]);
  });

  it('refuses what the loaders refuse: malformed JSON, a matching entry without a version', async () => {
    await expect(lockedVersions(textOf('package-lock.json', '{"lockfileVersion": 3, "packages": {'), 'x')).rejects.toThrow(LockfileError);
    const noVersion = JSON.stringify({ lockfileVersion: 3, packages: { '': {}, 'node_modules/x': {} } });
    await expect(lockedVersions(textOf('package-lock.json', noVersion), 'x')).rejects.toThrow('has no version');
  });
});
