import { readFileSync } from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import type { Command } from 'commander';
import { audit } from '../audit.js';
import { planApproval } from '../config/approval.js';
import { loadPolicy, locatePolicy } from '../config/load-policy.js';
import { recordApproval } from '../config/write-policy.js';
import { UsageError } from '../errors.js';
import { userIdentity } from '../git.js';
import { ALL_RULES, RULE_IDS } from '../index.js';
import { forTerminal as safe } from '../report/sanitize.js';
import { auditOptions } from './audit-options.js';
import { environment } from './environment.js';
import { stopOnInterrupt } from './interrupt.js';
import { addOptions, APPROVE_OPTIONS, parseOptions, RULES_OPTIONS } from './options.js';
import { splitPackageSpec } from './package-spec.js';

const DOCS = new URL('../../docs/rules/', import.meta.url);

/** `approve`, `rules` and `explain`: the commands about the policy rather than a diff. */
export function registerPolicyCommands(cli: Command, out: (text: string) => void): void {
  addOptions(
    cli
      .command('approve')
      .description('record a reviewed package version as an ignore entry in the policy file (the only file it writes)')
      .argument('<package@version>', 'the exact version that was reviewed, e.g. event-stream@3.3.6 or @scope/pkg@1.2.3')
      .exitOverride(),
    APPROVE_OPTIONS,
  ).action(async (spec: string, raw: Record<string, unknown>) => {
    const { name, version = '' } = splitPackageSpec(spec);
    if (!name || !semver.valid(version)) throw new UsageError(`approve takes PACKAGE@VERSION with an exact version, not '${spec}'`);
    const flags = parseOptions(APPROVE_OPTIONS, raw);
    const env = environment();
    const { cwd } = env;
    // The same analysis as `depguard diff` with these flags: its findings are what is approved.
    const run = await audit({ ...auditOptions('diff', flags, env), signal: stopOnInterrupt() });
    const approvedBy = (await userIdentity(cwd)) ?? 'unknown (git config user.name is not set)';
    const entry = planApproval(
      { name, version, reason: flags.reason, rules: flags.rule, expires: flags.expires, approvedBy, now: env.now },
      run.head,
      run.result,
    );
    const written = recordApproval(
      locatePolicy(run.projectDir, flags.config ? path.resolve(cwd, flags.config) : undefined),
      entry,
      RULE_IDS,
    );
    const bound = entry.integrity ? `integrity ${entry.integrity.slice(0, 20)}…` : 'no integrity (the lockfile records none)';
    out(
      `depguard: ${written.replaced ? 'updated' : 'added'} an ignore entry in ${path.relative(cwd, written.file) || written.file}: ${safe(name)}@${version}, ${entry.rules!.join(', ')}, ${safe(bound)}, until ${entry.expires}, approved by ${safe(entry.approvedBy!)}\n`,
    );
  });

  addOptions(
    cli.command('rules').description('list the rules with their default and effective severities').exitOverride(),
    RULES_OPTIONS,
  ).action((raw: Record<string, unknown>) => {
    const flags = parseOptions(RULES_OPTIONS, raw);
    const cwd = process.cwd();
    const policy = loadPolicy(locatePolicy(cwd, flags.config ? path.resolve(cwd, flags.config) : undefined), RULE_IDS);
    const width = Math.max(...ALL_RULES.map((r) => r.id.length));
    const lines = ALL_RULES.map((r) => {
      const effective = policy.rules[r.id] ?? r.defaultSeverity;
      return `${r.id.padEnd(width)}  ${r.defaultSeverity.padEnd(8)}  ${effective === r.defaultSeverity ? ' '.repeat(8) : `-> ${effective}`.padEnd(8)}  ${r.title}`;
    });
    out(
      `${'rule'.padEnd(width)}  default   policy    what it flags\n${lines.join('\n')}\n${policy.source ? `\npolicy: ${policy.source}\n` : ''}`,
    );
  });

  cli
    .command('explain')
    .description("print a rule's documentation")
    .argument('<rule>', 'a rule id, as listed by depguard rules')
    .exitOverride()
    .action((id: string) => {
      if (!RULE_IDS.includes(id)) throw new UsageError(`'${id}' is not a rule (see depguard rules)`);
      let doc: string;
      try {
        doc = readFileSync(new URL(`${id}.md`, DOCS), 'utf8');
      } catch {
        throw new UsageError(`the documentation of ${id} is missing from this installation (docs/rules/${id}.md)`);
      }
      out(doc);
    });
}
