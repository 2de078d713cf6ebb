import { describe, expect, it } from 'vitest';
import { detectManagers, type RepoFacts } from '../../src/hook/managers.js';
import { managerSnippet } from '../../src/hook/snippets.js';

const plain: RepoFacts = { top: '/r', hooksDir: '/r/.git/hooks', huskyDir: false, lefthookConfig: null };

describe('detectManagers', () => {
  it('finds none in a plain repository, whatever core.hooksPath says', () => {
    expect(detectManagers(plain)).toEqual([]);
    expect(detectManagers({ ...plain, hooksDir: '/r/.githooks' })).toEqual([]);
    expect(detectManagers({ ...plain, hooksDir: '/r/sub/.husky' })).toEqual([]);
  });

  it('finds husky by its directory or by core.hooksPath (husky 9: .husky/_, earlier: .husky)', () => {
    const husky = [{ name: 'husky', file: '.husky/pre-commit' }];
    expect(detectManagers({ ...plain, huskyDir: true })).toEqual(husky);
    expect(detectManagers({ ...plain, hooksDir: '/r/.husky/_' })).toEqual(husky);
    expect(detectManagers({ ...plain, hooksDir: '/r/.husky' })).toEqual(husky);
  });

  it('finds lefthook by its configuration file, and both managers together', () => {
    expect(detectManagers({ ...plain, lefthookConfig: '.lefthook.yml' })).toEqual([{ name: 'lefthook', file: '.lefthook.yml' }]);
    expect(detectManagers({ ...plain, huskyDir: true, lefthookConfig: 'lefthook.yml' }).map((m) => m.name)).toEqual(['husky', 'lefthook']);
  });
});

describe('managerSnippet', () => {
  it('gives husky one line that runs depguard only when a lockfile is staged', () => {
    expect(managerSnippet({ name: 'husky', file: '.husky/pre-commit' }, [])).toBe(
      'git diff --cached --quiet --diff-filter=ACMR -- npm-shrinkwrap.json package-lock.json pnpm-lock.yaml yarn.lock bun.lock || npx --no-install depguard diff --staged\n',
    );
    expect(managerSnippet({ name: 'husky', file: '.husky/pre-commit' }, ['--registry', 'https://r.example/a b'])).toMatch(
      / \|\| npx --no-install depguard diff --staged --registry 'https:\/\/r\.example\/a b'\n$/,
    );
  });

  it('gives lefthook a pre-commit command with a glob, quoting the command only when YAML needs it', () => {
    expect(managerSnippet({ name: 'lefthook', file: 'lefthook.yml' }, ['--fail-on', 'critical'])).toBe(
      [
        'pre-commit:',
        '  commands:',
        '    depguard:',
        '      glob: "{npm-shrinkwrap.json,package-lock.json,pnpm-lock.yaml,yarn.lock,bun.lock}"',
        '      run: npx --no-install depguard diff --staged --fail-on critical',
        '',
      ].join('\n'),
    );
    expect(managerSnippet({ name: 'lefthook', file: 'lefthook.yml' }, ['--registry', 'http://127.0.0.1:4873/'])).toContain(
      '      run: "npx --no-install depguard diff --staged --registry http://127.0.0.1:4873/"\n',
    );
  });
});
