import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fixture, type CliResult } from './cli.js';

const IDENTITY = {
  GIT_AUTHOR_NAME: 't',
  GIT_AUTHOR_EMAIL: 't@example.com',
  GIT_COMMITTER_NAME: 't',
  GIT_COMMITTER_EMAIL: 't@example.com',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, ...IDENTITY } });
}

export function tempRepo(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'depguard-repo-'));
  git(dir, 'init', '-q', '-b', 'main');
  return dir;
}

/**
 * Runs git as a user would, with a private HOME and no colour, without blocking this process: a
 * `git commit` whose hook runs depguard needs the fixture registry served from here to answer.
 * `output` is stdout then stderr (git sends a hook's stdout to stderr).
 */
export function gitAsync(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult & { output: string }> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'depguard-home-'));
  return new Promise((resolve) => {
    const child = spawn('git', args, { cwd, env: { PATH: process.env.PATH, HOME: home, NO_COLOR: '1', ...IDENTITY, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr, output: stdout + stderr }));
  });
}

/**
 * A repository whose last commit holds the event-stream fixture's base lockfile and package.json,
 * with an .npmrc pointing at `registryUrl` (committed, or left untracked like a developer's own).
 */
export function eventStreamRepo(registryUrl: string, npmrc: 'committed' | 'untracked'): string {
  const repo = tempRepo();
  copyFileSync(fixture('event-stream', 'base', 'package-lock.json'), path.join(repo, 'package-lock.json'));
  copyFileSync(fixture('event-stream', 'base', 'package.json'), path.join(repo, 'package.json'));
  const writeNpmrc = (): void => writeFileSync(path.join(repo, '.npmrc'), `registry=${registryUrl}\n`);
  if (npmrc === 'committed') writeNpmrc();
  git(repo, 'add', '.');
  git(repo, 'commit', '-qm', 'base');
  if (npmrc === 'untracked') writeNpmrc();
  return repo;
}
