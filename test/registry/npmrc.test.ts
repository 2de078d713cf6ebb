import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { readRegistryConfig } from '../../src/registry/npmrc.js';

function setup(user: string, project: string): { home: string; projectDir: string; projectNpmrc: string } {
  const home = mkdtempSync(path.join(os.tmpdir(), 'home-'));
  const projectDir = mkdtempSync(path.join(os.tmpdir(), 'proj-'));
  writeFileSync(path.join(home, '.npmrc'), user);
  writeFileSync(path.join(projectDir, '.npmrc'), project);
  return { home, projectDir, projectNpmrc: project };
}

describe('readRegistryConfig', () => {
  it('layers user, project, environment and flag, later winning', () => {
    const { home, projectDir, projectNpmrc } = setup(
      'registry=https://user.example/\n@acme:registry=https://acme-user.example\n',
      'registry=https://project.example/\n',
    );
    expect(readRegistryConfig({ projectDir, projectNpmrc, projectNpmrcChecked: true, env: { HOME: home } })).toMatchObject({
      registry: 'https://project.example/',
      options: { '@acme:registry': 'https://acme-user.example/' },
    });
    expect(
      readRegistryConfig({
        projectDir,
        projectNpmrc,
        projectNpmrcChecked: true,
        env: { HOME: home, npm_config_registry: 'https://env.example' },
      }).registry,
    ).toBe('https://env.example/');
    expect(
      readRegistryConfig({
        projectDir,
        projectNpmrc,
        projectNpmrcChecked: true,
        env: { HOME: home, npm_config_registry: 'https://env.example' },
        registry: 'https://flag.example',
      }).registry,
    ).toBe('https://flag.example/');
  });

  it('expands ${VAR} in credentials and scopes unscoped tokens to the default registry', () => {
    const { home, projectDir, projectNpmrc } = setup(
      '',
      'registry=https://npm.acme.example/repo/\n//npm.acme.example/repo/:_authToken=${ACME_TOKEN}\n_authToken=plain\n',
    );
    const config = readRegistryConfig({ projectDir, projectNpmrc, projectNpmrcChecked: true, env: { HOME: home, ACME_TOKEN: 's3cret' } });
    expect(config.options['//npm.acme.example/repo/:_authToken']).toBe('plain');
    const onlyEnv = setup('', '//npm.acme.example/:_authToken=${ACME_TOKEN}\n');
    expect(
      readRegistryConfig({
        projectDir: onlyEnv.projectDir,
        projectNpmrc: onlyEnv.projectNpmrc,
        projectNpmrcChecked: true,
        env: { HOME: onlyEnv.home, ACME_TOKEN: 's3cret' },
      }).options['//npm.acme.example/:_authToken'],
    ).toBe('s3cret');
  });

  it('fails with a ConfigError naming the unset variable or the bad URL', () => {
    const { home, projectDir, projectNpmrc } = setup('', '//x.example/:_authToken=${MISSING_TOKEN}\n');
    expect(() => readRegistryConfig({ projectDir, projectNpmrc, projectNpmrcChecked: true, env: { HOME: home } })).toThrow(/MISSING_TOKEN/);
    const bad = setup('registry=ftp://x\n', '');
    expect(() =>
      readRegistryConfig({
        projectDir: bad.projectDir,
        projectNpmrc: bad.projectNpmrc,
        projectNpmrcChecked: true,
        env: { HOME: bad.home },
      }),
    ).toThrow(ConfigError);
  });
});
