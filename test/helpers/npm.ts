import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pacote from 'pacote';
import semver from 'semver';
import { type Packument, type Registry, startRegistry, tarballFile } from '../../scripts/fixture-registry.mjs';
import { type CliResult, fixture, ROOT } from './cli.js';
import { git } from './git.js';
import { readmeCommands } from './readme.js';

interface LockEntry {
  name?: string;
  version?: string;
  integrity?: string;
  link?: boolean;
  [field: string]: unknown;
}

/**
 * A registry on 127.0.0.1 serving depguard's own dependencies exactly as package-lock.json locks
 * them, plus the documents in `more` (fixture packages): the tarballs are the very bytes `npm ci`
 * fetched, read from npm's cache by their integrity (offline), and each document lists the locked
 * versions with the manifests installed in node_modules. npm can then install depguard, from a
 * tarball or from git, without the network.
 */
export async function startLockedRegistry(more: Map<string, Packument> = new Map()): Promise<Registry> {
  const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const npmCache = execFileSync('npm', ['config', 'get', 'cache'], { encoding: 'utf8' }).trim();
  const tarballs = mkdtempSync(path.join(os.tmpdir(), 'depguard-locked-tarballs-'));
  const docs = new Map(more);
  const packed: Array<Promise<void>> = [];
  for (const [key, entry] of Object.entries(lock.packages)) {
    if (key === '' || entry.link || entry.version === undefined || entry.integrity === undefined) continue;
    const name = entry.name ?? key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);
    const { version, integrity } = entry;
    const installed = path.join(ROOT, key, 'package.json');
    // a package left out on this platform (another OS's binary) is listed, never fetched
    const manifest = existsSync(installed) ? JSON.parse(readFileSync(installed, 'utf8')) : { ...entry, name };
    if (more.has(name)) throw new Error(`${name} is both a fixture package and one of depguard's dependencies`);
    const url = `https://registry.npmjs.org/${name}/-/${name.split('/').pop()}-${version}.tgz`;
    const doc = docs.get(name) ?? { name, 'dist-tags': {}, versions: {} };
    doc.versions[version] = { ...manifest, _id: `${name}@${version}`, dist: { integrity, tarball: url } };
    const latest = doc['dist-tags'].latest;
    if (latest === undefined || semver.gt(version, latest)) doc['dist-tags'].latest = version;
    docs.set(name, doc);
    if (existsSync(installed))
      packed.push(
        pacote
          .tarball(url, {
            integrity,
            cache: path.join(npmCache, '_cacache'),
            offline: true,
          })
          .then(
            (tgz) => writeFileSync(path.join(tarballs, tarballFile(name, version)), tgz),
            () => {
              throw new Error(`${name}@${version} is not in npm's cache (${npmCache}): run npm ci, which puts it there`);
            },
          ),
      );
  }
  await Promise.all(packed);
  return startRegistry(docs, { tarballs, localTarballs: true });
}

/**
 * npm as a user with no configuration of their own would run it, against `registry`, with a
 * cache of its own (`cache`, shared by the installs of one test file). A request to any host but
 * 127.0.0.1 goes to a proxy that is not there, so a test fails rather than reach the network.
 */
export function npmEnv(registry: Registry, cache: string): NodeJS.ProcessEnv {
  const home = mkdtempSync(path.join(os.tmpdir(), 'depguard-npm-home-'));
  return {
    PATH: process.env.PATH,
    HOME: home,
    npm_config_userconfig: path.join(home, '.npmrc'),
    npm_config_globalconfig: path.join(home, 'global-npmrc'),
    npm_config_cache: cache,
    npm_config_registry: registry.url,
    npm_config_proxy: 'http://127.0.0.1:9/',
    npm_config_https_proxy: 'http://127.0.0.1:9/',
    npm_config_noproxy: '127.0.0.1',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_AUTHOR_NAME: 't',
    GIT_AUTHOR_EMAIL: 't@example.com',
    GIT_COMMITTER_NAME: 't',
    GIT_COMMITTER_EMAIL: 't@example.com',
    NO_COLOR: '1',
  };
}

/** Runs a command (npm, npx, git, sh) without blocking this process, which serves the registry. */
export function run(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * A local clone of depguard as the working tree has it (tracked and new files, uncommitted edits
 * included), committed as one revision: what `git clone` of this branch would give once committed.
 */
export function localClone(): string {
  const clone = mkdtempSync(path.join(os.tmpdir(), 'depguard-clone-'));
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' })
    .split('\0')
    .filter((f) => f !== '' && existsSync(path.join(ROOT, f)));
  for (const file of files) {
    mkdirSync(path.dirname(path.join(clone, file)), { recursive: true });
    cpSync(path.join(ROOT, file), path.join(clone, file));
  }
  git(clone, 'init', '-q', '-b', 'main');
  git(clone, 'add', '-A');
  git(clone, 'commit', '-qm', 'depguard as the working tree has it');
  return clone;
}

/** A new project in a new git repository: the event-stream fixture's package.json and lockfile (event-stream 3.3.4). */
export function freshProject(): string {
  const app = mkdtempSync(path.join(os.tmpdir(), 'depguard-app-'));
  cpSync(fixture('event-stream', 'base', 'package.json'), path.join(app, 'package.json'));
  cpSync(fixture('event-stream', 'base', 'package-lock.json'), path.join(app, 'package-lock.json'));
  writeFileSync(path.join(app, '.gitignore'), 'node_modules/\n');
  git(app, 'init', '-q', '-b', 'main');
  return app;
}

/**
 * The README's first hour in a project where depguard was just installed: commit that, install
 * the hook as the README says, then commit the event-stream 3.3.6 update npm makes (which the hook
 * must block) and a change without a lockfile (which it must let through).
 */
export async function firstHour(app: string, env: NodeJS.ProcessEnv): Promise<{ blocked: CliResult; other: CliResult }> {
  const sh = async (command: string): Promise<CliResult> => {
    const r = await run('sh', ['-c', command], { cwd: app, env });
    if (r.code !== 0) throw new Error(`${command} exited with ${r.code}:\n${r.stdout}${r.stderr}`);
    return r;
  };
  await sh('git add -A && git commit -qm "Add depguard"');
  const [install] = readmeCommands('## As a pre-commit hook');
  await sh(install!);
  await sh('npm install --save-exact event-stream@3.3.6');
  const blocked = await run('sh', ['-c', 'git add -A && git commit -m "Update event-stream"'], { cwd: app, env });
  writeFileSync(path.join(app, 'README.md'), 'wallet\n');
  const other = await run('sh', ['-c', 'git reset -q --hard HEAD && git add README.md && git commit -m "Readme"'], { cwd: app, env });
  return { blocked, other };
}
