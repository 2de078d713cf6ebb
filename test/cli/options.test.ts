import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { AUDIT_DEFAULTS } from '../../src/audit.js';
import { UsageError } from '../../src/errors.js';
import {
  addOptions,
  APPROVE_OPTIONS,
  AUDIT_OPTIONS,
  COMMENT_OPTIONS,
  DIFF_OPTIONS,
  EXPOSURE_OPTIONS,
  HOOK_INSTALL_OPTIONS,
  HOOK_UNINSTALL_OPTIONS,
  helpText,
  optionsTable,
  parseOptions,
  PREVIEW_OPTIONS,
  README_TABLES,
  RULES_OPTIONS,
  SBOM_OPTIONS,
  WHY_OPTIONS,
  type CliOption,
} from '../../src/cli/options.js';
import { ROOT, runCli } from '../helpers/cli.js';

/**
 * The option tables are the one declaration of every flag: commander, --help, the typed values
 * and the README's tables come from them. README tables out of date: regenerate them with
 * `UPDATE_README=1 npx vitest run test/cli/options.test.ts` and review the diff.
 */
const README = path.join(ROOT, 'README.md');
const ALL: Record<string, readonly CliOption[]> = {
  diff: DIFF_OPTIONS,
  preview: PREVIEW_OPTIONS,
  audit: AUDIT_OPTIONS,
  approve: APPROVE_OPTIONS,
  why: WHY_OPTIONS,
  sbom: SBOM_OPTIONS,
  exposure: EXPOSURE_OPTIONS,
  rules: RULES_OPTIONS,
  'hook install': HOOK_INSTALL_OPTIONS,
  'hook uninstall': HOOK_UNINSTALL_OPTIONS,
  comment: COMMENT_OPTIONS,
};

/** The README with each command's table replaced by the one its option table makes. */
function regenerated(readme: string): string {
  const lines = readme.split('\n');
  for (const { command, options } of README_TABLES) {
    const heading = lines.findIndex((l) => /^#+ /.test(l) && l.endsWith(`Flags of \`depguard ${command}\``));
    if (heading === -1) throw new Error(`README.md has no heading "Flags of \`depguard ${command}\`"`);
    const start = lines.findIndex((l, i) => i > heading && l.startsWith('| flag |'));
    let end = start;
    while (end < lines.length && lines[end]!.startsWith('|')) end++;
    lines.splice(start, end - start, ...optionsTable(options).trimEnd().split('\n'));
  }
  return lines.join('\n');
}

describe('option tables', () => {
  it('README.md holds the flag table each one makes', () => {
    if (process.env.UPDATE_README === '1') writeFileSync(README, regenerated(readFileSync(README, 'utf8')));
    const readme = readFileSync(README, 'utf8');
    for (const { command, options } of README_TABLES)
      expect(readme, `the flags of depguard ${command} (UPDATE_README=1 regenerates them)`).toContain(
        `Flags of \`depguard ${command}\`\n\n${optionsTable(options)}`,
      );
  });

  it('a table row is the flag, its meaning with its choices, and its default', () => {
    const format = DIFF_OPTIONS.find((o) => o.name === 'format')!;
    expect(optionsTable([format, DIFF_OPTIONS.find((o) => o.name === 'staged')!, DIFF_OPTIONS.find((o) => o.name === 'base')!])).toBe(
      [
        '| flag | meaning | default |',
        '| --- | --- | --- |',
        '| `--format <format>` | output format: `text`, `json`, `sarif`, `markdown` or `github` | `text` |',
        '| `--staged` | compare HEAD with the index (the pre-commit case); a text report that passes is one line (`--verbose` shows it all) | |',
        '| `--base <rev\\|path>` | the "before" side: a git revision, or a lockfile path | `HEAD`; in GitHub Actions, on a pull request the merge base with `$GITHUB_BASE_REF`, on a push the commit the branch pointed at before it |',
        '',
      ].join('\n'),
    );
    expect(helpText(format)).toBe('output format: text, json, sarif, markdown or github (default: text)');
  });

  it('names each value as commander does, and registers on commander', () => {
    for (const [command, table] of Object.entries(ALL)) {
      expect(() => addOptions(new Command(command), table), command).not.toThrow();
      expect(new Set(table.map((o) => o.name)).size, `${command}: one option per name`).toBe(table.length);
    }
  });

  it('--help shows each flag with its description and default', async () => {
    const help = (await runCli(['diff', '--help'])).stdout.replace(/\s+/g, ' ');
    for (const option of DIFF_OPTIONS) expect(help).toContain(`${option.flags} ${helpText(option)}`);
  });

  it('turns flags into typed values, defaults included, the same as audit() would use', () => {
    const values = parseOptions(DIFF_OPTIONS, {});
    expect(values).toMatchObject({
      format: 'text',
      staged: false,
      verbose: false,
      offline: false,
      allowIncomplete: false,
      failOn: undefined,
      base: undefined,
      asOf: undefined,
    });
    expect(values).toMatchObject({
      concurrency: AUDIT_DEFAULTS.concurrency,
      maxLockfileSize: AUDIT_DEFAULTS.maxLockfileBytes,
      maxResponseSize: AUDIT_DEFAULTS.maxResponseBytes,
      timeout: AUDIT_DEFAULTS.timeoutMs,
      retries: AUDIT_DEFAULTS.retries,
      deadline: AUDIT_DEFAULTS.deadlineMs,
      cacheMaxAge: AUDIT_DEFAULTS.cacheMaxAgeMs,
    });
    const given = parseOptions(DIFF_OPTIONS, {
      failOn: 'critical',
      asOf: '2026-11-01',
      maxLockfileSize: '0.5',
      timeout: '1.5',
      cacheMaxAge: '0',
      staged: true,
    });
    expect(given).toMatchObject({
      failOn: 'critical',
      asOf: Date.parse('2026-11-01'),
      maxLockfileSize: 512 * 1024,
      timeout: 1500,
      cacheMaxAge: 0,
      staged: true,
    });
    // a day counts whole, in UTC; a time without a zone is UTC
    expect(parseOptions(EXPOSURE_OPTIONS, { since: '2018-11-26', until: '2018-11-26' })).toMatchObject({
      since: Date.parse('2018-11-26T00:00:00Z'),
      until: Date.parse('2018-11-26T23:59:59.999Z'),
      all: false,
      format: 'text',
    });
    expect(parseOptions(EXPOSURE_OPTIONS, { since: '2018-11-26T12:30', until: '2018-11-26T12:30:00+02:00' })).toMatchObject({
      since: Date.parse('2018-11-26T12:30:00Z'),
      until: Date.parse('2018-11-26T10:30:00Z'),
    });
    expect(parseOptions(APPROVE_OPTIONS, { reason: 'reviewed', rule: ['new-dependency', 'version-jump'] })).toMatchObject({
      reason: 'reviewed',
      rule: ['new-dependency', 'version-jump'],
      expires: '90d',
    });
  });

  it('says in one line what a flag takes', () => {
    const cases: Array<[readonly CliOption[], Record<string, unknown>, string]> = [
      [DIFF_OPTIONS, { format: 'xml' }, "--format must be one of text, json, sarif, markdown, github, not 'xml'"],
      [DIFF_OPTIONS, { failOn: 'nope' }, "--fail-on must be one of info, low, medium, high, critical, not 'nope'"],
      [DIFF_OPTIONS, { concurrency: '0' }, '--concurrency must be an integer from 1 to 64'],
      [DIFF_OPTIONS, { retries: '11' }, '--retries must be an integer from 0 to 10'],
      [DIFF_OPTIONS, { maxLockfileSize: '-1' }, '--max-lockfile-size must be a positive number of megabytes'],
      [DIFF_OPTIONS, { maxResponseSize: 'x' }, '--max-response-size must be a positive number of megabytes'],
      [DIFF_OPTIONS, { timeout: '0' }, '--timeout must be a positive number of seconds'],
      [DIFF_OPTIONS, { cacheMaxAge: 'soon' }, "--cache-max-age must be a duration like 30m, 12h, 7d or 0, not 'soon'"],
      [DIFF_OPTIONS, { deadline: '100d' }, "--deadline must be a duration from 1s to 24d, like 10m or 1h, not '100d'"],
      [DIFF_OPTIONS, { asOf: 'yesterday' }, "--as-of must be a date (YYYY-MM-DD or an ISO time), not 'yesterday'"],
      [WHY_OPTIONS, { format: 'sarif' }, "--format must be text or json, not 'sarif'"],
      [
        EXPOSURE_OPTIONS,
        { since: '2018-02-30' },
        "--since must be a date (YYYY-MM-DD) or an ISO time (2018-11-26T12:00:00Z), not '2018-02-30'",
      ],
      [
        EXPOSURE_OPTIONS,
        { until: 'Nov 26 2018' },
        "--until must be a date (YYYY-MM-DD) or an ISO time (2018-11-26T12:00:00Z), not 'Nov 26 2018'",
      ],
      [APPROVE_OPTIONS, { reason: 'r', rule: ['nope'] }, "--rule: 'nope' is not a rule (see depguard rules)"],
      [
        APPROVE_OPTIONS,
        { reason: 'r', rule: ['source-changed'] },
        '--rule source-changed: lockfile tampering is never approved; fix the lockfile entry instead',
      ],
      [APPROVE_OPTIONS, { reason: 'r', expires: 'someday' }, "--expires must be a date (YYYY-MM-DD) or a duration like 30d, not 'someday'"],
    ];
    for (const [table, raw, message] of cases) {
      expect(() => parseOptions(table, raw)).toThrow(UsageError);
      expect(() => parseOptions(table, raw)).toThrow(message);
    }
  });
});
