import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { startRegistry, type Registry } from '../scripts/fixture-registry.mjs';
import { validatePolicy } from '../src/config/policy.js';
import { HOME_URL } from '../src/home.js';
import { ALL_RULES } from '../src/rules/index.js';
import { fixture, ROOT } from './helpers/cli.js';
import { git } from './helpers/git.js';
import { run } from './helpers/npm.js';
import { type CodeBlock, installCommand, readmeBlocks } from './helpers/readme.js';

/**
 * Every code block of the README that is a command runs as written, here, in a project as its
 * reader would have it (depguard installed in node_modules, the event-stream update in the work
 * tree), through the real npx. Those that cannot run here are listed with the test that runs them
 * and why. The blocks that configure something (husky, lefthook, pre-commit, the Action, a
 * policy) are run or checked against what they name. Blocks without a language are output.
 */

const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
const blocks = readmeBlocks();

/** Commands run elsewhere, with why not here. */
const ELSEWHERE = new Map([
  [
    'npm ci && npm run example',
    'test/example.test.ts runs the example; npm ci is what .ci/run runs on a fresh clone (here it would replace the node_modules this suite runs from)',
  ],
  ['npm test', 'the suite itself'],
  ['npm run incident', "test/example.test.ts runs it and holds the README's output lines to what it prints"],
  [installCommand('tarball'), 'test/install/pack.test.ts, with the tarball `npm pack` makes in a local clone'],
  [installCommand('git'), 'test/install/git.test.ts, from a local clone: the tests do not reach GitHub'],
]);

const shellLines = (block: CodeBlock): string[] => block.body.split('\n').filter((line) => line.trim() !== '');

/** The husky line is a shell command too: it is what .husky/pre-commit runs. */
const runHere = (line: string): boolean => line.startsWith('npx --no-install depguard ') || line.startsWith('git diff --cached ');

describe('README code blocks', () => {
  it('every shell command either runs here or is run by the test named for it', () => {
    const lines = blocks.filter((b) => b.lang === 'sh').flatMap(shellLines);
    expect(lines.filter((line) => !runHere(line) && !ELSEWHERE.has(line))).toEqual([]);
    for (const line of ELSEWHERE.keys()) expect(lines, 'a command listed as run elsewhere is gone from the README').toContain(line);
    for (const file of ['test/example.test.ts', 'test/install/pack.test.ts', 'test/install/git.test.ts'])
      expect(existsSync(path.join(ROOT, file)), file).toBe(true);
  });

  it('never runs whatever the registry serves under the name: every npx of depguard says --no-install', () => {
    const texts = [
      ['README.md', readFileSync(path.join(ROOT, 'README.md'), 'utf8')],
      ['action.yml', readFileSync(path.join(ROOT, 'action.yml'), 'utf8')],
      ['.pre-commit-hooks.yaml', readFileSync(path.join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')],
      ...filesUnder('docs', '.md'),
    ];
    const bare = texts.flatMap(([file, text]) =>
      text!
        .split('\n')
        .filter((line) => /\bnpx\b.*\bdepguard\b/.test(line) && !/\bnpx --no-install depguard\b/.test(line))
        .map((line) => `${file}: ${line.trim()}`),
    );
    expect(bare).toEqual([]);
  });

  it('names depguard by its one repository: package.json, pre-commit, the Action, the links', () => {
    const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(manifest.repository).toEqual({ type: 'git', url: `git+${HOME_URL}.git` });
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const repositories = [...readme.matchAll(/https:\/\/github\.com\/[\w.-]+\/[\w.-]+/g)].map((m) => m[0].replace(/\.git$/, ''));
    // github.com/advisories/GHSA-… is an advisory's address (the incident walk-through), not a repository
    const others = repositories.filter(
      (url) => !url.startsWith('https://github.com/github/') && !url.startsWith('https://github.com/advisories/'),
    );
    expect(new Set(others)).toEqual(new Set([HOME_URL]));
    expect(installCommand('git')).toContain(manifest.repository.url);

    const [precommit] = yamlUnder('### pre-commit framework') as Array<{
      repos: Array<{ repo: string; rev: string; hooks: Array<{ id: string }> }>;
    }>;
    const hooks = parseYaml(readFileSync(path.join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as Array<{ id: string }>;
    for (const repo of precommit!.repos) {
      expect(repo.repo).toBe(HOME_URL);
      expect(repo.rev).toBe(`v${pkg.version}`);
      for (const hook of repo.hooks) expect(hooks.map((h) => h.id)).toContain(hook.id);
    }

    const action = parseYaml(readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as { inputs: Record<string, unknown> };
    const slug = new URL(HOME_URL).pathname.slice(1);
    const steps = yamlUnder('## In CI: GitHub Actions').flatMap((workflow) =>
      Object.values(
        (workflow as { jobs: Record<string, { steps: Array<{ uses?: string; with?: Record<string, unknown> }> }> }).jobs,
      ).flatMap((job) => job.steps),
    );
    const ours = steps.filter((step) => step.uses?.startsWith(`${slug}@`));
    expect(ours.length).toBeGreaterThan(0);
    for (const step of ours) for (const input of Object.keys(step.with ?? {})) expect(Object.keys(action.inputs)).toContain(input);
  });

  it('the policy example is a valid policy', () => {
    const [policy] = blocks.filter((b) => b.lang === 'json' && b.heading === '### Policy file');
    expect(() =>
      validatePolicy(
        JSON.parse(policy!.body),
        'README',
        ALL_RULES.map((r) => r.id),
      ),
    ).not.toThrow();
  });
});

describe('README commands, run as written in a project', () => {
  let registry: Registry;
  beforeAll(async () => {
    registry = await startRegistry(fixture('event-stream', 'registry'));
  });
  afterAll(() => registry.close());

  /**
   * The event-stream project: the base committed on main, the update in the work tree and staged,
   * the two lockfiles also as old/ and new/, and depguard installed in node_modules (linked to
   * this checkout, as `npm install` of a folder would).
   */
  function project(): string {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'depguard-readme-'));
    git(dir, 'init', '-q', '-b', 'main');
    git(dir, 'config', 'user.name', 'Reviewer');
    git(dir, 'config', 'user.email', 'reviewer@example.com');
    for (const side of ['base', 'head'] as const) {
      const out = path.join(dir, side === 'base' ? 'old' : 'new');
      mkdirSync(out);
      copyFileSync(fixture('event-stream', side, 'package-lock.json'), path.join(out, 'package-lock.json'));
    }
    copyFileSync(fixture('event-stream', 'base', 'package-lock.json'), path.join(dir, 'package-lock.json'));
    copyFileSync(fixture('event-stream', 'base', 'package.json'), path.join(dir, 'package.json'));
    writeFileSync(path.join(dir, '.gitignore'), 'node_modules/\n');
    git(dir, 'add', 'package.json', 'package-lock.json', '.gitignore');
    git(dir, 'commit', '-qm', 'base');
    copyFileSync(fixture('event-stream', 'head', 'package-lock.json'), path.join(dir, 'package-lock.json'));
    copyFileSync(fixture('event-stream', 'head', 'package.json'), path.join(dir, 'package.json'));
    git(dir, 'add', 'package.json', 'package-lock.json');
    // a developer's own .npmrc, which git does not track: it may choose the registry
    writeFileSync(path.join(dir, '.npmrc'), `registry=${registry.url}\n`);
    mkdirSync(path.join(dir, 'node_modules', '.bin'), { recursive: true });
    symlinkSync(ROOT, path.join(dir, 'node_modules', 'depguard'));
    symlinkSync('../depguard/bin/depguard.js', path.join(dir, 'node_modules', '.bin', 'depguard'));
    return dir;
  }

  it(
    'runs each shell command of the README in order, and each does what its comment says',
    async () => {
      const dir = project();
      const home = mkdtempSync(path.join(os.tmpdir(), 'depguard-home-'));
      const env = {
        PATH: process.env.PATH,
        HOME: home,
        npm_config_userconfig: path.join(home, '.npmrc'),
        npm_config_update_notifier: 'false',
        XDG_CACHE_HOME: path.join(home, '.cache'),
        GIT_CONFIG_GLOBAL: '/dev/null',
        NO_COLOR: '1',
      };
      const ran: string[] = [];
      for (const block of blocks.filter((b) => b.lang === 'sh')) {
        for (const line of shellLines(block).filter(runHere)) {
          const r = await run('sh', ['-c', line], { cwd: dir, env });
          ran.push(line);
          // depguard sbom says on stderr where the SBOM went, and what the registry did not serve (here: no attestations)
          expect(r.stderr.replace(/^depguard: (wrote a CycloneDX 1\.6 SBOM|provenance not recorded)\b.*\n/gm, ''), line).toBe('');
          // the update in the work tree has findings at high and above: exit 1 is the verdict
          expect([0, 1], `${line}\n${r.stdout}`).toContain(r.code);
          if (/^(npx --no-install depguard diff|git diff)\b/.test(line) && !line.includes('--format') && !line.includes('--output-file'))
            expect(r.stdout, line).toContain('CRITICAL event-stream 3.3.4 -> 3.3.6');
        }
      }
      expect(ran.length).toBeGreaterThan(15);
      expect(readFileSync(path.join(dir, 'depguard.sarif'), 'utf8')).toContain('"ruleId": "depguard/publisher-changed"');
      expect(readFileSync(path.join(dir, 'depguard-audit.md'), 'utf8')).toContain('9 packages audited');
      const sbom = JSON.parse(readFileSync(path.join(dir, 'sbom.cdx.json'), 'utf8'));
      expect(sbom).toMatchObject({ bomFormat: 'CycloneDX', specVersion: '1.6', metadata: { component: { name: 'wallet-app' } } });
      expect(sbom.components.find((c: { name: string }) => c.name === 'event-stream').properties).toContainEqual({
        name: 'depguard:publisher',
        value: 'right9ctrl',
      });
      const policy = JSON.parse(readFileSync(path.join(dir, 'depguard.config.json'), 'utf8'));
      expect(policy.ignore.map((i: { package: string; approvedBy: string }) => [i.package, i.approvedBy])).toContainEqual([
        'event-stream',
        expect.stringContaining('Reviewer'),
      ]);
      // the hook block, run top to bottom, leaves the hook installed with --fail-on critical
      expect(readFileSync(path.join(dir, '.git', 'hooks', 'pre-commit'), 'utf8')).toContain('--fail-on critical');

      const why = await run('sh', ['-c', 'npx --no-install depguard why flatmap-stream'], { cwd: dir, env });
      expect(why.stdout).toContain('wallet-app > event-stream@3.3.6 > flatmap-stream@0.1.1');
    },
    5 * 60_000,
  );

  it("runs lefthook's command from the README snippet", async () => {
    const dir = project();
    const [lefthook] = yamlUnder('### lefthook') as Array<{ 'pre-commit': { commands: { depguard: { run: string } } } }>;
    const command = lefthook!['pre-commit'].commands.depguard.run;
    const home = mkdtempSync(path.join(os.tmpdir(), 'depguard-home-'));
    const r = await run('sh', ['-c', command], {
      cwd: dir,
      env: { PATH: process.env.PATH, HOME: home, npm_config_userconfig: path.join(home, '.npmrc'), NO_COLOR: '1' },
    });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain('CRITICAL event-stream 3.3.4 -> 3.3.6');
  });
});

function yamlUnder(heading: string): unknown[] {
  return blocks.filter((b) => b.lang === 'yaml' && b.heading === heading).map((b) => parseYaml(b.body));
}

function filesUnder(dir: string, ext: string): Array<[string, string]> {
  return readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith(ext))
    .map((f) => [path.join(dir, f), readFileSync(path.join(ROOT, dir, f), 'utf8')]);
}
