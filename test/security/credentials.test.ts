import { copyFileSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadDocuments, startRegistry, type Registry } from '../../scripts/fixture-registry.mjs';
import { fixture, runCli } from '../helpers/cli.js';
import { git, tempRepo } from '../helpers/git.js';
import { startRecorder, type Recorder } from '../helpers/servers.js';

/**
 * Credentials go only where the user sent them. Where the project .npmrc cannot be checked
 * against a base (two lockfile files, an audit), it may be the change's own: it chooses no
 * registry, proxy or TLS setting, and an unscoped token in it binds only to the registry the same
 * file names. A registry URL's user and password stay out of the cache and of every output.
 */
const TOKEN = 'npm_T0kenThatOnlyTheRealRegistryMaySee';
const BASE = fixture('event-stream', 'base', 'package-lock.json');
const HEAD = fixture('event-stream', 'head', 'package-lock.json');

let legit: Registry;
let open: Registry;
let attacker: Recorder;
beforeAll(async () => {
  const docs = loadDocuments(fixture('event-stream', 'registry'));
  legit = await startRegistry(docs, { token: TOKEN });
  open = await startRegistry(docs);
  attacker = await startRecorder();
});
afterAll(async () => {
  await Promise.all([legit.close(), open.close(), attacker.close()]);
});
beforeEach(() => {
  attacker.requests.length = 0;
  legit.requests.length = 0;
});

const host = (url: string) => new URL(url).host;

/** The user's own ~/.npmrc: the legitimate registry and its token. */
function userConfig(text = `registry=${legit.url}\n//${host(legit.url)}/:_authToken=${TOKEN}\n`): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'userconfig-')), '.npmrc');
  writeFileSync(file, text);
  return file;
}

/** A project folder holding the head lockfile and a hostile .npmrc. */
function hostileProject(npmrc: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hostile-npmrc-'));
  copyFileSync(HEAD, path.join(dir, 'package-lock.json'));
  copyFileSync(fixture('event-stream', 'head', 'package.json'), path.join(dir, 'package.json'));
  writeFileSync(path.join(dir, '.npmrc'), npmrc);
  return dir;
}

const everything = (r: { stdout: string; stderr: string }) => r.stdout + r.stderr;

describe('a project .npmrc that nothing vouches for', () => {
  const hostile = () =>
    [
      `registry=${attacker.url}`,
      `@evil:registry=${attacker.url}`,
      `_authToken=\${DG_TOKEN}`,
      `//${host(attacker.url)}/:_authToken=\${DG_TOKEN}`,
      `proxy=${attacker.url}`,
      `https-proxy=${attacker.url}`,
      'noproxy=',
      'strict-ssl=false',
      'cafile=/nonexistent/ca.pem',
    ].join('\n');

  it("two lockfile files: no request reaches the server it names, the token goes only to the user's registry", async () => {
    const dir = hostileProject(hostile());
    const r = await runCli(['diff', '--base', BASE, '--head', 'package-lock.json'], {
      cwd: dir,
      env: { DG_TOKEN: TOKEN, npm_config_userconfig: userConfig() },
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('CRITICAL event-stream');
    expect(attacker.requests).toEqual([]);
    expect(legit.requests.length).toBeGreaterThan(0);
    expect(legit.requests.every((q) => q.authorization === `Bearer ${TOKEN}`)).toBe(true);
    expect(everything(r)).not.toContain(TOKEN);
  });

  it('depguard audit: the same', async () => {
    const dir = hostileProject(hostile());
    const r = await runCli(['audit', '--format', 'json'], { cwd: dir, env: { DG_TOKEN: TOKEN, npm_config_userconfig: userConfig() } });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).unavailable).toEqual([]);
    expect(attacker.requests).toEqual([]);
    expect(everything(r)).not.toContain(TOKEN);
  });

  it('an unscoped token binds to the registry its own file names: used when the user chose that registry too, else sent nowhere', async () => {
    const env = { DG_TOKEN: TOKEN, npm_config_userconfig: userConfig(`registry=${legit.url}\n`) };
    const same = hostileProject(`registry=${legit.url}\n_authToken=\${DG_TOKEN}\n`);
    expect((await runCli(['diff', '--base', BASE, '--head', 'package-lock.json'], { cwd: same, env })).code).toBe(1);
    expect(legit.requests.every((q) => q.authorization === `Bearer ${TOKEN}`)).toBe(true);
    legit.requests.length = 0;
    for (const npmrc of [`registry=${attacker.url}\n_authToken=\${DG_TOKEN}\n`, `_authToken=\${DG_TOKEN}\n`]) {
      const other = hostileProject(npmrc);
      const r = await runCli(['diff', '--base', BASE, '--head', 'package-lock.json', '--format', 'json'], { cwd: other, env });
      expect(r.code).toBe(3);
      expect(JSON.parse(r.stdout).unavailable[0].reason).toBe('registry answered HTTP 401');
      expect(legit.requests.some((q) => q.authorization !== undefined)).toBe(false);
      expect(attacker.requests).toEqual([]);
    }
  });
});

describe('no base, but git knows the .npmrc', () => {
  it("audit reads a developer's own untracked .npmrc, and only host-bound tokens from a tracked one", async () => {
    const npmrc = `registry=${legit.url}\n//${host(legit.url)}/:_authToken=${TOKEN}\n`;
    const own = hostileProject(npmrc);
    git(own, 'init', '-q');
    const r = await runCli(['audit', '--format', 'json'], { cwd: own });
    expect(r.code).not.toBe(2);
    expect(JSON.parse(r.stdout).unavailable).toEqual([]);
    const committed = hostileProject(`registry=${attacker.url}\n`);
    git(committed, 'init', '-q');
    git(committed, 'add', '.npmrc');
    const c = await runCli(['audit', '--format', 'json'], { cwd: committed, env: { npm_config_userconfig: userConfig() } });
    expect(JSON.parse(c.stdout).unavailable).toEqual([]);
    expect(attacker.requests).toEqual([]);
  });
});

describe('with a git base, the project .npmrc as the base had it', () => {
  it('a pull request that adds an .npmrc (absent in the base): ignored, on GITHUB_BASE_REF', async () => {
    const repo = tempRepo();
    copyFileSync(BASE, path.join(repo, 'package-lock.json'));
    git(repo, 'add', '.');
    git(repo, 'commit', '-qm', 'base');
    git(repo, 'checkout', '-qb', 'pr');
    copyFileSync(HEAD, path.join(repo, 'package-lock.json'));
    writeFileSync(path.join(repo, '.npmrc'), `registry=${attacker.url}\n//${host(attacker.url)}/:_authToken=\${DG_TOKEN}\n`);
    git(repo, 'add', '.');
    git(repo, 'commit', '-qm', 'pr');
    const r = await runCli(['diff'], { cwd: repo, env: { GITHUB_BASE_REF: 'main', DG_TOKEN: TOKEN, npm_config_userconfig: userConfig() } });
    expect(r.code).toBe(1);
    expect(attacker.requests).toEqual([]);
  });

  it("a developer's own untracked .npmrc is read (local mode: HEAD is the base)", async () => {
    const repo = tempRepo();
    copyFileSync(BASE, path.join(repo, 'package-lock.json'));
    git(repo, 'add', '.');
    git(repo, 'commit', '-qm', 'base');
    copyFileSync(HEAD, path.join(repo, 'package-lock.json'));
    writeFileSync(path.join(repo, '.npmrc'), `registry=${legit.url}\n//${host(legit.url)}/:_authToken=${TOKEN}\n`);
    const r = await runCli(['diff'], { cwd: repo });
    expect(r.code).toBe(1);
    expect(legit.requests.length).toBeGreaterThan(0);
  });
});

describe('credentials in a registry URL', () => {
  it('never reach the cache index or any output', async () => {
    const secret = 's3cretPassw0rdInTheUrl';
    const url = new URL(open.url);
    url.username = 'ci-user';
    url.password = secret;
    const cache = mkdtempSync(path.join(os.tmpdir(), 'cache-'));
    for (const format of ['text', 'json', 'sarif', 'markdown', 'github']) {
      const r = await runCli([
        'diff',
        '--base',
        BASE,
        '--head',
        HEAD,
        '--registry',
        url.toString(),
        '--cache-dir',
        cache,
        '--cache-max-age',
        '0',
        '--format',
        format,
      ]);
      expect(r.code, format).toBe(1);
      expect(everything(r), format).not.toContain(secret);
    }
    const files: string[] = [];
    const walk = (d: string): void => {
      for (const f of readdirSync(d)) (statSync(path.join(d, f)).isDirectory() ? walk : (p: string) => files.push(p))(path.join(d, f));
    };
    walk(cache);
    expect(files.some((f) => f.endsWith('index.json'))).toBe(true);
    for (const f of files) expect(readFileSync(f, 'utf8'), f).not.toContain(secret);
    expect(readFileSync(files.find((f) => f.endsWith('index.json'))!, 'utf8')).toContain(`http://${url.host}/ event-stream`);
  });
});
