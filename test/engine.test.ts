import { describe, expect, it } from 'vitest';
import { buildPackument, type PackageSpec } from '../scripts/fixture-registry.mjs';
import { EMPTY_POLICY, type Policy } from '../src/config/policy.js';
import { evaluate, type Evaluation } from '../src/engine.js';
import { RegistryError } from '../src/errors.js';
import type { Change, PackageFacts } from '../src/model.js';
import type { MetadataClient } from '../src/registry/client.js';
import { extractFacts } from '../src/registry/facts.js';
import { PROJECT_RULES, RULES } from '../src/rules/index.js';
import { defineRule, type MetadataUse, type Rule } from '../src/rules/rule.js';
import { added, NOW, person, releases, SETTINGS, stripped, upgrade } from './helpers/rules.js';
import { projectSnapshot } from './helpers/snapshots.js';

/** A registry in memory that records what it was asked; names without a document fail as a registry would. */
function registry(...specs: PackageSpec[]): MetadataClient & { asked: string[] } {
  const docs = new Map(specs.map((s) => [s.name, s]));
  const asked: string[] = [];
  return {
    asked,
    async packageFacts(name: string): Promise<PackageFacts> {
      asked.push(name);
      const spec = docs.get(name);
      if (!spec) throw new RegistryError(name, 'not found on the registry (404)');
      return extractFacts(buildPackument(spec), name);
    },
  };
}

/** A rule that reports, for every change, whether it was given registry facts. */
function probe(metadata: MetadataUse): Rule {
  return defineRule({
    id: `probe-${metadata}`,
    title: 'probe',
    defaultSeverity: 'info',
    metadata,
    appliesTo: (change) => change.after !== null,
    check: ({ facts }) => ({
      findings: [{ traits: [], evidence: { sawFacts: facts !== undefined }, message: facts ? 'with facts' : 'without facts' }],
    }),
  });
}

const TREES = { base: projectSnapshot(), head: projectSnapshot() };

function run(
  changes: Change[],
  client: MetadataClient,
  options: { rules?: readonly Rule[]; policy?: Partial<Policy>; withProjectRules?: boolean } = {},
): Promise<Evaluation> {
  return evaluate(changes, TREES, {
    rules: options.rules ?? RULES,
    projectRules: options.withProjectRules ? PROJECT_RULES : [],
    client,
    now: NOW,
    concurrency: 2,
    settings: SETTINGS,
    policy: { ...EMPTY_POLICY, ...options.policy },
    lockfilePath: 'package-lock.json',
  });
}

const fromGit = (change: Change): Change => ({ ...change, after: { ...change.after!, resolved: 'git+https://github.com/x/p.git#abc' } });
const summary = (e: Evaluation) => e.findings.map((f) => `${f.ruleId} ${f.severity} ${f.message}`);

describe('engine: registry metadata, as each rule declares it', () => {
  const p = { name: 'p', versions: releases(2, '2020-01-01T00:00:00Z', 30, 'alice') };

  it("'none': no request, and the rule sees no facts even when another rule fetched them", async () => {
    const client = registry(p);
    expect(summary(await run([upgrade('p', '1.0.0', '1.0.1')], client, { rules: [probe('none')] }))).toEqual([
      'probe-none info without facts',
    ]);
    expect(client.asked).toEqual([]);
    const both = await run([upgrade('p', '1.0.0', '1.0.1')], client, { rules: [probe('none'), probe('required')] });
    expect(summary(both)).toEqual(['probe-none info without facts', 'probe-required info with facts']);
  });

  it("'optional': fetched for it alone, and judged on the lockfile when the registry fails, saying so", async () => {
    const client = registry(p);
    expect(summary(await run([upgrade('p', '1.0.0', '1.0.1')], client, { rules: [probe('optional')] }))).toEqual([
      'probe-optional info with facts',
    ]);
    expect(client.asked).toEqual(['p']);
    const failed = await run([upgrade('q', '1.0.0', '1.0.1')], registry(), { rules: [probe('optional')] });
    expect(summary(failed)).toEqual(['probe-optional info without facts']);
    expect(failed.unavailable).toEqual([]);
    expect(failed.skipped).toEqual([
      {
        ruleId: 'probe-optional',
        package: { name: 'q', version: '1.0.1' },
        reason: 'registry metadata unavailable (not found on the registry (404)): judged on the lockfile alone',
      },
    ]);
  });

  it("'required': a failed fetch makes the package unavailable (not a pass), and an 'optional' rule beside it still runs", async () => {
    const out = await run([upgrade('q', '1.0.0', '1.0.1')], registry(), { rules: [probe('required'), probe('optional')] });
    expect(out.unavailable.map((u) => [u.package, u.reason])).toEqual([
      [{ name: 'q', version: '1.0.1' }, 'not found on the registry (404)'],
    ]);
    expect(summary(out)).toEqual(['probe-required info without facts', 'probe-optional info without facts']);
    expect(out.skipped).toEqual([]);
  });

  it("a package from git: no request; 'required' rules are listed as not checked, the others run on the lockfile", async () => {
    const client = registry(p);
    const out = await run([fromGit(upgrade('p', '1.0.0', '1.0.1'))], client, {
      rules: [probe('required'), probe('optional'), probe('none')],
    });
    expect(client.asked).toEqual([]);
    expect(summary(out)).toEqual(['probe-optional info without facts', 'probe-none info without facts']);
    expect(out.skipped.map((s) => `${s.ruleId}: ${s.reason}`)).toEqual(['probe-required: not installed from a registry (git)']);
  });

  it('the lockfile-fallback rules get the registry manifest even with every metadata-only rule turned off', async () => {
    const spec = {
      name: 'p',
      versions: [
        { version: '1.0.0', time: '2020-01-01T00:00:00Z', publisher: person('a') },
        { version: '1.0.1', time: '2020-02-01T00:00:00Z', publisher: person('a'), dependencies: { evil: '^1.0.0' } },
      ],
    };
    const off = Object.fromEntries(RULES.filter((r) => r.metadata === 'required').map((r) => [r.id, 'off' as const]));
    const client = registry(spec);
    const out = await run([upgrade('p', '1.0.0', '1.0.1')], client, { policy: { rules: off } });
    expect(client.asked).toEqual(['p']);
    expect(out.findings.map((f) => [f.ruleId, f.evidence.source])).toEqual([['new-dependency', 'registry']]);
  });

  it('which rules read metadata, as declared', () => {
    expect(Object.fromEntries(RULES.map((r) => [r.id, r.metadata]))).toEqual({
      'known-malicious': 'none',
      'known-vulnerable': 'none',
      'publisher-changed': 'required',
      'publisher-history': 'required',
      'publisher-identity-changed': 'required',
      'provenance-dropped': 'required',
      'maintainers-changed': 'required',
      'install-script-added': 'optional',
      'code-capabilities': 'optional',
      'new-dependency': 'optional',
      'new-package': 'required',
      'version-unpublished': 'required',
      'source-changed': 'optional',
      'repository-changed': 'required',
      'version-jump': 'required',
      'young-version': 'required',
      'young-package': 'required',
    });
  });

  it('asks once per name, for every version the changes need', async () => {
    const asked: Array<[string, readonly string[] | undefined]> = [];
    const client: MetadataClient = {
      async packageFacts(name, versions) {
        asked.push([name, versions]);
        return extractFacts(buildPackument({ name, versions: releases(3, '2020-01-01T00:00:00Z', 30, 'a') }), name);
      },
    };
    const second = {
      ...upgrade('p', '1.0.0', '1.0.2'),
      after: { ...upgrade('p', '1.0.0', '1.0.2').after!, locations: ['node_modules/a/node_modules/p'] },
    };
    await run([upgrade('p', '1.0.0', '1.0.1'), second, { ...upgrade('p', '1.0.0', '1.0.0'), kind: 'removed', after: null }], client);
    expect(asked).toEqual([['p', ['1.0.0', '1.0.1', '1.0.2']]]);
  });
});

describe('engine: which rules could run (the verdict weighs it)', () => {
  const p = { name: 'p', versions: releases(2, '2020-01-01T00:00:00Z', 30, 'alice') };
  const q = { name: 'q', versions: releases(1, '2020-01-01T00:00:00Z', 30, 'bob') };

  it('counts the rules that applied to a changed package, and none as not run when the registry serves every field', async () => {
    const out = await run([upgrade('p', '1.0.0', '1.0.1'), added('q', '1.0.0')], registry(p, q));
    // every package rule but code-capabilities: these runs have no code stage
    expect(out.coverage.applied).toBe(14);
    expect(out.coverage.notRun).toEqual([]);
  });

  it('a registry that strips publishers, maintainers and times: the rules that need them did not run, each skip naming the field', async () => {
    const out = await run([upgrade('p', '1.0.0', '1.0.1'), added('q', '1.0.0')], registry(stripped(p), stripped(q)));
    expect(out.coverage.notRun).toEqual([
      'publisher-changed',
      'publisher-history',
      'publisher-identity-changed',
      'provenance-dropped',
      'maintainers-changed',
      'new-package',
      'version-jump',
      'young-version',
      'young-package',
    ]);
    expect(out.coverage.applied).toBe(14);
    expect(new Set(out.skipped.map((s) => s.missing))).toEqual(new Set(['_npmUser', 'maintainers', 'time']));
  });

  it('a rule not made on one package but made on another ran; the code rule counts only where the code stage ran', async () => {
    const out = await run([upgrade('p', '1.0.0', '1.0.1'), upgrade('r', '1.0.0', '1.0.1')], registry(p, stripped({ ...p, name: 'r' })));
    expect(out.coverage.notRun).toEqual([]);
    expect(out.skipped.filter((s) => s.ruleId === 'publisher-changed').map((s) => s.package.name)).toEqual(['r']);
    // neither the code rule (no code stage) nor the advisory rules (no advisory source) count
    expect(out.coverage.applied).toBe(RULES.filter((r) => !r.code && !r.advisories && r.appliesTo(upgrade('p', '1.0.0', '1.0.1'))).length);
  });

  it('a rule left without the metadata it requires did not run', async () => {
    const out = await run([upgrade('gone', '1.0.0', '1.0.1')], registry(), { rules: [probe('required'), probe('optional')] });
    expect(out.coverage).toEqual({ applied: 2, notRun: ['probe-required'] });
  });
});

describe('engine: the policy', () => {
  // event-stream 3.3.4 -> 3.3.6: a newcomer ships a new dependency in an in-range update
  const eventStream: PackageSpec = {
    name: 'event-stream',
    versions: [
      {
        version: '3.3.4',
        time: '2016-07-17T00:00:00Z',
        publisher: person('dominictarr'),
        maintainers: [person('dominictarr')],
        dependencies: { through: '~2.3.1' },
      },
      {
        version: '3.3.6',
        time: '2018-09-09T00:00:00Z',
        publisher: person('right9ctrl'),
        maintainers: [person('dominictarr'), person('right9ctrl')],
        dependencies: { through: '~2.3.1', 'flatmap-stream': '^0.1.0' },
      },
    ],
  };
  const change = upgrade('event-stream', '3.3.4', '3.3.6');
  const severities = (e: Evaluation) => e.findings.map((f) => `${f.ruleId} ${f.severity}`);

  it('by default: the combination raises both signals to critical', async () => {
    expect(severities(await run([change], registry(eventStream)))).toEqual([
      'publisher-changed critical',
      'new-dependency critical',
      'version-jump high',
    ]);
  });

  it('off: the rule does not run, and its traits take no part in combinations', async () => {
    const out = await run([change], registry(eventStream), { policy: { rules: { 'publisher-changed': 'off' } } });
    expect(severities(out)).toEqual(['new-dependency low', 'version-jump low']);
  });

  it('a severity override replaces the rule’s own before signals combine', async () => {
    const out = await run([change], registry(eventStream), {
      policy: { rules: { 'new-dependency': 'medium' } },
    });
    expect(severities(out)).toEqual(['publisher-changed critical', 'new-dependency critical', 'version-jump high']);
    const escalated = out.findings.find((f) => f.ruleId === 'new-dependency');
    expect(escalated?.kind === 'package' && escalated.escalation?.from).toBe('medium');
  });

  it('critical packages: publisher findings are at least high (the new publisher added as a maintainer is the same move, reported once)', async () => {
    const out = await run([upgrade('event-stream', '3.3.4', '3.3.6', { paths: [] })], registry(eventStream), {
      policy: { rules: { 'new-dependency': 'off', 'version-jump': 'off' }, critical: ['event-*'] },
    });
    expect(severities(out)).toEqual(['publisher-changed high']);
  });

  it('trusted packages: capped at low after combining, except source-changed', async () => {
    const tampered = {
      ...change,
      after: {
        ...change.after!,
        resolved: 'https://evil.example/event-stream/-/event-stream-3.3.6.tgz',
        integrity: `sha512-${'A'.repeat(86)}==`,
      },
    };
    const out = await run([tampered], registry(eventStream), { policy: { trusted: ['event-stream'] } });
    expect(severities(out)).toEqual(['publisher-changed low', 'new-dependency low', 'source-changed high', 'version-jump low']);
  });

  it('ignore: covered findings move to suppressed, expired entries are listed and no longer apply, source-changed is never covered', async () => {
    const ignore = [
      { package: 'event-stream', version: '3.3.6', rules: ['publisher-changed', 'new-dependency'], reason: 'reviewed' },
      { package: 'event-stream', version: '*', rule: 'version-jump', reason: 'old approval', expires: '2020-01-01' },
      { package: '*', version: '*', rule: '*', reason: 'everything' },
    ];
    const onlyTwo = await run([change], registry(eventStream), { policy: { ignore: ignore.slice(0, 2) } });
    expect(severities(onlyTwo)).toEqual(['version-jump high']);
    expect(onlyTwo.suppressed.map((s) => `${s.finding.ruleId} ${s.finding.severity} ${s.ignore.reason}`)).toEqual([
      'publisher-changed critical reviewed',
      'new-dependency critical reviewed',
    ]);
    expect(onlyTwo.expiredIgnores.map((e) => e.reason)).toEqual(['old approval']);
    const tampered = { ...change, after: { ...change.after!, resolved: 'git+https://github.com/x/event-stream.git#abc' } };
    const all = await run([tampered], registry(eventStream), { policy: { ignore: ignore.slice(2) } });
    expect(severities(all)).toEqual(['source-changed high']);
  });

  it('ignore bound to an integrity covers only a version whose every copy has it', async () => {
    const A = `sha512-${'A'.repeat(86)}==`;
    const head = projectSnapshot({ locked: { 'event-stream': '3.3.6' } });
    const headWith = (integrity: string) => ({ ...head, nodes: head.nodes.map((n) => (n.isRoot ? n : { ...n, integrity })) });
    const policy = {
      ...EMPTY_POLICY,
      ignore: [{ package: 'event-stream', version: '3.3.6', rule: 'version-jump', integrity: A, reason: 'reviewed' }],
    };
    const options = {
      rules: RULES,
      projectRules: [],
      client: registry(eventStream),
      now: NOW,
      concurrency: 1,
      settings: SETTINGS,
      policy,
      lockfilePath: 'package-lock.json',
    };
    const approved = await evaluate([change], { base: TREES.base, head: headWith(A) }, options);
    expect(approved.suppressed.map((s) => s.finding.ruleId)).toEqual(['version-jump']);
    const swapped = await evaluate([change], { base: TREES.base, head: headWith(`sha512-${'B'.repeat(86)}==`) }, options);
    expect(swapped.suppressed).toEqual([]);
  });
});

describe('engine: project findings', () => {
  it('are project findings, located at the root entry, with the policy applied', async () => {
    const head = projectSnapshot({ manifest: { foo: { spec: '^2.0.0', type: 'prod' } }, locked: { foo: '1.0.0' } });
    const out = await evaluate(
      [],
      { base: TREES.base, head },
      {
        rules: RULES,
        projectRules: PROJECT_RULES,
        client: registry(),
        now: NOW,
        concurrency: 1,
        settings: SETTINGS,
        policy: { ...EMPTY_POLICY, rules: { 'lockfile-out-of-sync': 'high' } },
        lockfilePath: 'app/package-lock.json',
        project: { lockfiles: { base: ['package-lock.json'], head: ['package-lock.json', 'yarn.lock'] }, policyEdits: [] },
      },
    );
    expect(out.findings).toEqual([
      expect.objectContaining({
        kind: 'project',
        ruleId: 'lockfile-out-of-sync',
        severity: 'high',
        package: { name: 'foo', version: '1.0.0' },
        location: { file: 'app/package-lock.json', line: 3 },
      }),
      expect.objectContaining({
        kind: 'project',
        ruleId: 'lockfile-changed',
        severity: 'high',
        package: { name: 'yarn.lock', version: '' },
      }),
    ]);
    expect(out.findings.every((f) => !('paths' in f) && !('direct' in f))).toBe(true);
  });

  it('the evaluation lists every rule of the run, enabled or not, package rules first', async () => {
    const out = await run([], registry(), { withProjectRules: true, policy: { rules: { 'new-package': 'off' } } });
    expect(out.rules.map((r) => r.id)).toEqual([...RULES, ...PROJECT_RULES].map((r) => r.id));
    expect(out.rules[0]).toEqual({
      id: 'known-malicious',
      title: RULES[0]!.title,
      defaultSeverity: 'critical',
      docs: 'https://github.com/depguard/depguard/blob/main/docs/rules/known-malicious.md',
    });
  });
});

describe('engine: a new package', () => {
  it('is judged by the rules for packages without a previous version', async () => {
    const fresh = {
      name: 'fresh',
      versions: [{ version: '0.1.0', time: new Date(NOW - 86_400_000).toISOString(), publisher: person('x'), maintainers: [person('x')] }],
    };
    const out = await run([added('fresh', '0.1.0')], registry(fresh));
    expect(out.findings.map((f) => `${f.ruleId} ${f.severity}`)).toEqual([
      'new-package medium',
      'young-version medium',
      'young-package medium',
    ]);
  });
});

describe('engine: a release that starts depending on a package new to the tree', () => {
  it('is judged with that package in brief, whichever answer arrives first', async () => {
    const parent = {
      name: 'parent',
      versions: [
        { version: '1.0.0', time: '2020-01-01T00:00:00Z', publisher: person('alice'), maintainers: [person('alice')] },
        {
          version: '1.0.1',
          time: '2020-03-10T00:00:00Z',
          publisher: person('alice'),
          maintainers: [person('alice')],
          dependencies: { payload: '^1.0.0' },
        },
      ],
    };
    const payload = { name: 'payload', versions: releases(1, '2020-03-08T00:00:00Z', 1, 'mallory') };
    const change = upgrade('parent', '1.0.0', '1.0.1');
    const withDep = { ...change, after: { ...change.after!, dependencies: { payload: '^1.0.0' } } };
    const out = await run([withDep, added('payload', '1.0.0')], registry(parent, payload), {
      rules: RULES.filter((r) => r.id === 'new-dependency'),
    });
    expect(summary(out)).toEqual([
      'new-dependency high 1.0.1 depends on payload@^1.0.0, which 1.0.0 did not; payload was first published 2020-03-08 by mallory, 2 days before 1.0.1',
    ]);
  });
});
