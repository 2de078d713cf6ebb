import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDocuments, type Registry } from '../../scripts/fixture-registry.mjs';
import { fixture, ROOT } from '../helpers/cli.js';
import { firstHour, freshProject, localClone, npmEnv, run, startLockedRegistry } from '../helpers/npm.js';
import { installCommand } from '../helpers/readme.js';

const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string; repository: { url: string } };

/** npm clones, installs the devDependencies, builds and installs: minutes on a busy machine. A bound against a hang, not a measure. */
const INSTALL_TIMEOUT = 10 * 60_000;

let registry: Registry;
let cache: string;
let clone: string;
beforeAll(async () => {
  registry = await startLockedRegistry(loadDocuments(fixture('event-stream', 'registry')));
  cache = mkdtempSync(path.join(os.tmpdir(), 'depguard-npm-cache-'));
  clone = localClone();
}, INSTALL_TIMEOUT);
afterAll(() => registry.close());

describe('installing depguard from git (a local clone; offline: a registry on 127.0.0.1)', () => {
  it(
    'installs into a fresh project with the README command, and its hook blocks the event-stream commit',
    async () => {
      const env = npmEnv(registry, cache);
      const app = freshProject();
      const install = installCommand('git');
      expect(install).toContain(pkg.repository.url);
      const installed = await run('sh', ['-c', install.replace(pkg.repository.url, `git+file://${clone}`)], { cwd: app, env });
      expect(installed.code, installed.stderr).toBe(0);
      const manifest = JSON.parse(readFileSync(path.join(app, 'package.json'), 'utf8'));
      expect(manifest.devDependencies.depguard).toBe(`git+file://${clone}`);
      const version = await run('npx', ['--no-install', 'depguard', '--version'], { cwd: app, env });
      expect(version).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });

      const { blocked, other } = await firstHour(app, env);
      expect(blocked.code, blocked.stdout + blocked.stderr).toBe(1);
      expect(blocked.stderr).toContain('CRITICAL event-stream 3.3.4 -> 3.3.6');
      expect(other.code, other.stdout + other.stderr).toBe(0);
    },
    INSTALL_TIMEOUT,
  );

  it(
    "installs as the pre-commit framework does from 4.6.1 on (npm install -g git+file://), and runs the hook's entry",
    async () => {
      // npm prepares a global git install with an `npm install` that inherits the global flag and so
      // installs no devDependencies in the clone (npm/cli#8440): the build installs them itself
      const prefix = mkdtempSync(path.join(os.tmpdir(), 'depguard-prefix-'));
      const env: NodeJS.ProcessEnv = { ...npmEnv(registry, cache), npm_config_prefix: prefix };
      const installed = await run('npm', ['install', '--allow-git=root', '--install-links', '-g', `git+file://${clone}`], {
        cwd: clone,
        env,
      });
      expect(installed.code, installed.stderr).toBe(0);

      const app = freshProject();
      await run('sh', ['-c', 'git add -A && git commit -qm base && npm install --save-exact event-stream@3.3.6 && git add -A'], {
        cwd: app,
        env,
      });
      const entry = readFileSync(path.join(ROOT, '.pre-commit-hooks.yaml'), 'utf8').match(/^ {2}entry: (.*)$/m)![1]!;
      // pre-commit runs the entry with its environment's bin first on PATH
      const hook = await run('sh', ['-c', entry], { cwd: app, env: { ...env, PATH: `${prefix}/bin:${env.PATH}` } });
      expect(hook.code, hook.stderr).toBe(1);
      expect(hook.stdout).toContain('CRITICAL event-stream 3.3.4 -> 3.3.6');
    },
    INSTALL_TIMEOUT,
  );
});
