import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, runCli } from '../helpers/cli.js';
import { git, tempRepo } from '../helpers/git.js';
import { eventStreamRegistry, type Recorder } from '../helpers/servers.js';

/**
 * Lockfiles, the files beside them, policy files and --output-file are opened only when they are
 * regular files, and a symbolic link inside the repository only when it stays inside: a FIFO
 * cannot hang the run, a link to a secret cannot leak its first bytes in an error, a committed
 * link cannot redirect the report. In git, a blob that is a symbolic link is not lockfile text.
 * Every case ends promptly (the test timeout is the hang detector) with one line and exit 2.
 */
const BASE = fixture('event-stream', 'base', 'package-lock.json');
const HEAD = fixture('event-stream', 'head', 'package-lock.json');
const SECRET = 'TOP-SECRET-first-bytes-of-a-private-file';

let registry: Recorder;
beforeAll(async () => {
  registry = await eventStreamRegistry();
});
afterAll(() => registry.close());

function secretFile(): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'secret-')), 'id_token');
  writeFileSync(file, `${SECRET}\n{"lockfileVersion": 3}\n`);
  return file;
}

function fifo(file: string): string {
  execFileSync('mkfifo', [file]);
  return file;
}

/** A repository whose base commit holds the event-stream base lockfile and package.json. */
function repo(): string {
  const dir = tempRepo();
  copyFileSync(BASE, path.join(dir, 'package-lock.json'));
  copyFileSync(fixture('event-stream', 'base', 'package.json'), path.join(dir, 'package.json'));
  git(dir, 'add', '.');
  git(dir, 'commit', '-qm', 'base');
  return dir;
}

async function refused(args: string[], cwd: string, problem: RegExp, env: NodeJS.ProcessEnv = {}) {
  const r = await runCli([...args, '--registry', registry.url], { cwd, env });
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(problem);
  expect(r.stderr.split('\n')).toHaveLength(2); // one line
  expect(r.stderr).not.toContain(SECRET);
  expect(r.stderr).not.toContain('root:');
  expect(r.code).toBe(2);
}

describe('special files are refused, promptly', () => {
  it('a head lockfile that is a FIFO, or a device', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fifo-'));
    fifo(path.join(dir, 'package-lock.json'));
    await refused(
      ['diff', '--base', BASE, '--head', 'package-lock.json'],
      dir,
      /^depguard: package-lock\.json: is a FIFO, not a regular file: refused\n$/,
    );
    await refused(
      ['diff', '--base', BASE, '--head', '/dev/zero'],
      dir,
      /^depguard: \/dev\/zero: is a device, not a regular file: refused\n$/,
    );
  }, 60_000);

  it('a FIFO beside the lockfile: package.json, .npmrc, pnpm-workspace.yaml, a policy file', async () => {
    for (const name of ['package.json', '.npmrc', 'pnpm-workspace.yaml', 'depguard.config.json']) {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'beside-'));
      copyFileSync(HEAD, path.join(dir, 'package-lock.json'));
      fifo(path.join(dir, name));
      await refused(['diff', '--base', BASE], dir, new RegExp(`${name.replace('.', '\\.')}: is a FIFO, not a regular file: refused`));
    }
  }, 120_000);

  it("the user's ~/.npmrc as a FIFO", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'userfifo-'));
    await refused(['diff', '--base', BASE, '--head', HEAD], dir, /is a FIFO, not a regular file: refused/, {
      npm_config_userconfig: fifo(path.join(dir, 'npmrc')),
    });
  }, 60_000);
});

describe('symbolic links out of the repository', () => {
  it('the working tree lockfile linked to a secret, or to /etc/passwd: refused before a byte is read', async () => {
    for (const target of [secretFile(), '/etc/passwd']) {
      const dir = repo();
      execFileSync('rm', [path.join(dir, 'package-lock.json')]);
      symlinkSync(target, path.join(dir, 'package-lock.json'));
      await refused(['diff'], dir, /^depguard: package-lock\.json: is a symbolic link to a file outside the repository: refused\n$/);
    }
  }, 60_000);

  it('package.json and a policy file linked out (two lockfile files inside the repository)', async () => {
    for (const name of ['package.json', 'depguard.config.json']) {
      const dir = repo();
      execFileSync('rm', ['-f', path.join(dir, name)]);
      symlinkSync(secretFile(), path.join(dir, name));
      await refused(
        ['diff', '--base', BASE, '--head', 'package-lock.json'],
        dir,
        new RegExp(`${name.replace('.', '\\.')}: is a symbolic link to a file outside the repository: refused`),
      );
    }
  }, 60_000);

  it('a link that stays inside the repository is followed', async () => {
    const dir = repo();
    mkdirSync(path.join(dir, 'locks'));
    copyFileSync(HEAD, path.join(dir, 'locks', 'head.json'));
    execFileSync('rm', [path.join(dir, 'package-lock.json')]);
    symlinkSync(path.join('locks', 'head.json'), path.join(dir, 'package-lock.json'));
    const r = await runCli(['diff', '--registry', registry.url], { cwd: dir });
    expect(r.stdout).toContain('CRITICAL event-stream');
    expect(r.code).toBe(1);
  });
});

describe('symbolic links in git', () => {
  it('a committed link to /etc/passwd is refused, not read as lockfile text (HEAD~1 against HEAD)', async () => {
    const dir = repo();
    execFileSync('rm', [path.join(dir, 'package-lock.json')]);
    symlinkSync('/etc/passwd', path.join(dir, 'package-lock.json'));
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'pr');
    await refused(
      ['diff', '--base', 'HEAD~1', '--head', 'HEAD'],
      dir,
      /^depguard: HEAD:package-lock\.json: is a symbolic link out of the repository: refused\n$/,
    );
    // and staged, in the index
    await refused(
      ['diff', '--staged'],
      dir,
      /^depguard: (HEAD|index):package-lock\.json: is a symbolic link out of the repository: refused\n$/,
    );
  }, 60_000);

  it('a committed link inside the tree is followed there, never to the disk', async () => {
    const dir = repo();
    mkdirSync(path.join(dir, 'locks'));
    copyFileSync(HEAD, path.join(dir, 'locks', 'package-lock.json'));
    execFileSync('rm', [path.join(dir, 'package-lock.json')]);
    symlinkSync('locks/package-lock.json', path.join(dir, 'package-lock.json'));
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'pr');
    // what the disk holds at that path changes nothing
    writeFileSync(path.join(dir, 'locks', 'package-lock.json'), 'not even JSON');
    const r = await runCli(['diff', '--base', 'HEAD~1', '--head', 'HEAD', '--registry', registry.url], { cwd: dir });
    expect(r.stdout).toContain('CRITICAL event-stream');
    expect(r.code).toBe(1);
  });
});

describe('--output-file', () => {
  it('a committed link to a file outside the repository is refused, and the file left as it was', async () => {
    const dir = repo();
    copyFileSync(HEAD, path.join(dir, 'package-lock.json'));
    const victim = secretFile();
    symlinkSync(victim, path.join(dir, 'report.sarif'));
    await refused(
      ['diff', '--format', 'sarif', '--output-file', 'report.sarif'],
      dir,
      /^depguard: --output-file .*report\.sarif: is a symbolic link to a file outside the repository: refused\n$/,
    );
    expect(readFileSync(victim, 'utf8')).toContain(SECRET);
    // a folder linked out of the repository is the same thing
    symlinkSync(path.dirname(victim), path.join(dir, 'reports'));
    await refused(['diff', '--output-file', 'reports/out.txt'], dir, /is in a directory that links outside the repository: refused/);
  }, 60_000);

  it('a FIFO is refused without waiting for a reader; a plain path, in or out of the repository, is written', async () => {
    const dir = repo();
    copyFileSync(HEAD, path.join(dir, 'package-lock.json'));
    fifo(path.join(dir, 'report.txt'));
    await refused(
      ['diff', '--output-file', 'report.txt'],
      dir,
      /report\.txt: (is a FIFO, not a regular file: refused|cannot be written \(ENXIO\))/,
    );
    const outside = path.join(mkdtempSync(path.join(os.tmpdir(), 'out-')), 'report.json');
    for (const file of ['out/../report.json', outside]) {
      if (file.startsWith('out/')) mkdirSync(path.join(dir, 'out'));
      const r = await runCli(['diff', '--format', 'json', '--output-file', file, '--registry', registry.url], { cwd: dir });
      expect(r.code).toBe(1);
      expect(JSON.parse(readFileSync(path.resolve(dir, file), 'utf8')).summary.highest).toBe('critical');
    }
  }, 60_000);
});
