import { readFileSync } from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import type { Command } from 'commander';
import { DEFAULT_APPROVAL_TTL, expiryDate, planApproval } from '../config/approval.js';
import { loadPolicy, locatePolicy } from '../config/load-policy.js';
import { NEVER_IGNORED } from '../config/policy.js';
import { recordApproval } from '../config/write-policy.js';
import { UsageError } from '../errors.js';
import { userIdentity } from '../git.js';
import { forTerminal as safe } from '../report/sanitize.js';
import { ALL_RULES, RULE_IDS } from '../rules/index.js';
import { projectDirOf, runDiff, type DiffFlags } from './diff-command.js';
import { addOptions, APPROVE_OPTIONS } from './options.js';

/** `approve`'s own flags, beside those of `diff` it runs with. */
type ApproveFlags = Omit<DiffFlags, 'format'> & { reason: string; expires: string; rule: string[] };

const DOCS = new URL('../../docs/rules/', import.meta.url);

/** `approve`, `rules` and `explain`: the commands about the policy rather than a diff. */
export function registerPolicyCommands(cli: Command, out: (text: string) => void): void {
  addOptions(
    cli
      .command('approve')
      .description('record a reviewed package version as an ignore entry in the policy file (the only file it writes)')
      .argument('<package@version>', 'the exact version that was reviewed, e.g. event-stream@3.3.6 or @scope/pkg@1.2.3')
      .requiredOption('--reason <text>', 'why it was accepted (required: it is the audit trail)')
      .option('--expires <date|duration>', 'stop applying after this date (YYYY-MM-DD) or this long from now (e.g. 30d)', DEFAULT_APPROVAL_TTL)
      .option('--rule <id>', `only this rule, repeatable (default: the rules the version has findings for, as depguard diff reports them now); never ${NEVER_IGNORED}`, (id: string, all: string[]) => [...all, id], [] as string[])
      .option('--config <path>', "the policy file to write (default: the project's, else a new depguard.config.json)")
      .exitOverride(),
    APPROVE_OPTIONS,
  ).action(async (spec: string, flags: ApproveFlags) => {
    const cwd = process.cwd();
    const environment = { cwd, env: process.env, now: Date.now() };
    const at = spec.lastIndexOf('@');
    const name = at > 0 ? spec.slice(0, at) : '';
    const version = at > 0 ? spec.slice(at + 1) : '';
    if (!name || !semver.valid(version)) throw new UsageError(`approve takes PACKAGE@VERSION with an exact version, not '${spec}'`);
    for (const rule of flags.rule) {
      if (!RULE_IDS.includes(rule)) throw new UsageError(`--rule: '${rule}' is not a rule (see depguard rules)`);
      if (rule === NEVER_IGNORED) throw new UsageError(`--rule ${NEVER_IGNORED}: lockfile tampering is never approved; fix the lockfile entry instead`);
    }
    expiryDate(flags.expires, environment.now);
    // The same analysis as `depguard diff` with these flags: its findings are what is approved.
    const diffFlags: DiffFlags = { ...flags, format: 'text' };
    const run = await runDiff(diffFlags, environment);
    const approvedBy = (await userIdentity(cwd)) ?? 'unknown (git config user.name is not set)';
    const entry = planApproval({ name, version, reason: flags.reason, rules: flags.rule, expires: flags.expires, approvedBy, now: environment.now }, run.head, run.result);
    const written = recordApproval(locatePolicy(projectDirOf(diffFlags, cwd), flags.config ? path.resolve(cwd, flags.config) : undefined), entry, RULE_IDS);
    const bound = entry.integrity ? `integrity ${entry.integrity.slice(0, 20)}…` : 'no integrity (the lockfile records none)';
    out(`depguard: ${written.replaced ? 'updated' : 'added'} an ignore entry in ${path.relative(cwd, written.file) || written.file}: ${safe(name)}@${version}, ${entry.rules!.join(', ')}, ${safe(bound)}, until ${entry.expires}, approved by ${safe(entry.approvedBy!)}\n`);
  });

  cli
    .command('rules')
    .description('list the rules with their default and effective severities')
    .option('--config <path>', 'policy file')
    .exitOverride()
    .action((flags: { config?: string }) => {
      const cwd = process.cwd();
      const policy = loadPolicy(locatePolicy(cwd, flags.config ? path.resolve(cwd, flags.config) : undefined), RULE_IDS);
      const width = Math.max(...ALL_RULES.map((r) => r.id.length));
      const lines = ALL_RULES.map((r) => {
        const effective = policy.rules[r.id] ?? r.defaultSeverity;
        return `${r.id.padEnd(width)}  ${r.defaultSeverity.padEnd(8)}  ${effective === r.defaultSeverity ? ' '.repeat(8) : `-> ${effective}`.padEnd(8)}  ${r.title}`;
      });
      out(`${'rule'.padEnd(width)}  default   policy    what it flags\n${lines.join('\n')}\n${policy.source ? `\npolicy: ${policy.source}\n` : ''}`);
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
