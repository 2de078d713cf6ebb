import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { frozenInstallArgs } from '../../src/preview/command.js';
import { putPreviewed } from '../../src/preview/install.js';

describe('--then-run installs what was previewed', () => {
  it.each([
    ['npm', ['ci', '--no-audit', '--no-fund']],
    ['pnpm', ['install', '--frozen-lockfile']],
    ['yarn', ['install', '--immutable']],
    ['bun', ['install', '--frozen-lockfile']],
  ] as const)('%s installs the lockfile as it is: %j', (manager, args) => {
    expect(frozenInstallArgs(manager)).toEqual(args);
  });

  it('puts the files the command wrote in the project, workspaces included', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'depguard-put-'));
    mkdirSync(path.join(dir, 'packages', 'a'), { recursive: true });
    writeFileSync(path.join(dir, 'package-lock.json'), 'old');
    putPreviewed(dir, [
      { path: 'package-lock.json', text: 'new lock' },
      { path: path.join('packages', 'a', 'package.json'), text: '{"name":"a"}' },
    ]);
    expect(readFileSync(path.join(dir, 'package-lock.json'), 'utf8')).toBe('new lock');
    expect(readFileSync(path.join(dir, 'packages', 'a', 'package.json'), 'utf8')).toBe('{"name":"a"}');
  });

  it('refuses a path outside the project, and a link out of it, before writing anything there', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'depguard-put-'));
    const outside = path.join(mkdtempSync(path.join(os.tmpdir(), 'depguard-put-outside-')), 'victim');
    writeFileSync(outside, 'keep');
    expect(() => putPreviewed(dir, [{ path: '../escape', text: 'x' }])).toThrow(/escape: is outside the project: refused/);
    symlinkSync(outside, path.join(dir, 'package.json'));
    expect(() => putPreviewed(dir, [{ path: 'package.json', text: 'x' }])).toThrow(/outside the repository: refused/);
    expect(readFileSync(outside, 'utf8')).toBe('keep');
  });
});
