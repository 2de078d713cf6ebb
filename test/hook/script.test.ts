import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isDepguardHook, renderHookScript } from '../../src/hook/script.js';
import { git, tempRepo } from '../helpers/git.js';

/** A stand-in for node (or npx): logs its arguments as one line of [word]s, then exits with `code`. */
function fakeProgram(dir: string, name: string, log: string, code = 0): string {
  const file = path.join(dir, name);
  writeFileSync(file, `#!/bin/sh\nprintf '[%s]' ${name} "$@" >> '${log}'\necho >> '${log}'\nexit ${code}\n`);
  chmodSync(file, 0o755);
  return file;
}

interface Setup {
  repo: string;
  log: string;
  bin: string;
  node: string;
  tools: string;
}

function setup(nodeExitCode = 0): Setup {
  const tools = mkdtempSync(path.join(os.tmpdir(), 'depguard-tools-'));
  const log = path.join(tools, 'calls.log');
  const bin = path.join(tools, 'depguard.js');
  writeFileSync(bin, '');
  return { repo: tempRepo(), log, bin, node: fakeProgram(tools, 'node', log, nodeExitCode), tools };
}

function install(s: Setup, diffArgs: string[] = []): void {
  const hook = path.join(s.repo, '.git', 'hooks', 'pre-commit');
  writeFileSync(hook, renderHookScript({ node: s.node, bin: s.bin, diffArgs }));
  chmodSync(hook, 0o755);
}

function stage(repo: string, file: string, content = '{}'): void {
  mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
  writeFileSync(path.join(repo, file), content);
  git(repo, 'add', '--', file);
}

/** Runs the hook the way git does, from `cwd`, with `tools` first on PATH (for npx). */
function runHook(s: Setup, cwd = s.repo) {
  const r = spawnSync(path.join(s.repo, '.git', 'hooks', 'pre-commit'), [], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, PATH: `${s.tools}:${process.env.PATH}` },
  });
  return { code: r.status, stderr: r.stderr, calls: existsSync(s.log) ? readFileSync(s.log, 'utf8').trimEnd().split('\n') : [] };
}

describe('the pre-commit hook script', () => {
  it('is marked as ours', () => {
    expect(isDepguardHook(renderHookScript({ node: '/n', bin: '/b', diffArgs: [] }))).toBe(true);
  });

  it('audits each staged lockfile from the top of the work tree, with the install-time arguments', () => {
    const s = setup();
    install(s, ['--fail-on', "it's"]);
    stage(s.repo, 'package-lock.json');
    stage(s.repo, 'my app/npm-shrinkwrap.json');
    stage(s.repo, 'web/yarn.lock');
    stage(s.repo, 'bun.lockb');
    stage(s.repo, 'README.md', 'hi');
    const r = runHook(s, path.join(s.repo, 'my app'));
    expect(r.code).toBe(0);
    expect(r.calls).toEqual([
      `[node][${s.bin}][diff][--staged][--lockfile][my app/npm-shrinkwrap.json][--fail-on][it's]`,
      `[node][${s.bin}][diff][--staged][--lockfile][package-lock.json][--fail-on][it's]`,
      `[node][${s.bin}][diff][--staged][--lockfile][web/yarn.lock][--fail-on][it's]`,
    ]);
    expect(r.stderr).toBe("depguard: bun.lockb not audited (Bun's binary lockfile: bun install --save-text-lockfile writes bun.lock)\n");
  });

  it('does not start depguard when no lockfile is staged, or a lockfile is deleted', () => {
    const s = setup();
    stage(s.repo, 'package-lock.json');
    git(s.repo, 'commit', '-qm', 'lockfile');
    install(s);
    git(s.repo, 'rm', '-q', 'package-lock.json');
    stage(s.repo, 'src/package-lock.json.orig');
    expect(runHook(s)).toEqual({ code: 0, stderr: '', calls: [] });
  });

  it('fails the commit with depguard’s exit code', () => {
    const s = setup(3);
    install(s);
    stage(s.repo, 'package-lock.json');
    const r = runHook(s);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe('depguard: commit blocked by the pre-commit hook (git commit --no-verify skips it)\n');
  });

  it('runs the chained hook first, and stops there when it fails', () => {
    const s = setup();
    install(s);
    stage(s.repo, 'package-lock.json');
    fakeProgram(path.join(s.repo, '.git', 'hooks'), 'pre-commit.depguard-chained', s.log);
    expect(runHook(s).calls).toEqual(['[pre-commit.depguard-chained]', `[node][${s.bin}][diff][--staged][--lockfile][package-lock.json]`]);

    const failing = setup();
    install(failing);
    stage(failing.repo, 'package-lock.json');
    fakeProgram(path.join(failing.repo, '.git', 'hooks'), 'pre-commit.depguard-chained', failing.log, 7);
    expect(runHook(failing)).toMatchObject({ code: 7, calls: ['[pre-commit.depguard-chained]'] });
  });

  it('falls back to npx --no-install depguard when the recorded depguard is gone', () => {
    const s = setup();
    install({ ...s, bin: path.join(s.tools, 'gone', 'depguard.js') });
    fakeProgram(s.tools, 'npx', s.log);
    stage(s.repo, 'package-lock.json');
    expect(runHook(s).calls).toEqual(['[npx][--no-install][depguard][diff][--staged][--lockfile][package-lock.json]']);
  });

  it('fails rather than skip a lockfile whose path git quotes', () => {
    const s = setup();
    install(s);
    stage(s.repo, 'a"b/package-lock.json');
    const r = runHook(s);
    expect(r.code).toBe(2);
    expect(r.calls).toEqual([]);
    expect(r.stderr).toContain('depguard: cannot audit "a\\"b/package-lock.json": git quotes its path\n');
  });
});
