import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CliResult } from './cli.js';

const IDENTITY = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com', GIT_CONFIG_GLOBAL: '/dev/null' };

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
