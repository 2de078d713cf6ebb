import picomatch from 'picomatch';
import { describe, expect, it } from 'vitest';
import { globMatch, globsMatcher } from '../src/glob.js';

describe('globMatch', () => {
  const cases: Array<[string, string, boolean]> = [
    ['packages/*', 'packages/a', true],
    ['packages/*', 'packages/a/b', false],
    ['packages/*', 'packages', false],
    ['./packages/*/', 'packages/a', true],
    ['packages//*', 'packages/a', true],
    ['apps/**', 'apps/a/b/c', true],
    ['apps/**', 'apps', true],
    ['apps/**/web', 'apps/web', true],
    ['apps/**/web', 'apps/x/y/web', true],
    ['apps/**/web', 'apps/x/y/web2', false],
    ['**/web', 'a/b/web', true],
    ['tools', 'tools', true],
    ['tools', 'tools2', false],
    ['pkg-?', 'pkg-a', true],
    ['pkg-?', 'pkg-ab', false],
    ['a*b*c', 'axxbyyc', true],
    ['a*b*c', 'axxbyy', false],
    ['a**b', 'axb', true],
    ['a**b', 'ax/b', false],
    ['@acme/*', '@acme/web', true],
    ['@acme/*', '@other/web', false],
    ['*', '@acme/web', false],
    ['packages/.*', 'packages/.hidden', true],
    ['*(x)', '*(x)', true],
  ];
  for (const [pattern, path, expected] of cases) {
    it(`${pattern} ${expected ? 'matches' : 'does not match'} ${path}`, () => expect(globMatch(pattern, path)).toBe(expected));
  }

  it('agrees with picomatch (dot: true) on the globs both read the same', () => {
    const patterns = ['packages/*', 'packages/**', '**/b', 'a/*/c', 'a/**/c', '*a*', 'a?c', '**', '*', 'a/b', '?/*', '*-*/**/x*'];
    const paths = [
      'a',
      'b',
      'a/b',
      'a/b/c',
      'a/x/y/c',
      'abc',
      'a-b/c/x1',
      'a-b/x',
      'packages/a',
      'packages/a/b',
      'packages',
      'ba',
      'x/b',
      '.a/b',
    ];
    for (const pattern of patterns) {
      const oracle = picomatch(pattern, { dot: true });
      for (const path of paths) expect(globMatch(pattern, path), `${pattern} vs ${path}`).toBe(oracle(path));
    }
  });
});

describe('globsMatcher', () => {
  it('selects by any pattern and drops what a !pattern excludes', () => {
    const selected = globsMatcher(['packages/*', 'tools/cli', '!packages/legacy']);
    expect(['packages/a', 'packages/legacy', 'tools/cli', 'tools/x'].filter(selected)).toEqual(['packages/a', 'tools/cli']);
  });
});
