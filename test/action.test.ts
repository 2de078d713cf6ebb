import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type Registry } from '../scripts/fixture-registry.mjs';
import { COMMENT_OPTIONS, DIFF_OPTIONS } from '../src/cli/options.js';
import { FORMATS } from '../src/report/index.js';
import { SEVERITIES } from '../src/severity.js';
import { fixture, ROOT } from './helpers/cli.js';
import { startFakeGithub, type FakeGithub } from './helpers/fake-github.js';
import { git, tempRepo } from './helpers/git.js';

// action.yml and the README examples are plain block YAML; no YAML parser is a dependency, so
// they are read by indentation, which is all these checks need.
const action = readFileSync(path.join(ROOT, 'action.yml'), 'utf8');
const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');

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

interface Step {
  readonly name: string;
  /** Its `if:`, its `env:` (values as written, expressions and all) and its script, dedented. */
  readonly if: string | undefined;
  readonly env: Map<string, string>;
  readonly script: string;
}

/** The steps of the composite action, in order. */
const STEPS: readonly Step[] = actionLines.flatMap((line, at) => {
  const name = /^ {4}- name: (.*)$/.exec(line)?.[1];
  if (name === undefined) return [];
  const end = actionLines.findIndex((l, i) => i > at && /^ {4}- /.test(l));
  const lines = actionLines.slice(at, end === -1 ? undefined : end);
  const keys = childrenOf(['  x:', ...lines.map((l) => l.replace(/^ {4}- /, '      '))], 0);
  const envAt = lines.findIndex((l) => /^\s+env:$/.test(l));
  const runAt = lines.findIndex((l) => /^\s+run: \|$/.test(l));
  const body: string[] = [];
  if (runAt !== -1)
    for (const l of lines.slice(runAt + 1)) {
      if (l.trim() !== '' && indentOf(l) <= indentOf(lines[runAt]!)) break;
      body.push(l);
    }
  const inner = Math.min(...body.filter((l) => l.trim()).map(indentOf));
  return [
    {
      name,
      if: keys.get('if'),
      env: envAt === -1 ? new Map() : childrenOf(lines, envAt),
      script: runAt === -1 ? keys.get('run')! : body.map((l) => l.slice(inner)).join('\n'),
    },
  ];
});
const stepNamed = (prefix: string): Step => STEPS.find((s) => s.name.startsWith(prefix))!;

/** The input values the runner would give the action: defaults, overridden by `given`. */
function inputsOf(given: Record<string, string> = {}): Map<string, string> {
  return new Map([...INPUTS].map(([name, spec]) => [name, given[name] ?? spec.get('default') ?? '']));
}

/** `${{ inputs.x }}`, `${{ steps.audit.outputs.y }}` and `${{ github.action_path }}`, as the runner expands them. */
function expand(text: string, inputs: Map<string, string>, outputs: Map<string, string>, actionPath: string): string {
  return text.replace(/\$\{\{\s*([\w.-]+)\s*\}\}/g, (_, expr: string) => {
    if (expr === 'github.action_path') return actionPath;
    if (expr.startsWith('inputs.')) return inputs.get(expr.slice('inputs.'.length)) ?? '';
    const output = /^steps\.audit\.outputs\.(\w+)$/.exec(expr);
    if (output) return outputs.get(output[1]!) ?? '';
    throw new Error(`action.yml: an expression this test does not know: ${expr}`);
  });
}

/** A step's `if:`, for the one form the action uses: `${{ inputs.x == 'v' }}`. */
function runs(step: Step, inputs: Map<string, string>): boolean {
  if (step.if === undefined) return true;
  const m = /^\$\{\{ inputs\.([\w-]+) == '(\w+)' \}\}$/.exec(step.if);
  if (!m) throw new Error(`action.yml: an if: this test does not know: ${step.if}`);
  return inputs.get(m[1]!) === m[2];
}

interface ActionRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the action's steps after the install, as the runner would: each step's script in bash -e
 * with its own `env:` (expressions expanded) over the runner's environment `runner`, step
 * outputs passed on through $GITHUB_OUTPUT, a failing step ending the run.
 */
async function runAction(
  actionPath: string,
  cwd: string,
  given: Record<string, string>,
  runner: NodeJS.ProcessEnv = {},
): Promise<ActionRun> {
  const inputs = inputsOf(given);
  const temp = mkdtempSync(path.join(os.tmpdir(), 'runner-temp-'));
  const outputs = new Map<string, string>();
  const run: ActionRun = { code: 0, stdout: '', stderr: '' };
  for (const step of STEPS.slice(1)) {
    if (!runs(step, inputs)) continue;
    const outputFile = path.join(temp, `output-${STEPS.indexOf(step)}`);
    writeFileSync(outputFile, '');
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: mkdtempSync(path.join(os.tmpdir(), 'home-')),
      NO_COLOR: '1',
      RUNNER_TEMP: temp,
      GITHUB_OUTPUT: outputFile,
      ...runner,
      ...Object.fromEntries([...step.env].map(([k, v]) => [k, expand(v, inputs, outputs, actionPath)])),
    };
    const r = await new Promise<ActionRun>((resolve) => {
      execFile('bash', ['-e', '-c', expand(step.script, inputs, outputs, actionPath)], { cwd, env }, (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
      });
    });
    for (const line of readFileSync(outputFile, 'utf8').split('\n')) {
      const m = /^(\w+)=(.*)$/.exec(line);
      if (m) outputs.set(m[1]!, m[2]!);
    }
    Object.assign(run, { code: r.code, stdout: run.stdout + r.stdout, stderr: run.stderr + r.stderr });
    if (r.code !== 0) break;
  }
  return run;
}

/** A stand-in for depguard that prints the arguments each call got, one JSON array per line. */
function argvRecorder(): string {
  const fake = mkdtempSync(path.join(os.tmpdir(), 'fake-action-'));
  mkdirSync(path.join(fake, 'bin'));
  writeFileSync(path.join(fake, 'bin', 'depguard.js'), 'console.log(JSON.stringify(process.argv.slice(2)));\n');
  return fake;
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
    expect([...INPUTS.keys()].sort()).toEqual([
      'allow-incomplete',
      'args',
      'base',
      'comment',
      'config',
      'fail-on',
      'format',
      'github-token',
      'lockfile',
      'output-file',
      'working-directory',
    ]);
    expect(INPUTS.get('fail-on')!.get('default')).toBe('high');
    expect(INPUTS.get('format')!.get('default')).toBe('github');
    expect(INPUTS.get('config')!.get('default')).toBe('');
    expect(INPUTS.get('working-directory')!.get('default')).toBe('.');
    expect(INPUTS.get('allow-incomplete')!.get('default')).toBe('false');
    expect(INPUTS.get('comment')!.get('default')).toBe('false');
    expect(INPUTS.get('github-token')!.get('default')).toBe('${{ github.token }}');
    for (const [name, spec] of INPUTS) {
      expect(spec.get('required'), name).toBe('false');
      expect(spec.get('description'), name).toBeTruthy();
      expect(action, name).toContain(`\${{ inputs.${name} }}`);
    }
  });

  it('describes what depguard does today: every lockfile format, --config as it is', () => {
    const lockfile = INPUTS.get('lockfile')!.get('description')!;
    for (const name of ['package-lock.json', 'npm-shrinkwrap.json', 'pnpm-lock.yaml', 'yarn.lock', 'bun.lock'])
      expect(lockfile).toContain(name);
    expect(action).not.toMatch(/being added|not yet|npm-only/i);
  });

  it('installs depguard in the action checkout, runs it in the working directory, and comments in a step of its own', () => {
    expect(STEPS.map((s) => s.name)).toEqual(['Install depguard', 'Audit the lockfile changes', 'Comment on the pull request']);
    expect(action).toMatch(/working-directory: \$\{\{ github\.action_path \}\}\n\s+run: npm ci\b/);
    expect(action).toMatch(/working-directory: \$\{\{ inputs\.working-directory \}\}/);
    const audit = stepNamed('Audit');
    const comment = stepNamed('Comment');
    expect(audit.script).toContain('node "${{ github.action_path }}/bin/depguard.js" "${args[@]}"');
    expect(audit.script).toMatch(/^args=\(diff /m);
    expect(comment.script).toMatch(/node "\$\{\{ github\.action_path \}\}\/bin\/depguard\.js" comment /);
    expect(comment.if).toBe("${{ inputs.comment == 'true' }}");
    for (const step of [audit, comment]) {
      // inputs reach the scripts as environment variables, never pasted into their text
      expect(step.script).not.toMatch(/\$\{\{\s*inputs\./);
      const table = step === audit ? DIFF_OPTIONS : COMMENT_OPTIONS;
      for (const flag of step.script.match(/ --[a-z-]+/g) ?? [])
        expect(
          table.some((o) => o.flags.split(' ')[0] === flag.trim()),
          `${step.name}: ${flag}`,
        ).toBe(true);
    }
    // the token is in the comment step's environment only, never in the audit's, which reads the change
    expect([...comment.env.values()]).toContain('${{ inputs.github-token }}');
    expect(audit.env.has('GITHUB_TOKEN')).toBe(false);
    expect([...audit.env.values()].join(' ')).not.toMatch(/token/i);
  });

  it('passes each optional input as a flag only when it is set', async () => {
    const fake = argvRecorder();
    const argv = async (given: Record<string, string>): Promise<string[][]> =>
      (await runAction(fake, fake, given)).stdout
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l));
    expect(await argv({})).toEqual([['diff', '--fail-on', 'high', '--format', 'github']]);
    expect(
      await argv({
        'fail-on': 'critical',
        format: 'sarif',
        'output-file': 'out dir/d.sarif',
        lockfile: 'app/package-lock.json',
        config: '.depguard.json',
        base: 'origin/release',
        'allow-incomplete': 'true',
        args: ' --registry https://npm.example.com/\n  --no-code *  ',
      }),
    ).toEqual([
      [
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
        '--base',
        'origin/release',
        '--allow-incomplete',
        '--registry',
        'https://npm.example.com/',
        '--no-code',
        '*',
      ],
    ]);
    expect((await argv({ config: '$(touch pwned)', args: '$(touch pwned) `touch pwned`' }))[0]).toEqual([
      ...['diff', '--fail-on', 'high', '--format', 'github', '--config', '$(touch pwned)'],
      ...['$(touch', 'pwned)', '`touch', 'pwned`'],
    ]);
    expect(existsSync(path.join(fake, 'pwned'))).toBe(false);
  });

  it('refuses an on/off input that is neither true nor false, before running anything', async () => {
    const fake = argvRecorder();
    const r = await runAction(fake, fake, { 'allow-incomplete': 'yes' });
    expect(r).toEqual({ code: 2, stdout: '', stderr: "depguard: the action's allow-incomplete input must be true or false, not 'yes'\n" });
    expect((await runAction(fake, fake, { comment: 'True' })).code).toBe(2);
  });

  it("with comment: true, posts the JSON report in a second step and ends with the audit's exit code", async () => {
    const fake = argvRecorder();
    // a diff that fails with findings (exit 1) after writing its JSON report, or with an error (exit 2) before
    const fakeDiff = (code: number): void =>
      writeFileSync(
        path.join(fake, 'bin', 'depguard.js'),
        [
          "import { writeFileSync } from 'node:fs';",
          'const args = process.argv.slice(2);',
          // the token as the process sees it, then the arguments
          'console.log(JSON.stringify([process.env.GITHUB_TOKEN ?? null, ...args]));',
          "const at = args.indexOf('--json-file');",
          `if (args[0] === 'diff' && ${code} === 1) writeFileSync(args[at + 1], '{}');`,
          `if (args[0] === 'diff') process.exitCode = ${code};`,
        ].join('\n'),
      );
    fakeDiff(1);
    writeFileSync(path.join(fake, 'package.json'), '{"type":"module"}');
    const r = await runAction(fake, fake, {
      comment: 'true',
      'working-directory': 'packages/app',
      lockfile: 'pnpm-lock.yaml',
      'github-token': 't0k',
    });
    const calls = r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as string[]);
    expect(calls).toHaveLength(2);
    const report = calls[0]![calls[0]!.indexOf('--json-file') + 1]!;
    expect(calls[0]).toEqual([
      null,
      'diff',
      '--fail-on',
      'high',
      '--format',
      'github',
      '--lockfile',
      'pnpm-lock.yaml',
      '--json-file',
      report,
    ]);
    expect(calls[1]).toEqual(['t0k', 'comment', '--report', report, '--fail-on', 'high', '--key', 'packages/app/pnpm-lock.yaml']);
    expect(r.code).toBe(1);

    // the audit stopped on an error: no report, nothing posted, its exit code
    fakeDiff(2);
    const failed = await runAction(fake, fake, { comment: 'true' });
    expect(
      failed.stdout
        .trimEnd()
        .split('\n')
        .map((l) => (JSON.parse(l) as string[])[1]),
    ).toEqual(['diff']);
    expect(failed.code).toBe(2);
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
    expect(examples).toHaveLength(3);
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
    const [basic, comment, sarif] = examples;
    expect(basic!.with.get('format')).toBe('github');
    expect(comment!.with.get('comment')).toBe('true');
    expect(comment!.workflow).toMatch(/^permissions:\n(\s+.*\n)*?\s+pull-requests: write\b/m);
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

describe('the action, run as the runner would', () => {
  let registry: Registry;
  let github: FakeGithub;
  beforeAll(async () => {
    registry = await startRegistry(fixture('event-stream', 'registry'));
    github = await startFakeGithub();
  });
  afterAll(async () => {
    await registry.close();
    await github.close();
  });

  /** A repository on `feature` whose last commit bumps event-stream; `before` is the commit before it. */
  function featureRepo(): { repo: string; before: string } {
    const repo = tempRepo();
    copyFileSync(fixture('event-stream', 'base', 'package-lock.json'), path.join(repo, 'package-lock.json'));
    git(repo, 'add', '.');
    git(repo, 'commit', '-qm', 'base');
    const before = git(repo, 'rev-parse', 'HEAD').trim();
    git(repo, 'checkout', '-qb', 'feature');
    copyFileSync(fixture('event-stream', 'head', 'package-lock.json'), path.join(repo, 'package-lock.json'));
    git(repo, 'commit', '-qam', 'bump event-stream');
    writeFileSync(path.join(repo, '.npmrc'), `registry=${registry.url}\n`);
    return { repo, before };
  }

  function eventFile(payload: object): string {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'event-')), 'event.json');
    writeFileSync(file, JSON.stringify(payload));
    return file;
  }

  it('on a pull request, annotates the lockfile and writes the step summary; SARIF says which checks were not made', async () => {
    const { repo } = featureRepo();
    const summary = path.join(mkdtempSync(path.join(os.tmpdir(), 'summary-')), 'summary.md');
    const r = await runAction(ROOT, repo, {}, { GITHUB_BASE_REF: 'main', GITHUB_STEP_SUMMARY: summary });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /^::error file=package-lock\.json,line=20,title=depguard publisher-changed%3A event-stream 3\.3\.4 -> 3\.3\.6::/m,
    );
    expect(readFileSync(summary, 'utf8')).toMatch(/^## ❌ depguard: FAIL/);

    const sarif = await runAction(
      ROOT,
      repo,
      { format: 'sarif', 'output-file': 'depguard.sarif', 'fail-on': 'critical', args: '--no-code' },
      { GITHUB_BASE_REF: 'main' },
    );
    expect(sarif.code).toBe(1);
    expect(sarif.stdout).toBe('');
    const run = JSON.parse(readFileSync(path.join(repo, 'depguard.sarif'), 'utf8')).runs[0];
    expect(run.results.length).toBeGreaterThan(0);
    expect(run.invocations[0].toolExecutionNotifications).toContainEqual({
      level: 'note',
      message: { text: 'code not checked: turned off (--no-code)' },
    });
  });

  it('on a push, compares with the commit before the push, not HEAD with itself', async () => {
    const { repo, before } = featureRepo();
    const event = eventFile({ before, ref: 'refs/heads/feature', repository: { default_branch: 'main' } });
    const r = await runAction(ROOT, repo, { args: '--no-code' }, { GITHUB_EVENT_NAME: 'push', GITHUB_EVENT_PATH: event });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^::error file=package-lock\.json,line=20,title=depguard publisher-changed%3A event-stream/m);
  });

  it('with comment: true, keeps one pull-request comment, resolved once the change is fixed, and fails on the findings all the same', async () => {
    const { repo, before } = featureRepo();
    const runner = (sha: string): NodeJS.ProcessEnv => ({
      GITHUB_BASE_REF: 'main',
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: eventFile({
        pull_request: { number: 12, head: { sha, repo: { full_name: 'owner/repo' } }, base: { repo: { full_name: 'owner/repo' } } },
      }),
      GITHUB_API_URL: github.url,
      GITHUB_REPOSITORY: 'owner/repo',
    });
    const inputs = { comment: 'true', 'github-token': github.token, args: '--no-code' };
    const failing = await runAction(ROOT, repo, inputs, runner(git(repo, 'rev-parse', 'HEAD').trim()));
    expect(failing.stderr).toBe('');
    expect(failing.code).toBe(1);
    expect(failing.stdout).toContain('depguard: posted the report on pull request #12 (comment 1000)\n');
    expect(github.comments).toHaveLength(1);
    expect(github.comments[0]!.body).toMatch(/^<!-- depguard pull-request comment -->\n## ❌ depguard: FAIL/);
    expect(github.comments[0]!.body).toContain('| event\\-stream |');

    git(repo, 'checkout', before, '--', 'package-lock.json');
    git(repo, 'commit', '-qm', 'revert the bump');
    const fixed = await runAction(ROOT, repo, inputs, runner(git(repo, 'rev-parse', 'HEAD').trim()));
    expect(fixed.stderr).toBe('');
    expect(fixed.code).toBe(0);
    expect(fixed.stdout).toContain('depguard: marked the comment on pull request #12 resolved (comment 1000)\n');
    expect(github.comments).toHaveLength(1);
    expect(github.comments[0]!.body).toMatch(/^<!-- depguard pull-request comment -->\n## ✅ depguard: resolved\n/);
    expect(github.requests.every((r) => r.authorization === `Bearer ${github.token}`)).toBe(true);
  });
});
