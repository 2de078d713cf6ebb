import { describe, expect, it } from 'vitest';
import { describeCommand, lockfileOnlyArgs, parsePreviewCommand } from '../../src/preview/command.js';
import { packageManagerField } from '../../src/preview/manager.js';
import { managerEnv, npmrcScopes } from '../../src/preview/sandbox.js';

describe('parsePreviewCommand and lockfileOnlyArgs', () => {
  it.each([
    [
      ['npm', 'install', 'event-stream@3.3.6'],
      ['install', 'event-stream@3.3.6', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund'],
    ],
    [
      ['npm', 'i', '-D', 'left-pad'],
      ['i', '-D', 'left-pad', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund'],
    ],
    [
      ['pnpm', 'update'],
      ['update', '--lockfile-only', '--ignore-scripts', '--ignore-pnpmfile'],
    ],
    [
      ['yarn', 'up', 'lodash'],
      ['up', 'lodash', '--mode', 'update-lockfile'],
    ],
    [['yarn'], ['install', '--mode', 'update-lockfile']],
    [
      ['bun', 'add', 'left-pad'],
      ['add', 'left-pad', '--lockfile-only', '--ignore-scripts'],
    ],
  ])('%j runs as %j in the copy', (words, args) => {
    expect(lockfileOnlyArgs(parsePreviewCommand(words))).toEqual(args);
  });

  it.each([
    [[], /^preview takes the package-manager command after --/],
    [['npm'], /^preview needs a npm command, e.g\. npm install$/],
    [['npm', 'ci'], /not 'npm ci'$/],
    [['pnpm', 'dlx', 'x'], /not 'pnpm dlx'$/],
    [['yarn', 'dlx', 'x'], /not 'yarn dlx'$/],
    [['bun', 'x', 'y'], /not 'bun x'$/],
    [['npm', 'install', '--no-ignore-scripts'], /^preview refuses npm's --no-ignore-scripts: scripts are always off/],
    [['npm', 'install', '--foreground-scripts', '--ignore-scripts', 'false'], /^preview refuses npm's --ignore-scripts/],
    [['npm', 'install', '--package-lock-only=false'], /^preview refuses npm's --package-lock-only/],
    [['npm', 'install', '--location=global', 'x'], /^preview refuses npm's --location/],
    [['pnpm', 'add', '-C', '/elsewhere', 'x'], /^preview refuses pnpm's -C/],
    [['pnpm', 'add', '--dir=/elsewhere', 'x'], /^preview refuses pnpm's --dir/],
    [['pnpm', 'install', '--no-lockfile'], /^preview refuses pnpm's --no-lockfile/],
    [['yarn', 'add', 'x', '--mode=skip-build'], /^preview refuses yarn's --mode/],
    [['bun', 'add', 'x', '--cwd', '/elsewhere'], /^preview refuses bun's --cwd/],
    [['npm', 'install', 'x', '--userconfig', '/tmp/rc'], /^preview refuses npm's --userconfig/],
    [['npm', 'install', '--', 'x'], /arguments after a second --/],
  ])('%j is refused', (words, message) => {
    expect(() => parsePreviewCommand(words)).toThrow(message);
  });

  it('names the command as typed, quoting what a shell would split', () => {
    expect(describeCommand(parsePreviewCommand(['npm', 'install', 'event-stream@3.3.6', 'a b']))).toBe(
      'npm install event-stream@3.3.6 "a b"',
    );
  });
});

describe('packageManagerField', () => {
  it('reads name and version, without the hash', () => {
    expect(packageManagerField('{"packageManager":"pnpm@9.15.0+sha512.abc"}')).toEqual({ name: 'pnpm', version: '9.15.0' });
    expect(packageManagerField('{"packageManager":"yarn@4.5.0"}')).toEqual({ name: 'yarn', version: '4.5.0' });
    expect(packageManagerField('{"packageManager":"deno@2"}')).toBeNull();
    expect(packageManagerField('{}')).toBeNull();
    expect(packageManagerField('not json')).toBeNull();
    expect(packageManagerField(null)).toBeNull();
  });
});

describe('managerEnv', () => {
  const registry = {
    registry: 'https://registry.example/',
    options: { '@acme:registry': 'https://acme.example/', '//registry.example/:_authToken': 'secret' },
  };

  it("gives the manager depguard's registries over the user's own spellings, and turns scripts and Corepack's network off in the preview", () => {
    const env = managerEnv(
      {
        PATH: '/bin',
        NPM_CONFIG_REGISTRY: 'https://other.example/',
        'npm_config_@acme:registry': 'https://x/',
        BUN_CONFIG_REGISTRY: 'https://other.example/',
      },
      registry,
      true,
    );
    expect(env).toMatchObject({
      PATH: '/bin',
      npm_config_registry: 'https://registry.example/',
      'npm_config_@acme:registry': 'https://acme.example/',
      YARN_NPM_REGISTRY_SERVER: 'https://registry.example',
      BUN_CONFIG_REGISTRY: 'https://registry.example/',
      npm_config_ignore_scripts: 'true',
      YARN_ENABLE_SCRIPTS: '0',
      COREPACK_ENABLE_NETWORK: '0',
    });
    expect(env.NPM_CONFIG_REGISTRY).toBeUndefined();
    // credentials stay where the manager reads them (.npmrc), never in the environment
    expect(Object.values(env)).not.toContain('secret');
  });

  it('leaves scripts to the user for the real run', () => {
    const env = managerEnv({ PATH: '/bin' }, registry, false);
    expect(env.npm_config_ignore_scripts).toBeUndefined();
    expect(env.YARN_ENABLE_SCRIPTS).toBeUndefined();
    expect(env.npm_config_registry).toBe('https://registry.example/');
  });

  it("sends a scope the project's .npmrc maps, and depguard's configuration does not, to depguard's registry", () => {
    const scopes = npmrcScopes(
      'registry=https://evil.example/\n@corp:registry=https://evil.example/\n@acme:registry=https://acme.example/\n',
    );
    expect(scopes).toEqual(['@corp', '@acme']);
    const env = managerEnv({}, registry, true, scopes);
    expect(env['npm_config_@corp:registry']).toBe('https://registry.example/');
    expect(env['npm_config_@acme:registry']).toBe('https://acme.example/');
    expect(npmrcScopes(null)).toEqual([]);
  });
});
