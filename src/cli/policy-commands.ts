import { readFileSync } from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import type { Command } from 'commander';
import { loadPolicy, locatePolicy } from '../config/load-policy.js';
import type { IgnoreEntry } from '../config/policy.js';
import { recordApproval } from '../config/write-policy.js';
import { UsageError } from '../errors.js';
import { userIdentity } from '../lockfile/git.js';
import { forTerminal as safe } from '../report/sanitize.js';
import { ALL_RULES, RULE_IDS } from '../rules/index.js';

const DOCS = new URL('../../docs/rules/', import.meta.url);

/** `approve`, `rules` and `explain`: the commands about the policy rather than a diff. */
export function registerPolicyCommands(cli: Command, out: (text: string) => void): void {
  cli
    .command('approve')
    .description('record a reviewed package version as an ignore entry in the policy file (the only file it writes)')
    .argument('<package@version>', 'the exact version that was reviewed, e.g. event-stream@3.3.6 or @scope/pkg@1.2.3')
    .requiredOption('--reason <text>', 'why it was accepted (required: it is the audit trail)')
    .option('--expires <date>', 'stop applying after this date (YYYY-MM-DD)')
    .option('--rule <id>', 'only this rule (default: every rule)')
    .option('--config <path>', 'the policy file to write (default: the project\'s, else a new depguard.config.json)')
    .exitOverride()
    .action(async (spec: string, flags: { reason: string; expires?: string; rule?: string; config?: string }) => {
      const cwd = process.cwd();
      const at = spec.lastIndexOf('@');
      const name = at > 0 ? spec.slice(0, at) : '';
      const version = at > 0 ? spec.slice(at + 1) : '';
      if (!name || !semver.valid(version)) throw new UsageError(`approve takes PACKAGE@VERSION with an exact version, not '${spec}'`);
      if (flags.rule !== undefined && !RULE_IDS.includes(flags.rule)) throw new UsageError(`--rule: '${flags.rule}' is not a rule (see depguard rules)`);
      if (flags.expires !== undefined && (!/^\d{4}-\d{2}-\d{2}$/.test(flags.expires) || Number.isNaN(Date.parse(flags.expires)))) throw new UsageError('--expires must be a date, YYYY-MM-DD');
      if (flags.expires !== undefined && Date.parse(`${flags.expires}T23:59:59Z`) < Date.now()) throw new UsageError(`--expires ${flags.expires} is already past`);
      const entry: IgnoreEntry = {
        package: name,
        version,
        rule: flags.rule ?? '*',
        reason: flags.reason,
        ...(flags.expires ? { expires: flags.expires } : {}),
        approvedBy: (await userIdentity(cwd)) ?? 'unknown (git config user.name is not set)',
        approvedAt: new Date().toISOString(),
      };
      const written = recordApproval(locatePolicy(cwd, flags.config ? path.resolve(cwd, flags.config) : undefined), entry, RULE_IDS);
      out(`depguard: ${written.replaced ? 'updated' : 'added'} an ignore entry in ${path.relative(cwd, written.file) || written.file}: ${safe(name)}@${version}, ${entry.rule === '*' ? 'every rule' : entry.rule}${entry.expires ? `, until ${entry.expires}` : ''}, approved by ${safe(entry.approvedBy!)}\n`);
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
