import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type Registry } from '../scripts/fixture-registry.mjs';
import { DIFF_OPTIONS } from '../src/cli/options.js';
import { FORMATS } from '../src/report/index.js';
import { SEVERITIES } from '../src/severity.js';
import { fixture, ROOT } from './helpers/cli.js';
import { git, tempRepo } from './helpers/git.js';

// action.yml and the README examples are plain block YAML; no YAML parser is a dependency, so
// they are read by indentation, which is all these checks need.
const action = readFileSync(path.join(ROOT, 'action.yml'), 'utf8');
const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');

/** The flags the action may pass that the CLI does not have yet (being added separately). */
const PENDING_FLAGS = new Set(['--config']);

const indentOf = (line: string): number => line.length - line.trimStart().length;
const unquote = (value: string): string => value.replace(/\s+#.*$/, '').replace(/^'(.*)'$|^"(.*)"$/, '$1$2');

/** The `key: value` pairs directly under the line at `start`, one level deeper. */
function childrenOf(lines: readonly string[], start: number): Map<string, string> {
  const out = new Map<string, string>();
  const depth = indentOf(lines[start]!);
  let childDepth = -1;
  for (const line of lines.slice(start + 1)) {
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    if (indentOf(line) <= depth) break;
    if (childDepth === -1) childDepth = indentOf(line);
    const m = /^\s*([\w-]+):\s*(.*)$/.exec(line);
    if (indentOf(line) === childDepth && m) out.set(m[1]!, unquote(m[2]!));
  }
  return out;
}

const actionLines = action.split('\n');
const INPUTS = new Map(
  [...childrenOf(actionLines, actionLines.indexOf('inputs:')).keys()].map((name) => {
    const at = actionLines.indexOf(`  ${name}:`);
    return [name, childrenOf(actionLines, at)] as const;
  }),
);

/** The script of the step that runs depguard, dedented. */
function auditScript(): string {
  const step = actionLines.findIndex((l) => /^\s+- name: Audit/.test(l));
  const at = actionLines.findIndex((l, i) => i > step && /^\s+run: \|$/.test(l));
  const depth = indentOf(actionLines[at]!);
  const body: string[] = [];
  for (const line of actionLines.slice(at + 1)) {
    if (line.trim() !== '' && indentOf(line) <= depth) break;
    body.push(line);
  }
  const inner = Math.min(...body.filter((l) => l.trim()).map(indentOf));
  return body.map((l) => l.slice(inner)).join('\n');
}

/** The input values the runner would give the step: defaults, overridden by `given`. */
function inputEnv(given: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, spec] of INPUTS) env[`INPUT_${name.toUpperCase().replace(/-/g, '_')}`] = given[name] ?? spec.get('default') ?? '';
  return env;
}

function runScript(actionPath: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  const script = auditScript().replaceAll('${{ github.action_path }}', actionPath);
  return new Promise((resolve) => {
    execFile(
      'bash',
      ['-e', '-c', script],
      { cwd, env: { PATH: process.env.PATH, HOME: mkdtempSync(path.join(os.tmpdir(), 'home-')), NO_COLOR: '1', ...env } },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
  });
}

/** The README's example workflows, and the `with:` of each step that uses the action. */
function readmeExamples(): Array<{ workflow: string; with: Map<string, string> }> {
  const section = readme.slice(readme.indexOf('## In CI: GitHub Actions'), readme.indexOf('## Development'));
  return [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map(([, workflow]) => {
    const lines = workflow!.split('\n');
    const uses = lines.findIndex((l) => /^\s+- uses: depguard\/depguard@v0\s*$/.test(l));
    const withAt = lines.findIndex((l, i) => i > uses && /^\s+with:\s*$/.test(l));
    expect(uses, workflow).toBeGreaterThan(-1);
    expect(indentOf(lines[withAt]!)).toBe(indentOf(lines[uses]!) + 2);
    return { workflow: workflow!, with: childrenOf(lines, withAt) };
  });
}

describe('action.yml', () => {
  it('is a composite action with the documented inputs and defaults', () => {
    expect(action).toMatch(/^runs:\n {2}using: composite$/m);
    expect([...INPUTS.keys()].sort()).toEqual(['config', 'fail-on', 'format', 'lockfile', 'output-file', 'working-directory']);
    expect(INPUTS.get('fail-on')!.get('default')).toBe('high');
    expect(INPUTS.get('format')!.get('default')).toBe('github');
    expect(INPUTS.get('config')!.get('default')).toBe('');
    expect(INPUTS.get('working-directory')!.get('default')).toBe('.');
    for (const [name, spec] of INPUTS) {
      expect(spec.get('required'), name).toBe('false');
      expect(spec.get('description'), name).toBeTruthy();
      expect(action, name).toContain(`\${{ inputs.${name} }}`);
    }
  });

  it('installs depguard in the action checkout and runs it in the working directory', () => {
    expect(action).toMatch(/working-directory: \$\{\{ github\.action_path \}\}\n\s+run: npm ci\b/);
    expect(action).toMatch(/working-directory: \$\{\{ inputs\.working-directory \}\}/);
    const script = auditScript();
    expect(script).toContain('node "${{ github.action_path }}/bin/depguard.js" "${args[@]}"');
    expect(script).toMatch(/^args=\(diff /m);
    expect(script).not.toMatch(/\$\{\{\s*inputs\./);
    for (const flag of script.match(/--[a-z-]+/g) ?? []) {
      expect(DIFF_OPTIONS.some((o) => o.flags.split(' ')[0] === flag) || PENDING_FLAGS.has(flag), flag).toBe(true);
    }
  });

  it('passes each optional input as a flag only when it is set', async () => {
    const fake = mkdtempSync(path.join(os.tmpdir(), 'fake-action-'));
    mkdirSync(path.join(fake, 'bin'));
    writeFileSync(path.join(fake, 'bin', 'depguard.js'), 'console.log(JSON.stringify(process.argv.slice(2)));\n');
    const argv = async (given: Record<string, string>): Promise<string[]> =>
      JSON.parse((await runScript(fake, fake, inputEnv(given))).stdout);
    expect(await argv({})).toEqual(['diff', '--fail-on', 'high', '--format', 'github']);
    expect(
      await argv({
        'fail-on': 'critical',
        format: 'sarif',
        'output-file': 'out dir/d.sarif',
        lockfile: 'app/package-lock.json',
        config: '.depguard.json',
      }),
    ).toEqual([
      'diff',
      '--fail-on',
      'critical',
      '--format',
      'sarif',
      '--output-file',
      'out dir/d.sarif',
      '--lockfile',
      'app/package-lock.json',
      '--config',
      '.depguard.json',
    ]);
    expect(await argv({ config: '$(touch pwned)' })).toContain('$(touch pwned)');
  });
});

describe('README: In CI: GitHub Actions', () => {
  it('comes just before Development', () => {
    const headings = readme.split('\n').filter((l) => l.startsWith('## '));
    expect(headings.indexOf('## Development') - headings.indexOf('## In CI: GitHub Actions')).toBe(1);
    expect(headings).toContain('## In CI: GitHub Actions');
  });

  it('has example workflows that use only the inputs the action has, with valid values', () => {
    const examples = readmeExamples();
    expect(examples).toHaveLength(2);
    for (const { workflow, with: inputs } of examples) {
      expect(workflow).toMatch(/^on: pull_request$/m);
      expect(workflow).toMatch(/- uses: actions\/checkout@v4\n\s+with:\n\s+fetch-depth: 0\b/);
      expect(workflow).toMatch(/- uses: actions\/setup-node@v4\n\s+with:\n\s+node-version: 20\b/);
      expect(inputs.size).toBeGreaterThan(0);
      for (const [name, value] of inputs) {
        expect(INPUTS.has(name), `README uses input ${name}`).toBe(true);
        if (name === 'format') expect(FORMATS).toContain(value);
        if (name === 'fail-on') expect(SEVERITIES).toContain(value);
      }
    }
    const [basic, sarif] = examples;
    expect(basic!.with.get('format')).toBe('github');
    expect(sarif!.with.get('format')).toBe('sarif');
    expect(sarif!.workflow).toMatch(/security-events: write/);
    expect(sarif!.workflow).toContain('github/codeql-action/upload-sarif@');
    expect(sarif!.workflow).toMatch(new RegExp(`sarif_file: ${sarif!.with.get('output-file')!.replace('.', '\\.')}\\n`));
  });

  it('documents every input in a table', () => {
    for (const [name, spec] of INPUTS) {
      const row = readme.split('\n').find((l) => l.startsWith(`| \`${name}\` |`));
      expect(row, name).toBeDefined();
      const documented = spec.get('default') ? `\`${spec.get('default')}\`` : '';
      if (documented) expect(row, name).toContain(documented);
    }
  });
});

describe('the action, run as the runner would on a pull request', () => {
  let registry: Registry;
  beforeAll(async () => {
    registry = await startRegistry(fixture('event-stream', 'registry'));
  });
  afterAll(() => registry.close());

  it('annotates the pull request and writes the step summary', async () => {
    const repo = tempRepo();
    copyFileSync(fixture('event-stream', 'base', 'package-lock.json'), path.join(repo, 'package-lock.json'));
    git(repo, 'add', '.');
    git(repo, 'commit', '-qm', 'base');
    git(repo, 'checkout', '-qb', 'feature');
    copyFileSync(fixture('event-stream', 'head', 'package-lock.json'), path.join(repo, 'package-lock.json'));
    git(repo, 'commit', '-qam', 'bump event-stream');
    writeFileSync(path.join(repo, '.npmrc'), `registry=${registry.url}\n`);
    const summary = path.join(mkdtempSync(path.join(os.tmpdir(), 'summary-')), 'summary.md');
    const r = await runScript(ROOT, repo, { ...inputEnv(), GITHUB_BASE_REF: 'main', GITHUB_STEP_SUMMARY: summary });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /^::error file=package-lock\.json,line=20,title=depguard publisher-changed%3A event-stream 3\.3\.4 -> 3\.3\.6::/m,
    );
    expect(readFileSync(summary, 'utf8')).toMatch(/^## ❌ depguard: FAIL/);

    const sarif = await runScript(ROOT, repo, {
      ...inputEnv({ format: 'sarif', 'output-file': 'depguard.sarif', 'fail-on': 'critical' }),
      GITHUB_BASE_REF: 'main',
    });
    expect(sarif.code).toBe(1);
    expect(sarif.stdout).toBe('');
    expect(JSON.parse(readFileSync(path.join(repo, 'depguard.sarif'), 'utf8')).runs[0].results.length).toBeGreaterThan(0);
  });
});
