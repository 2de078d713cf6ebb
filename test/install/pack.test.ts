import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tar from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDocuments, type Registry } from '../../scripts/fixture-registry.mjs';
import { fixture, ROOT } from '../helpers/cli.js';
import { firstHour, freshProject, localClone, npmEnv, run, startLockedRegistry } from '../helpers/npm.js';
import { installCommand } from '../helpers/readme.js';

const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string; dependencies: Record<string, string> };

/** npm installs, packs and builds: minutes on a busy machine. A bound against a hang, not a measure. */
const INSTALL_TIMEOUT = 10 * 60_000;

let registry: Registry;
let cache: string;
beforeAll(async () => {
  registry = await startLockedRegistry(loadDocuments(fixture('event-stream', 'registry')));
  cache = mkdtempSync(path.join(os.tmpdir(), 'depguard-npm-cache-'));
}, INSTALL_TIMEOUT);
afterAll(() => registry.close());

describe('installing depguard from the tarball npm pack makes (offline: a registry on 127.0.0.1)', () => {
  it(
    'packs a clone, installs into a fresh project as the README says, and its hook blocks the event-stream commit',
    async () => {
      const env = npmEnv(registry, cache);
      // a clone after `npm ci`: its devDependencies are those installed here (the clone's own
      // node_modules/.cache stays its own), and there is no dist/ yet
      const clone = localClone();
      mkdirSync(path.join(clone, 'node_modules'));
      for (const entry of readdirSync(path.join(ROOT, 'node_modules')).filter((e) => e !== '.cache'))
        symlinkSync(path.join(ROOT, 'node_modules', entry), path.join(clone, 'node_modules', entry));

      // the pre-commit framework before 4.6.1 installs `npm install -g <what npm pack printed>`
      const packed = await run('npm', ['pack'], { cwd: clone, env });
      expect(packed.code, packed.stderr).toBe(0);
      const tarball = `depguard-${pkg.version}.tgz`;
      expect(packed.stdout).toBe(`${tarball}\n`);
      const files: string[] = [];
      await tar.list({ file: path.join(clone, tarball), onReadEntry: (entry) => void files.push(entry.path) });
      expect(files).toContain('package/dist/cli/main.js');
      expect(files).toContain('package/bin/depguard.js');
      expect(files.filter((f) => !/^package\/(bin|dist|docs)\/|^package\/(package\.json|README\.md)$/.test(f))).toEqual([]);

      const prefix = mkdtempSync(path.join(os.tmpdir(), 'depguard-prefix-'));
      const global = await run('npm', ['install', '-g', path.join(clone, tarball)], {
        cwd: clone,
        env: { ...env, npm_config_prefix: prefix },
      });
      expect(global.code, global.stderr).toBe(0);
      expect((await run(path.join(prefix, 'bin', 'depguard'), ['--version'], { cwd: clone, env })).stdout).toBe(`${pkg.version}\n`);

      const app = freshProject();
      copyFileSync(path.join(clone, tarball), path.join(app, tarball));
      const install = installCommand('tarball');
      expect(install).toContain(`./${tarball}`);
      const installed = await run('sh', ['-c', install], { cwd: app, env });
      expect(installed.code, installed.stderr).toBe(0);
      const manifest = JSON.parse(readFileSync(path.join(app, 'package.json'), 'utf8'));
      expect(manifest.devDependencies).toEqual({ depguard: `file:${tarball}` });
      // only depguard's runtime dependencies: none of its devDependencies came along
      expect(existsSync(path.join(app, 'node_modules', 'typescript'))).toBe(false);
      expect(existsSync(path.join(app, 'node_modules', 'vitest'))).toBe(false);
      const version = await run('npx', ['--no-install', 'depguard', '--version'], { cwd: app, env });
      expect(version).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });

      const { blocked, other } = await firstHour(app, env);
      expect(blocked.code, blocked.stdout + blocked.stderr).toBe(1);
      expect(blocked.stderr).toContain('CRITICAL event-stream 3.3.4 -> 3.3.6');
      expect(blocked.stderr).toContain('depguard: commit blocked by the pre-commit hook');
      expect(other.code, other.stdout + other.stderr).toBe(0);
      // what npm fetched came from the registry on 127.0.0.1 (anything else would meet a proxy that is not there)
      for (const name of Object.keys(pkg.dependencies))
        expect(registry.requests.map((r) => r.path)).toContainEqual(expect.stringMatching(`^/${name}/-/`));
    },
    INSTALL_TIMEOUT,
  );
});
