import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, runCli } from '../helpers/cli.js';
import { git, tempRepo } from '../helpers/git.js';
import { eventStreamRegistry, type Recorder } from '../helpers/servers.js';

/**
 * The base decides the policy. A change that edits depguard.config.json, .depguardrc.json or
 * package.json's "depguard" (switching a rule off, trusting or approving its own package) is
 * judged by the base revision's policy, and the edit is a high policy-changed finding in every
 * output format; it takes effect once merged. --config is the user's choice and used as is.
 */
const ES = (...p: string[]) => fixture('event-stream', ...p);
const RELAX = {
  rules: { 'publisher-changed': 'off', 'new-dependency': 'off' },
  trusted: ['event-stream', 'flatmap-stream'],
  ignore: [{ package: 'event-stream', version: '3.3.6', reason: 'approved by the author of this change' }],
  failOn: 'critical',
};

let registry: Recorder;
beforeAll(async () => {
  registry = await eventStreamRegistry();
});
afterAll(() => registry.close());

interface Out {
  findings: Array<{ ruleId: string; severity: string; package: { name: string }; evidence: Record<string, unknown> }>;
  suppressed: unknown[];
  policy: { source: string | null; changedByThisChange: boolean };
}

/** An npm project whose base commit has `base` (file name -> text) besides the lockfile; the change brings event-stream 3.3.6. */
function project(base: Record<string, string>): string {
  const dir = tempRepo();
  copyFileSync(ES('base', 'package-lock.json'), path.join(dir, 'package-lock.json'));
  copyFileSync(ES('base', 'package.json'), path.join(dir, 'package.json'));
  writeFileSync(path.join(dir, '.npmrc'), `registry=${registry.url}\n`);
  for (const [name, text] of Object.entries(base)) writeFileSync(path.join(dir, name), text);
  git(dir, 'add', '.');
  git(dir, 'commit', '-qm', 'base');
  copyFileSync(ES('head', 'package-lock.json'), path.join(dir, 'package-lock.json'));
  return dir;
}

async function diff(dir: string, args: string[] = []): Promise<{ code: number | null; out: Out }> {
  const r = await runCli(['diff', ...args, '--format', 'json'], { cwd: dir });
  expect(r.stderr).toBe('');
  return { code: r.code, out: JSON.parse(r.stdout) as Out };
}

const rules = (out: Out) => out.findings.map((f) => `${f.ruleId} ${f.severity} ${f.package.name}`);

describe('a change that edits the policy it is judged by', () => {
  it('depguard.config.json relaxed (committed, HEAD~1 against HEAD): the base policy applies, the edit is high in every format', async () => {
    const dir = project({ 'depguard.config.json': '{ "failOn": "high" }\n' });
    writeFileSync(path.join(dir, 'depguard.config.json'), JSON.stringify(RELAX));
    git(dir, 'commit', '-qam', 'pr: bump event-stream, relax the policy');
    const { code, out } = await diff(dir, ['--base', 'HEAD~1', '--head', 'HEAD']);
    expect(code).toBe(1);
    expect(out.policy).toEqual(expect.objectContaining({ source: 'HEAD~1:depguard.config.json', changedByThisChange: true }));
    expect(out.suppressed).toEqual([]);
    expect(rules(out)).toEqual(
      expect.arrayContaining(['publisher-changed critical event-stream', 'policy-changed high depguard.config.json']),
    );
    for (const format of ['text', 'markdown', 'github', 'sarif']) {
      const r = await runCli(['diff', '--base', 'HEAD~1', '--head', 'HEAD', '--format', format], { cwd: dir });
      expect(r.code, format).toBe(1);
      expect(r.stdout, format).toContain('policy-changed');
      expect(r.stdout, format).toMatch(/judged by the base revision's policy/);
    }
  });

  it('.depguardrc.json added by the change (working tree): the base had no policy, so none applies', async () => {
    const dir = project({});
    writeFileSync(path.join(dir, '.depguardrc.json'), JSON.stringify(RELAX));
    const { code, out } = await diff(dir);
    expect(code).toBe(1);
    expect(out.policy).toEqual(expect.objectContaining({ source: null, changedByThisChange: true }));
    expect(out.findings.find((f) => f.ruleId === 'policy-changed')).toMatchObject({
      severity: 'high',
      package: { name: '.depguardrc.json' },
      evidence: { change: 'added' },
    });
    expect(rules(out)).toContain('publisher-changed critical event-stream');
  });

  it('package.json "depguard" added in the index (--staged): ignored and reported; other package.json edits are not policy edits', async () => {
    const dir = project({});
    const pkg = JSON.parse(readFileSync(ES('head', 'package.json'), 'utf8'));
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ ...pkg, depguard: RELAX }, null, 2));
    git(dir, 'add', '.');
    const staged = await diff(dir, ['--staged']);
    expect(staged.code).toBe(1);
    expect(staged.out.findings.find((f) => f.ruleId === 'policy-changed')).toMatchObject({
      package: { name: 'package.json "depguard"' },
      evidence: { change: 'added' },
    });
    expect(rules(staged.out)).toContain('publisher-changed critical event-stream');
    // the same key in the base: a change elsewhere in package.json (the dependency bump) edits no policy
    git(dir, 'commit', '-qm', 'policy in package.json');
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ ...pkg, description: 'changed', depguard: RELAX }));
    const unrelated = await diff(dir);
    expect(unrelated.out.policy).toEqual(expect.objectContaining({ source: 'HEAD:package.json "depguard"', changedByThisChange: false }));
    expect(rules(unrelated.out).some((r) => r.startsWith('policy-changed'))).toBe(false);
  });

  it('a policy that loses its rules in the change: the base rules still apply, the removal is reported', async () => {
    const dir = project({ 'depguard.config.json': JSON.stringify({ rules: { 'new-package': 'critical' } }) });
    writeFileSync(path.join(dir, 'depguard.config.json'), JSON.stringify({ rules: {} }, null, 4));
    const { out } = await diff(dir);
    expect(rules(out)).toContain('new-package critical flatmap-stream');
    expect(out.findings.find((f) => f.ruleId === 'policy-changed')).toMatchObject({ evidence: { change: 'modified' } });
    // layout and key order alone are no edit
    writeFileSync(path.join(dir, 'depguard.config.json'), `{\n  "rules": { "new-package": "critical" }\n}\n`);
    expect(rules((await diff(dir)).out).some((r) => r.startsWith('policy-changed'))).toBe(false);
  });
});

describe('the user chose the policy', () => {
  it('--config is used as it is, and no edit is reported', async () => {
    const dir = project({ 'depguard.config.json': '{}\n' });
    writeFileSync(path.join(dir, 'depguard.config.json'), JSON.stringify({ rules: { 'publisher-changed': 'off' } }));
    const { out } = await diff(dir, ['--config', 'depguard.config.json']);
    expect(rules(out).some((r) => r.startsWith('publisher-changed') || r.startsWith('policy-changed'))).toBe(false);
    expect(out.policy.changedByThisChange).toBe(false);
  });

  it('two lockfile files: the policy beside them applies (no base revision to compare with)', async () => {
    const dir = project({});
    writeFileSync(path.join(dir, 'depguard.config.json'), JSON.stringify({ rules: { 'publisher-changed': 'off' } }));
    const { out } = await diff(dir, ['--base', ES('base', 'package-lock.json'), '--head', 'package-lock.json', '--registry', registry.url]);
    expect(out.policy).toEqual(expect.objectContaining({ source: 'depguard.config.json', changedByThisChange: false }));
    expect(rules(out).some((r) => r.startsWith('publisher-changed') || r.startsWith('policy-changed'))).toBe(false);
  });
});
