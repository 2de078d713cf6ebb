import { describe, expect, it } from 'vitest';
import type { CodeSource } from '../../src/code/analyzer.js';
import type { PackageAnalysis } from '../../src/code/package.js';
import { EMPTY_POLICY, type Policy } from '../../src/config/policy.js';
import { evaluate } from '../../src/engine.js';
import { IntegrityMismatchError, RegistryError } from '../../src/errors.js';
import type { Change } from '../../src/model.js';
import { RULES } from '../../src/rules/index.js';
import { buildPackument } from '../../scripts/fixture-registry.mjs';
import { extractFacts } from '../../src/registry/facts.js';
import { added, NOW, person, SETTINGS, upgrade } from '../helpers/rules.js';
import { projectSnapshot } from '../helpers/snapshots.js';

/** The engine's code stage with a CodeSource of the test's own: which tarballs it asks for, and what it makes of the answers. */
const analysis = (capabilities: PackageAnalysis['capabilities']): PackageAnalysis => ({
  files: [{ path: 'index.js', hash: JSON.stringify(capabilities), size: 10 }],
  capabilities,
  installScripts: {},
  installFiles: [],
  implicitGyp: false,
  problems: [],
  complete: true,
});
const EXFIL = analysis([
  { kind: 'token-read', detail: 'NPM_TOKEN', file: 'index.js', line: 3, excerpt: 'process.env.NPM_TOKEN' },
  { kind: 'network', detail: 'https', file: 'index.js', line: 4, excerpt: "require('https')" },
]);

function source(answers: Record<string, PackageAnalysis | Error>): CodeSource & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    async analysis(name, version) {
      asked.push(`${name}@${version}`);
      const a = answers[`${name}@${version}`];
      if (!a) throw new RegistryError(name, 'not found on the registry (404)');
      if (a instanceof Error) throw a;
      return a;
    },
  };
}

/** Facts for every name: two old releases by one account. */
const facts = {
  packageFacts: async (name: string) =>
    extractFacts(
      buildPackument({
        name,
        versions: ['1.0.0', '1.0.1'].map((version) => ({
          version,
          time: '2020-01-01T00:00:00Z',
          publisher: person('a'),
          maintainers: [person('a')],
        })),
      }),
      name,
    ),
};

function run(changes: Change[], code: CodeSource | undefined, policy: Partial<Policy> = {}) {
  return evaluate(
    changes,
    { base: projectSnapshot(), head: projectSnapshot() },
    {
      rules: RULES,
      projectRules: [],
      client: facts,
      now: NOW,
      concurrency: 4,
      settings: SETTINGS,
      policy: { ...EMPTY_POLICY, ...policy },
      lockfilePath: 'package-lock.json',
      ...(code ? { code } : {}),
    },
  );
}

describe('the code stage in the engine', () => {
  it('fetches both versions of an update and judges the new capabilities', async () => {
    const code = source({ 'p@1.0.0': analysis([]), 'p@1.0.1': EXFIL });
    const out = await run([upgrade('p', '1.0.0', '1.0.1')], code);
    expect(code.asked.sort()).toEqual(['p@1.0.0', 'p@1.0.1']);
    const found = out.findings.filter((f) => f.ruleId === 'code-capabilities');
    expect(found.map((f) => f.severity)).toEqual(['high']);
    expect(found[0]).toMatchObject({ inPackage: { file: 'index.js', line: 3 } });
  });

  it('a package new to the tree: only its own tarball', async () => {
    const code = source({ 'p@1.0.0': EXFIL });
    await run([added('p', '1.0.0')], code);
    expect(code.asked).toEqual(['p@1.0.0']);
  });

  it('never fetches a package from git, a file or a tarball URL', async () => {
    const change = upgrade('p', '1.0.0', '1.0.1');
    const git = { ...change, after: { ...change.after!, resolved: 'git+ssh://git@github.com/a/p.git#abc' } };
    const code = source({});
    const out = await run([git], code);
    expect(code.asked).toEqual([]);
    expect(out.skipped.filter((s) => s.ruleId === 'code-capabilities').map((s) => s.reason)).toEqual([
      'not installed from a registry (git): no registry tarball to read',
    ]);
  });

  it('an old version whose tarball is gone leaves nothing to compare with: not made, not judged as new', async () => {
    const code = source({ 'p@1.0.1': EXFIL });
    const out = await run([upgrade('p', '1.0.0', '1.0.1')], code);
    expect(out.findings.filter((f) => f.ruleId === 'code-capabilities')).toEqual([]);
    expect(out.skipped.map((s) => s.reason)).toContain(
      'the tarball of 1.0.0 could not be read (not found on the registry (404)): nothing to compare with',
    );
  });

  it('a tarball that does not match the integrity is source-changed (high), never analysed', async () => {
    const code = source({ 'p@1.0.0': analysis([]), 'p@1.0.1': new IntegrityMismatchError('p', '1.0.1', 'sha512-a', 'sha512-b') });
    const out = await run([upgrade('p', '1.0.0', '1.0.1')], code);
    expect(out.findings.map((f) => `${f.ruleId} ${f.severity}`)).toContain('source-changed high');
    expect(out.findings.find((f) => f.ruleId === 'source-changed')!.message).toMatch(/does not match the lockfile's integrity/);
  });

  it('asks for nothing when the rule is off or the stage is not given', async () => {
    const code = source({ 'p@1.0.0': analysis([]), 'p@1.0.1': EXFIL });
    await run([upgrade('p', '1.0.0', '1.0.1')], code, { rules: { 'code-capabilities': 'off' } });
    await run([upgrade('p', '1.0.0', '1.0.1')], undefined);
    expect(code.asked).toEqual([]);
  });
});
