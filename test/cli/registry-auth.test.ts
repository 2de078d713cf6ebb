import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDocuments, startRegistry, type Registry } from '../../scripts/fixture-registry.mjs';
import { fixture, runCli } from '../helpers/cli.js';
import { git, tempRepo } from '../helpers/git.js';

const TOKEN = 'npm_s3cretT0kenThatMustNeverPrint';
const BASE = fixture('event-stream', 'base', 'package-lock.json');
const HEAD = fixture('event-stream', 'head', 'package-lock.json');

let privateRegistry: Registry;
let attacker: Registry;
beforeAll(async () => {
  privateRegistry = await startRegistry(loadDocuments(fixture('event-stream', 'registry')), { token: TOKEN });
  attacker = await startRegistry(new Map());
});
afterAll(async () => {
  await privateRegistry.close();
  await attacker.close();
});

function hostOf(url: string): string {
  return new URL(url).host;
}

describe('private registries and credentials', () => {
  it('.npmrc auth reaches a registry that demands a token, and the token never shows in any output', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'auth-'));
    // two lockfile files: the registry is the user's choice; a token bound to its host still applies
    writeFileSync(path.join(dir, '.npmrc'), `//${hostOf(privateRegistry.url)}/:_authToken=\${DG_TOKEN}\n`);
    for (const format of ['text', 'json']) {
      const r = await runCli(['diff', '--base', BASE, '--head', HEAD, '--format', format], {
        cwd: dir,
        env: { DG_TOKEN: TOKEN, npm_config_registry: privateRegistry.url },
      });
      expect(r.code).toBe(1);
      expect(r.stdout + r.stderr).not.toContain(TOKEN);
    }
    expect(privateRegistry.requests.at(-1)!.authorization).toBe(`Bearer ${TOKEN}`);
    // a wrong token: an honest, token-free failure
    const wrong = await runCli(['diff', '--base', BASE, '--head', HEAD, '--format', 'json'], {
      cwd: dir,
      env: { DG_TOKEN: 'npm_wrongWrongWrong', npm_config_registry: privateRegistry.url },
    });
    expect(wrong.code).toBe(3);
    expect(JSON.parse(wrong.stdout).unavailable[0].reason).toBe('registry answered HTTP 401');
    expect(wrong.stdout + wrong.stderr).not.toContain('npm_wrongWrongWrong');
  });

  it('never takes the registry from a project .npmrc that the change itself modified', async () => {
    const repo = tempRepo();
    copyFileSync(BASE, path.join(repo, 'package-lock.json'));
    writeFileSync(
      path.join(repo, '.npmrc'),
      `registry=${privateRegistry.url}\n//${hostOf(privateRegistry.url)}/:_authToken=\${DG_TOKEN}\n`,
    );
    git(repo, 'add', '.');
    git(repo, 'commit', '-qm', 'base');
    // the pull request points metadata (and the token) at a server it controls
    copyFileSync(HEAD, path.join(repo, 'package-lock.json'));
    writeFileSync(path.join(repo, '.npmrc'), `registry=${attacker.url}\n//${hostOf(attacker.url)}/:_authToken=\${DG_TOKEN}\n`);
    git(repo, 'commit', '-qam', 'pr');
    const r = await runCli(['diff', '--base', 'HEAD~1', '--head', 'HEAD'], { cwd: repo, env: { DG_TOKEN: TOKEN } });
    expect(attacker.requests).toEqual([]);
    expect(r.stdout).toContain('CRITICAL event-stream');
  });
});

describe('a change cannot relax the cooldown it is judged by', () => {
  it('reads min-release-age from the base revision when the change modified a tracked .npmrc', async () => {
    const { AS_OF } = await import('../../fixtures/patterns.mjs');
    const patterns = await startRegistry(fixture('patterns', 'registry'));
    try {
      const repo = tempRepo();
      copyFileSync(fixture('patterns', 'base', 'package-lock.json'), path.join(repo, 'package-lock.json'));
      writeFileSync(path.join(repo, '.npmrc'), `registry=${patterns.url}\nmin-release-age=30\n`);
      git(repo, 'add', '.');
      git(repo, 'commit', '-qm', 'base');
      copyFileSync(fixture('patterns', 'head', 'package-lock.json'), path.join(repo, 'package-lock.json'));
      writeFileSync(path.join(repo, '.npmrc'), `registry=${patterns.url}\nmin-release-age=0\n`);
      git(repo, 'commit', '-qam', 'pr: bump and switch the cooldown off');
      const r = await runCli(['diff', '--base', 'HEAD~1', '--head', 'HEAD', '--as-of', AS_OF, '--format', 'json'], { cwd: repo });
      const out = JSON.parse(r.stdout);
      expect(out.policy.minReleaseAgeSource).toBe('.npmrc min-release-age=30');
      expect(
        out.findings.some(
          (f: { ruleId: string; package: { name: string } }) => f.ruleId === 'young-version' && f.package.name === 'fresh-release',
        ),
      ).toBe(true);
    } finally {
      await patterns.close();
    }
  });
});

describe('a change that edits its own policy', () => {
  it("is judged by the base revision's policy, and the edit is a high policy-changed finding", async () => {
    const es = await startRegistry(fixture('event-stream', 'registry'));
    try {
      const repo = tempRepo();
      copyFileSync(BASE, path.join(repo, 'package-lock.json'));
      writeFileSync(path.join(repo, '.npmrc'), `registry=${es.url}\n`);
      writeFileSync(path.join(repo, 'depguard.config.json'), '{}\n');
      git(repo, 'add', '.');
      git(repo, 'commit', '-qm', 'base');
      copyFileSync(HEAD, path.join(repo, 'package-lock.json'));
      writeFileSync(path.join(repo, 'depguard.config.json'), JSON.stringify({ rules: { 'publisher-changed': 'off' } }));
      git(repo, 'commit', '-qam', 'pr');
      const r = await runCli(['diff', '--base', 'HEAD~1', '--head', 'HEAD'], { cwd: repo });
      expect(r.stdout).toContain(
        "Note: this change edits depguard's policy: it was judged by the base revision's policy (HEAD~1:depguard.config.json)",
      );
      expect(r.stdout).toContain('publisher-changed');
      expect(r.stdout).toContain('policy-changed');
      const json = JSON.parse((await runCli(['diff', '--base', 'HEAD~1', '--head', 'HEAD', '--format', 'json'], { cwd: repo })).stdout);
      expect(json.policy).toMatchObject({ source: 'HEAD~1:depguard.config.json', changedByThisChange: true });
      expect(json.findings.filter((f: { ruleId: string }) => f.ruleId === 'policy-changed')).toMatchObject([
        { severity: 'high', package: { name: 'depguard.config.json' }, evidence: { change: 'modified' } },
      ]);
    } finally {
      await es.close();
    }
  });
});
