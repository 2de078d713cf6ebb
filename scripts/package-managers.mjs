// The package managers make-fixtures.mjs locks scenarios with, besides npm: pinned versions that
// run on Node 20, installed from the npm registry into .fixture-tools/ (git-ignored) on first
// use. Only the fixture generator uses them; the tests read the lockfiles they wrote.
import fs from 'node:fs';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** npm package specs, installed side by side (aliases where two versions of one tool are needed). */
const TOOLS = {
  pnpm: 'pnpm@10.34.9', // lockfile v9
  pnpm8: 'npm:pnpm@8.15.9', // lockfile v6
  yarn: 'yarn@1.22.22', // yarn.lock v1
  '@yarnpkg/cli-dist': '@yarnpkg/cli-dist@4.18.1', // Yarn Berry, yarn.lock __metadata v8+
  bun: 'bun@1.4.5', // bun.lock (text)
};

export async function installTools(root) {
  const dir = path.join(root, '.fixture-tools');
  const stamp = path.join(dir, 'installed.json');
  const wanted = JSON.stringify(TOOLS);
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === wanted) return dir;
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), '{ "private": true }\n');
  const specs = Object.entries(TOOLS).map(([name, spec]) => (spec.startsWith('npm:') ? `${name}@${spec}` : spec));
  await run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock', ...specs], { cwd: dir });
  fs.writeFileSync(stamp, wanted);
  return dir;
}

/**
 * One manager: `lock(cwd, registryUrl, home)` writes its lockfile in `cwd` from the package.json
 * there (and the lockfile already there, as a real update does). `workspaceFiles` are the extra
 * files a workspace project needs.
 */
export function managers(tools) {
  const bin = (...parts) => path.join(tools, 'node_modules', ...parts);
  const env = (home, extra = {}) => ({
    PATH: process.env.PATH,
    HOME: home,
    XDG_CACHE_HOME: path.join(home, '.cache'),
    XDG_DATA_HOME: path.join(home, '.data'),
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_STATE_HOME: path.join(home, '.state'),
    ...extra,
  });
  const pnpm = (cli) => ({
    lockfile: 'pnpm-lock.yaml',
    workspaceFiles: (globs) => ({ 'pnpm-workspace.yaml': `packages:\n${globs.map((g) => `  - '${g}'\n`).join('')}` }),
    lock: (cwd, registry, home) =>
      run(
        process.execPath,
        [
          cli,
          'install',
          '--lockfile-only',
          '--ignore-scripts',
          '--registry',
          registry,
          '--store-dir',
          path.join(home, 'store'),
          '--config.update-notifier=false',
          '--config.minimum-release-age=0',
        ],
        { cwd, env: env(home) },
      ),
  });
  return {
    pnpm: pnpm(bin('pnpm', 'bin', 'pnpm.cjs')),
    'pnpm-v6': pnpm(bin('pnpm8', 'bin', 'pnpm.cjs')),
    'yarn-classic': {
      lockfile: 'yarn.lock',
      workspaceFiles: () => ({}),
      // yarn 1 has no lockfile-only mode: it installs into the temporary directory
      lock: (cwd, registry, home) =>
        run(
          process.execPath,
          [
            bin('yarn', 'bin', 'yarn.js'),
            'install',
            '--ignore-scripts',
            '--registry',
            registry,
            '--cache-folder',
            path.join(home, 'yarn-cache'),
            '--no-default-rc',
            '--non-interactive',
            '--no-progress',
          ],
          { cwd, env: env(home) },
        ),
    },
    'yarn-berry': {
      lockfile: 'yarn.lock',
      workspaceFiles: () => ({}),
      lock: (cwd, registry, home) => {
        const rc = {
          npmRegistryServer: registry.replace(/\/$/, ''),
          unsafeHttpWhitelist: ['127.0.0.1'],
          enableGlobalCache: false,
          cacheFolder: path.join(home, 'berry-cache'),
          enableTelemetry: false,
          nodeLinker: 'node-modules',
          npmMinimalAgeGate: 0,
        };
        fs.writeFileSync(
          path.join(cwd, '.yarnrc.yml'),
          Object.entries(rc)
            .map(([k, v]) => `${k}: ${JSON.stringify(v)}\n`)
            .join(''),
        );
        if (!fs.existsSync(path.join(cwd, 'yarn.lock'))) fs.writeFileSync(path.join(cwd, 'yarn.lock'), '');
        return run(process.execPath, [bin('@yarnpkg', 'cli-dist', 'bin', 'yarn.js'), 'install', '--mode=update-lockfile'], {
          cwd,
          env: env(home, {
            YARN_ENABLE_IMMUTABLE_INSTALLS: 'false',
            YARN_GLOBAL_FOLDER: path.join(home, 'berry-global'),
            YARN_IGNORE_PATH: '1',
          }),
        });
      },
    },
    bun: {
      lockfile: 'bun.lock',
      workspaceFiles: () => ({}),
      lock: (cwd, registry, home) =>
        // the binary ships in bun's @oven/bun-<os>-<cpu> optional dependency (its postinstall, skipped, only copies it)
        run(
          bin('@oven', `bun-${process.platform}-${process.arch === 'arm64' ? 'aarch64' : 'x64'}`, 'bin', 'bun'),
          ['install', '--lockfile-only', '--ignore-scripts', '--no-progress'],
          { cwd, env: env(home, { BUN_CONFIG_REGISTRY: registry, BUN_INSTALL_CACHE_DIR: path.join(home, 'bun-cache') }) },
        ),
    },
  };
}
