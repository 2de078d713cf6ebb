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
const bytesOf = (file: string, lockfile = readFileSync(file, 'utf8')) => ({
  label: file,
  fileName: path.basename(file),
  bytes: Buffer.from(lockfile),
});

describe('lockedVersions: the versions of one package a lockfile locks, as the loaders see them', () => {
  for (const file of lockfiles()) {
    it(path.relative(FIXTURES, file), async () => {
      const snapshot = await loadSnapshot(textOf(file));
      const byName = new Map<string, Set<string>>();
      for (const n of snapshot.nodes.filter(isPackage)) byName.set(n.packageName, (byName.get(n.packageName) ?? new Set()).add(n.version));
      expect(byName.size).toBeGreaterThan(0);
      for (const [name, versions] of byName) expect(await lockedVersions(bytesOf(file), name), name).toEqual([...versions].sort());
      expect(await lockedVersions(bytesOf(file), 'not-in-any-fixture')).toEqual([]);
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
    const text = bytesOf('package-lock.json', JSON.stringify(lock));
    expect(await lockedVersions(text, 'event-stream')).toEqual(['3.3.4', '3.3.6']);
    expect(await lockedVersions(text, 'es')).toEqual([]);
  });

  describe('a large npm lockfile, read in pieces of its packages map', () => {
    /** npm's layout (2-space JSON), 3,000 entries: a nested copy, an alias, a link. */
    const big = (): Record<string, unknown> => {
      const packages: Record<string, unknown> = {
        '': { name: 'app', version: '1.0.0', dependencies: { 'pkg-1': '^1.0.0', alias: 'npm:pkg-5@9' } },
      };
      for (let i = 0; i < 3000; i++)
        packages[`node_modules/pkg-${i}`] = {
          version: `1.0.${i % 7}`,
          resolved: `https://registry.npmjs.org/pkg-${i}/-/pkg-${i}-1.0.${i % 7}.tgz`,
          integrity: `sha512-${'A'.repeat(86)}==`,
          ...(i < 2999 ? { dependencies: { [`pkg-${i + 1}`]: '^1.0.0' } } : {}),
        };
      packages['node_modules/pkg-1/node_modules/pkg-2'] = { version: '2.0.0' };
      packages['node_modules/alias'] = { name: 'pkg-5', version: '9.0.0' };
      packages['node_modules/linked'] = { resolved: 'libs/pkg-7', link: true };
      return { name: 'app', version: '1.0.0', lockfileVersion: 3, requires: true, packages };
    };
    const NAMES_ASKED = ['pkg-0', 'pkg-2', 'pkg-5', 'pkg-7', 'pkg-1500', 'pkg-2999', 'alias', 'linked', 'nope'];

    /** What the loader says, for each name asked. */
    async function reference(text: string): Promise<Record<string, string[]>> {
      const snapshot = await loadSnapshot(textOf('package-lock.json', text));
      return Object.fromEntries(
        NAMES_ASKED.map((n) => [
          n,
          [...new Set(snapshot.nodes.filter((x) => isPackage(x) && x.packageName === n).map((x) => x.version))].sort(),
        ]),
      );
    }
    async function answers(text: string): Promise<Record<string, string[]>> {
      const out: Record<string, string[]> = {};
      for (const n of NAMES_ASKED) out[n] = await lockedVersions(bytesOf('package-lock.json', text), n);
      return out;
    }

    it('gives what the loader gives', async () => {
      const text = `${JSON.stringify(big(), null, 2)}\n`;
      expect(text.length).toBeGreaterThan(4 * 64 * 1024);
      const expected = await reference(text);
      expect(expected['pkg-2']).toEqual(['1.0.2', '2.0.0']);
      expect(expected['pkg-5']).toEqual(['1.0.5', '9.0.0']);
      expect(await answers(text)).toEqual(expected);
    });

    it('a later "packages" member wins, as in JSON.parse', async () => {
      const text = JSON.stringify(big(), null, 2).replace(
        /\n}$/,
        ',\n  "packages": {\n    "node_modules/pkg-0": { "version": "7.7.7" }\n  }\n}\n',
      );
      expect(await answers(text)).toEqual({ ...Object.fromEntries(NAMES_ASKED.map((n) => [n, []])), 'pkg-0': ['7.7.7'] });
    });

    it("members nested at the members' indentation, or a map laid out otherwise, are read whole, the same", async () => {
      // every entry's dependencies at 4 spaces: whichever line a piece is cut before may be inside an entry
      const nested = JSON.stringify(big(), null, 2).replace(/\n {8}"pkg-/g, '\n    "pkg-');
      expect(nested).not.toBe(JSON.stringify(big(), null, 2));
      expect(await answers(nested)).toEqual(await reference(nested));
      const oneLine = JSON.stringify(big());
      expect(await answers(oneLine)).toEqual(await reference(oneLine));
    });
  });

  it('refuses what the loaders refuse: malformed JSON, a matching entry without a version', async () => {
    await expect(lockedVersions(bytesOf('package-lock.json', '{"lockfileVersion": 3, "packages": {'), 'x')).rejects.toThrow(LockfileError);
    const noVersion = JSON.stringify({ lockfileVersion: 3, packages: { '': {}, 'node_modules/x': {} } });
    await expect(lockedVersions(bytesOf('package-lock.json', noVersion), 'x')).rejects.toThrow('has no version');
  });
});
