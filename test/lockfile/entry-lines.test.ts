import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { entryLineFinder } from '../../src/lockfile/entry-lines.js';
import { fixture } from '../helpers/cli.js';

const lineAt = (text: string, line: number): string => text.split('\n')[line - 1] ?? '';

describe('entryLineFinder', () => {
  for (const [scenario, key] of [
    ['event-stream', (n: string) => `"node_modules/${n}": {`],
    ['event-stream-v2', (n: string) => `"node_modules/${n}": {`],
    ['event-stream-v1', (n: string) => `"${n}": {`],
  ] as const) {
    it(`points at each package's entry in ${scenario}`, () => {
      const text = readFileSync(fixture(scenario, 'head', 'package-lock.json'), 'utf8');
      const find = entryLineFinder(text);
      for (const [name, version] of [['event-stream', '3.3.6'], ['flatmap-stream', '0.1.1'], ['through', '2.3.8']] as const) {
        const line = find(name, version);
        expect(line, name).toBeGreaterThan(1);
        expect(lineAt(text, line).trim()).toBe(key(name));
      }
      expect(find('event-stream', '3.3.4')).toBe(1);
      expect(find('no-such-package', '1.0.0')).toBe(1);
    });
  }

  it('takes the first location in v3, and the registry name of an alias', () => {
    const lock = {
      lockfileVersion: 3,
      packages: {
        '': { name: 'app' },
        'node_modules/a': { version: '1.0.0' },
        'node_modules/a/node_modules/b': { version: '2.0.0' },
        'node_modules/b': { version: '1.0.0' },
        'node_modules/c/node_modules/b': { version: '2.0.0' },
        'node_modules/my-alias': { name: 'real', version: '3.0.0' },
        'node_modules/ws': { resolved: 'packages/ws', link: true },
      },
    };
    const text = JSON.stringify(lock, null, 2);
    const find = entryLineFinder(text);
    expect(lineAt(text, find('b', '2.0.0')).trim()).toBe('"node_modules/a/node_modules/b": {');
    expect(lineAt(text, find('b', '1.0.0')).trim()).toBe('"node_modules/b": {');
    expect(lineAt(text, find('real', '3.0.0')).trim()).toBe('"node_modules/my-alias": {');
    expect(find('my-alias', '3.0.0')).toBe(1);
  });

  it('finds nested v1 entries and aliases, hoisted copies first', () => {
    const lock = {
      lockfileVersion: 1,
      dependencies: {
        a: { version: '1.0.0', dependencies: { b: { version: '2.0.0' } } },
        b: { version: '1.0.0' },
        c: { version: '1.0.0', dependencies: { b: { version: '2.0.0' } } },
        'my-alias': { version: 'npm:@scope/real@3.0.0' },
      },
    };
    const text = JSON.stringify(lock, null, 2);
    const find = entryLineFinder(text);
    expect(find('b', '2.0.0')).toBe(text.split('\n').findIndex((l) => l.includes('"b": {')) + 1);
    expect(lineAt(text, find('b', '2.0.0'))).toMatch(/^ {8}"b": \{$/);
    expect(lineAt(text, find('b', '1.0.0'))).toMatch(/^ {4}"b": \{$/);
    expect(lineAt(text, find('@scope/real', '3.0.0')).trim()).toBe('"my-alias": {');
  });

  it('reads the structure, not the look of the text', () => {
    const decoy = '"node_modules/x": {';
    const lock = {
      lockfileVersion: 3,
      packages: {
        '': { name: 'app', description: decoy },
        'node_modules/w': { version: '1.0.0', description: `${decoy}\n"x": {`, bin: ['a', { b: 1 }] },
        'node_modules/abc': { version: '1.0.0' },
        'node_modules/x': { version: '1.0.0' },
      },
    };
    const text = JSON.stringify(lock, null, 2).replace('"node_modules/abc"', '"node_modules/\\u0061bc"');
    const find = entryLineFinder(text);
    expect(lineAt(text, find('x', '1.0.0')).trim()).toBe('"node_modules/x": {');
    expect(lineAt(text, find('abc', '1.0.0')).trim()).toBe('"node_modules/\\u0061bc": {');
    expect(entryLineFinder(JSON.stringify(lock))('x', '1.0.0')).toBe(1);
    const spaced = text.replace('"node_modules/x": {', '"node_modules/x"\n    :\n    {');
    expect(lineAt(spaced, entryLineFinder(spaced)('x', '1.0.0')).trim()).toBe('"node_modules/x"');
  });
});
