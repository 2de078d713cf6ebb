import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isPackage, type PackageNode, type Snapshot } from '../../src/model.js';
import { loadSnapshot } from '../../src/lockfile/load.js';
import type { Loader } from '../../src/lockfile/npm.js';
import { readSource } from '../../src/lockfile/source.js';
import { FIXTURES, fixture } from '../helpers/cli.js';

const LOCKFILES = new Set(['package-lock.json', 'npm-shrinkwrap.json', 'pnpm-lock.yaml', 'yarn.lock', 'bun.lock']);

/** Every lockfile among the fixtures, of every format (workspace folders' own files left out). */
function lockfiles(): string[] {
  return (readdirSync(FIXTURES, { recursive: true }) as string[])
    .filter((f) => LOCKFILES.has(path.basename(f)) && !f.includes(`${path.sep}packages${path.sep}`))
    .map((f) => path.join(FIXTURES, f))
    .sort();
}

const lineAt = (text: string, line: number): string => text.split(/\r\n?|\n/)[line - 1] ?? '';

async function load(file: string, loader: Loader = 'fast'): Promise<{ snapshot: Snapshot; text: string }> {
  return {
    snapshot: await loadSnapshot(await readSource({ kind: 'file', file }, os.tmpdir(), 1e9), loader),
    text: readFileSync(file, 'utf8'),
  };
}

function fromText(lockfile: object | string, fileName = 'package-lock.json'): Promise<Snapshot> {
  const text = typeof lockfile === 'string' ? lockfile : JSON.stringify(lockfile, null, 2);
  return loadSnapshot({ label: fileName, fileName, lockfile: text, packageJson: null, workspaceManifests: {} });
}

const nodeAt = (snapshot: Snapshot, location: string): PackageNode => snapshot.nodes.find((n) => n.location === location)!;

describe('every loader records the line of each entry', () => {
  for (const file of lockfiles()) {
    const loaders: Loader[] = file.endsWith('.json') ? ['fast', 'arborist'] : ['fast'];
    for (const loader of loaders) {
      it(`${path.relative(FIXTURES, file)}${loaders.length > 1 ? ` (${loader})` : ''}`, async () => {
        const { snapshot, text } = await load(file, loader);
        const packages = snapshot.nodes.filter(isPackage);
        expect(packages.length).toBeGreaterThan(0);
        for (const node of packages) {
          expect(node.line, node.location).not.toBeNull();
          const entry = lineAt(text, node.line!);
          // the key of the entry: its name (an alias's, for npm) and, JSON, the opening of its value
          expect(
            [node.name, node.packageName].some((name) => entry.includes(name)),
            `${node.location}: ${entry}`,
          ).toBe(true);
          expect(entry, node.location).toMatch(file.endsWith('.json') ? /": \{$/ : file.endsWith('bun.lock') ? /": \[/ : /:$/);
        }
      });
    }
  }

  it('points at the event-stream entry in every format', async () => {
    const expected: Record<string, string> = {
      'head/package-lock.json': '    "node_modules/event-stream": {',
      'pnpm/head/pnpm-lock.yaml': '  event-stream@3.3.6:',
      'pnpm-v6/head/pnpm-lock.yaml': '  /event-stream@3.3.6:',
      'yarn-classic/head/yarn.lock': 'event-stream@3.3.6:',
      'yarn-berry/head/yarn.lock': '"event-stream@npm:3.3.6":',
      'bun/head/bun.lock': '    "event-stream": ["event-stream@3.3.6", ',
    };
    for (const [file, line] of Object.entries(expected)) {
      const { snapshot, text } = await load(fixture('event-stream', file));
      const node = snapshot.nodes.find((n) => n.name === 'event-stream')!;
      expect(lineAt(text, node.line!).startsWith(line), file).toBe(true);
    }
  });

  it('points pnpm v9 at the packages entry, not the snapshots one, and importers at their key', async () => {
    const { snapshot, text } = await load(fixture('workspaces', 'pnpm', 'head', 'pnpm-lock.yaml'));
    const packagesAt = text.split('\n').indexOf('packages:') + 1;
    const snapshotsAt = text.split('\n').indexOf('snapshots:') + 1;
    for (const node of snapshot.nodes.filter(isPackage)) {
      expect(node.line!).toBeGreaterThan(packagesAt);
      expect(node.line!).toBeLessThan(snapshotsAt);
    }
    const root = snapshot.nodes.find((n) => n.isRoot)!;
    expect(lineAt(text, root.line!)).toMatch(/^ {2}\.:/);
    const workspaces = snapshot.nodes.filter((n) => n.isWorkspace && !n.isLink);
    expect(workspaces.length).toBeGreaterThan(0);
    for (const ws of workspaces) expect(lineAt(text, ws.line!)).toMatch(new RegExp(`^ {2}${ws.location}:`));
  });

  it('points a Yarn entry that several ranges share at its one header', async () => {
    const text = [
      '# yarn lockfile v1',
      '',
      '',
      '"@scope/a@^1.0.0", "@scope/a@^1.1.0":',
      '  version "1.2.0"',
      '',
      'b@^2, b@~2.1:',
      '  version "2.1.0"',
      '  dependencies:',
      '    "@scope/a" "^1.1.0"',
      '',
    ].join('\r\n');
    const snapshot = await fromText(text, 'yarn.lock');
    expect(snapshot.nodes.filter(isPackage).map((n) => [n.packageName, n.line])).toEqual([
      ['@scope/a', 4],
      ['b', 7],
    ]);
  });

  it('takes every location of npm v3, aliases by the name they are installed under', async () => {
    const lock = {
      lockfileVersion: 3,
      packages: {
        '': { name: 'app' },
        'node_modules/a': { version: '1.0.0' },
        'node_modules/a/node_modules/b': { version: '2.0.0' },
        'node_modules/b': { version: '1.0.0' },
        'node_modules/my-alias': { name: 'real', version: '3.0.0' },
      },
    };
    const text = JSON.stringify(lock, null, 2);
    const snapshot = await fromText(lock);
    for (const location of Object.keys(lock.packages))
      expect(lineAt(text, nodeAt(snapshot, location).line!).trim()).toBe(`${JSON.stringify(location)}: {`);
  });

  it('finds nested npm v1 entries and aliases', async () => {
    const lock = {
      lockfileVersion: 1,
      dependencies: {
        a: { version: '1.0.0', dependencies: { b: { version: '2.0.0' } } },
        b: { version: '1.0.0' },
        'my-alias': { version: 'npm:@scope/real@3.0.0' },
      },
    };
    const text = JSON.stringify(lock, null, 2);
    const snapshot = await fromText(lock);
    expect(lineAt(text, nodeAt(snapshot, 'node_modules/a/node_modules/b').line!)).toBe('        "b": {');
    expect(lineAt(text, nodeAt(snapshot, 'node_modules/b').line!)).toBe('    "b": {');
    expect(lineAt(text, nodeAt(snapshot, 'node_modules/my-alias').line!).trim()).toBe('"my-alias": {');
    expect(nodeAt(snapshot, '').line).toBeNull();
  });

  it('reads the structure of npm lockfiles, not the look of the text', async () => {
    const decoy = '"node_modules/x": {';
    const lock = {
      lockfileVersion: 3,
      packages: {
        '': { name: 'app', description: decoy },
        'node_modules/w': { version: '1.0.0', description: `${decoy}\n"x": {`, bin: ['a', { b: 1 }] },
        'node_modules/abc': { version: '1.0.0' },
        'node_modules/x': { version: '1.0.0', description: 'a "quoted\\" \\\\" string' },
        'node_modules/y': { version: '1.0.0' },
      },
    };
    const text = JSON.stringify(lock, null, 2).replace('"node_modules/abc"', '"node_modules/\\u0061bc"');
    const snapshot = await fromText(text);
    expect(lineAt(text, nodeAt(snapshot, 'node_modules/x').line!).trim()).toBe('"node_modules/x": {');
    expect(lineAt(text, nodeAt(snapshot, 'node_modules/y').line!).trim()).toBe('"node_modules/y": {');
    expect(lineAt(text, nodeAt(snapshot, 'node_modules/abc').line!).trim()).toBe('"node_modules/\\u0061bc": {');
    expect(nodeAt(await fromText(JSON.stringify(lock)), 'node_modules/x').line).toBe(1);
    const spaced = text.replace('"node_modules/x": {', '"node_modules/x"\n    :\n    {');
    expect(lineAt(spaced, nodeAt(await fromText(spaced), 'node_modules/x').line!).trim()).toBe('"node_modules/x"');
  });
});
