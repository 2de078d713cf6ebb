import { Option, type Command } from 'commander';
import { AUDIT_DEFAULTS } from '../audit.js';
import { DEFAULT_APPROVAL_TTL, expiryDate } from '../config/approval.js';
import { ALWAYS_CRITICAL, NEVER_IGNORED } from '../config/policy.js';
import { formatDuration, parseDuration } from '../duration.js';
import { UsageError } from '../errors.js';
import { RULE_IDS } from '../index.js';
import { FORMATS } from '../report/index.js';
import { SEVERITIES } from '../severity.js';

/**
 * Every flag of every command, declared once (npm-check-updates' `cli-options.ts`): the tables
 * below drive commander, `--help`, the typed values the commands receive and the README's flag
 * tables (test/cli/options.test.ts holds the README to them).
 */

/** What commander hands over for one option: a string, true for a switch, a list for a repeatable one; undefined when absent. */
type Raw = string | boolean | readonly string[] | undefined;

export interface CliOption<N extends string = string, T = unknown> {
  /** The key of its value: commander's name for the flag (`--fail-on` -> `failOn`). */
  readonly name: N;
  readonly flags: string;
  /** One line, in Markdown (code spans, links) for the README; `--help` shows it as plain text. */
  readonly description: string;
  /** The values it takes, listed after the description. */
  readonly choices?: readonly string[];
  /** Parsed like a given value when the flag is absent. */
  readonly defaultValue?: string;
  /** The default in words (Markdown), when it is not one value. */
  readonly defaultText?: string;
  readonly required?: boolean;
  readonly repeatable?: boolean;
  /** The typed value; a value that will not do is a one-line UsageError, `--flag must be ...`. */
  readonly parse: (raw: Raw) => T;
}

/** The typed values of a table's options, by name. */
export type OptionValues<Table extends readonly CliOption[]> = { -readonly [O in Table[number] as O['name']]: ReturnType<O['parse']> };

interface Spec {
  readonly flags: string;
  readonly description: string;
  readonly choices?: readonly string[];
  readonly defaultText?: string;
}

const flagOf = (flags: string): string => flags.split(/[ ,]/)[0]!;

/** A value used as it is given (a path, a revision, a URL); undefined when absent. */
function text<N extends string>(name: N, spec: Spec): CliOption<N, string | undefined> {
  return { name, ...spec, parse: (raw) => (raw === undefined ? undefined : String(raw)) };
}

/** A value checked and converted by `parse`; `defaultValue` stands in for an absent flag. */
function value<N extends string, T>(
  name: N,
  spec: Spec & { readonly defaultValue: string; readonly parse: (value: string, flag: string) => T },
): CliOption<N, T>;
function value<N extends string, T>(
  name: N,
  spec: Spec & { readonly parse: (value: string, flag: string) => T },
): CliOption<N, T | undefined>;
function value<N extends string, T>(
  name: N,
  spec: Spec & { readonly defaultValue?: string; readonly parse: (value: string, flag: string) => T },
): CliOption<N, T | undefined> {
  const raw = spec.defaultValue;
  return {
    name,
    flags: spec.flags,
    description: spec.description,
    ...(spec.choices ? { choices: spec.choices } : {}),
    ...(raw !== undefined ? { defaultValue: raw } : {}),
    ...(spec.defaultText !== undefined ? { defaultText: spec.defaultText } : {}),
    parse: (given) => {
      const v = given ?? raw;
      return v === undefined ? undefined : spec.parse(String(v), flagOf(spec.flags));
    },
  };
}

/** A value the command cannot run without (commander says so when it is missing). */
function required<N extends string>(name: N, spec: Spec): CliOption<N, string> {
  return { name, ...spec, required: true, parse: (raw) => String(raw) };
}

/** A flag without a value: on or off. */
function toggle<N extends string>(name: N, spec: Spec): CliOption<N, boolean> {
  return { name, ...spec, parse: (raw) => raw === true };
}

/** A flag that may be given several times; each value checked by `parse`. */
function list<N extends string, T>(name: N, spec: Spec & { readonly parse: (value: string, flag: string) => T }): CliOption<N, T[]> {
  return {
    name,
    flags: spec.flags,
    description: spec.description,
    repeatable: true,
    ...(spec.defaultText !== undefined ? { defaultText: spec.defaultText } : {}),
    parse: (raw) => (Array.isArray(raw) ? raw : []).map((v: string) => spec.parse(v, flagOf(spec.flags))),
  };
}

// The checks, each saying what the flag takes.

function oneOf<T extends string>(choices: readonly T[]): (value: string, flag: string) => T {
  return (v, flag) => {
    if (!(choices as readonly string[]).includes(v)) throw new UsageError(`${flag} must be one of ${choices.join(', ')}, not '${v}'`);
    return v as T;
  };
}

function integer(min: number, max: number): (value: string, flag: string) => number {
  return (v, flag) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${flag} must be an integer from ${min} to ${max}`);
    return n;
  };
}

function positive(what: string, scale: (n: number) => number): (value: string, flag: string) => number {
  return (v, flag) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} must be ${what}`);
    return scale(n);
  };
}

const MB = 1024 * 1024;
const megabytes = positive('a positive number of megabytes', (n) => Math.floor(n * MB));

/** Timers cannot wait longer (2^31 - 1 ms, about 24.8 days). */
const MAX_DEADLINE_MS = 24 * 86_400_000;

const code = (s: string): string => `\`${s}\``;
const or = (items: readonly string[]): string =>
  items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;

// diff, audit and approve

const base = text('base', {
  flags: '--base <rev|path>',
  description: 'the "before" side: a git revision, or a lockfile path',
  defaultText:
    '`HEAD`; in GitHub Actions, on a pull request the merge base with `$GITHUB_BASE_REF`, on a push the commit the branch pointed at before it',
});
const head = text('head', {
  flags: '--head <rev|path>',
  description: 'the "after" side: a git revision, or a lockfile path',
  defaultText: 'the working tree',
});
const staged = toggle('staged', {
  flags: '--staged',
  description: 'compare HEAD with the index (the pre-commit case); a text report that passes is one line (`--verbose` shows it all)',
});
const lockfile = text('lockfile', {
  flags: '--lockfile <path>',
  description: 'the lockfile inside the repository (any [supported format](#lockfiles))',
  defaultText:
    'the first of `npm-shrinkwrap.json`, `package-lock.json`, `pnpm-lock.yaml`, `yarn.lock`, `bun.lock` in the project folder, found upward from the current directory as npm finds it',
});
const format = value('format', {
  flags: '--format <format>',
  description: 'output format',
  choices: FORMATS,
  defaultValue: 'text',
  parse: oneOf(FORMATS),
});
const outputFile = text('outputFile', {
  flags: '--output-file <path>',
  description: 'write the report to this file instead of standard output (text is then written without colour)',
  defaultText: 'standard output',
});
const jsonFile = text('jsonFile', {
  flags: '--json-file <path>',
  description: 'also write the JSON report to this file, whatever `--format` is (for `depguard comment`)',
});
const failOn = value('failOn', {
  flags: '--fail-on <severity>',
  description: 'exit 1 when a finding reaches this severity',
  choices: SEVERITIES,
  defaultText: "the policy's `failOn`, else `high`",
  parse: oneOf(SEVERITIES),
});
const config = text('config', {
  flags: '--config <path>',
  description: "policy file, applied as given (the user's choice)",
  defaultText:
    '`depguard.config.json`, `.depguardrc.json` or `package.json` `"depguard"` in the project, as the base revision has it (an edit is a `policy-changed` finding)',
});
const asOf = value('asOf', {
  flags: '--as-of <date>',
  description: 'judge ages (cooldown, package age) as of this date instead of now, to re-run a past review',
  defaultText: 'now',
  parse: (v, flag) => {
    const at = Date.parse(v);
    if (Number.isNaN(at)) throw new UsageError(`${flag} must be a date (YYYY-MM-DD or an ISO time), not '${v}'`);
    return at;
  },
});
const registry = text('registry', {
  flags: '--registry <url>',
  description: 'registry URL',
  defaultText: 'from `.npmrc`, else `https://registry.npmjs.org/`',
});
const cacheDir = text('cacheDir', {
  flags: '--cache-dir <dir>',
  description: 'metadata cache directory',
  defaultText: '`$XDG_CACHE_HOME/depguard` or `~/.cache/depguard`',
});
const cacheMaxAge = value('cacheMaxAge', {
  flags: '--cache-max-age <duration>',
  description:
    'reuse cached registry facts younger than this (`30m`, `12h`, `0` to always ask); an entry missing a needed version is always refreshed',
  defaultValue: formatDuration(AUDIT_DEFAULTS.cacheMaxAgeMs),
  parse: (v, flag) => {
    const ms = v === '0' ? 0 : parseDuration(v);
    if (ms === null) throw new UsageError(`${flag} must be a duration like 30m, 12h, 7d or 0, not '${v}'`);
    return ms;
  },
});
const concurrency = value('concurrency', {
  flags: '--concurrency <n>',
  description: 'registry requests in flight at once',
  defaultValue: String(AUDIT_DEFAULTS.concurrency),
  parse: integer(1, 64),
});
const allowIncomplete = toggle('allowIncomplete', {
  flags: '--allow-incomplete',
  description: 'exit 0 instead of 3 when some changed packages could not be checked',
});
const maxLockfileSize = value('maxLockfileSize', {
  flags: '--max-lockfile-size <mb>',
  description: 'refuse lockfiles larger than this many megabytes',
  defaultValue: String(AUDIT_DEFAULTS.maxLockfileBytes / MB),
  parse: megabytes,
});
const maxResponseSize = value('maxResponseSize', {
  flags: '--max-response-size <mb>',
  description: 'refuse registry responses larger than this many megabytes',
  defaultValue: String(AUDIT_DEFAULTS.maxResponseBytes / MB),
  parse: megabytes,
});
const timeout = value('timeout', {
  flags: '--timeout <seconds>',
  description: 'per registry request',
  defaultValue: String(AUDIT_DEFAULTS.timeoutMs / 1000),
  parse: positive('a positive number of seconds', (n) => Math.round(n * 1000)),
});
const deadline = value('deadline', {
  flags: '--deadline <duration>',
  description:
    'give up on registry work still outstanding this long after the start (e.g. `10m`, `1h`): packages not judged by then are listed as not checked (exit 3 unless `--allow-incomplete`)',
  defaultValue: formatDuration(AUDIT_DEFAULTS.deadlineMs),
  parse: (v, flag) => {
    const ms = parseDuration(v);
    if (ms === null || ms < 1000 || ms > MAX_DEADLINE_MS)
      throw new UsageError(`${flag} must be a duration from 1s to 24d, like 10m or 1h, not '${v}'`);
    return ms;
  },
});
const retries = value('retries', {
  flags: '--retries <n>',
  description: 'extra attempts after a transient registry failure (timeout, reset, 5xx, a response cut short), with backoff',
  defaultValue: String(AUDIT_DEFAULTS.retries),
  parse: integer(0, 10),
});
const verbose = toggle('verbose', {
  flags: '--verbose',
  description: 'list every change, not only those with findings, every new package of a block, and every package a check was not made for',
});
const offline = toggle('offline', {
  flags: '--offline',
  description: 'use only cached registry metadata; what is not cached is reported as not checked (exit 3 unless `--allow-incomplete`)',
});

/** How a judged change is reported and how the registry is asked: `audit`'s, `diff`'s and `preview`'s. */
const REPORT_OPTIONS = [
  format,
  outputFile,
  jsonFile,
  failOn,
  config,
  asOf,
  registry,
  cacheDir,
  cacheMaxAge,
  concurrency,
  allowIncomplete,
  maxLockfileSize,
  maxResponseSize,
  timeout,
  deadline,
  retries,
  verbose,
  offline,
] as const;

/** `depguard audit`. */
export const AUDIT_OPTIONS = [lockfile, ...REPORT_OPTIONS] as const;

const noCode = toggle('code', {
  flags: '--no-code',
  description:
    'skip the code stage (fetching and analysing the tarballs of what changed); the report says it was skipped. The policy\'s `"code": false` does the same',
});
const showCode = text('showCode', {
  flags: '--show-code <name>',
  description:
    "print the unified diff of the package's changed files between its two versions (escaped for the terminal) instead of the report",
});

/** `depguard diff`: which two sides, the code stage, then all of `audit`'s. */
export const DIFF_OPTIONS = [base, head, staged, noCode, showCode, ...AUDIT_OPTIONS] as const;

export type DiffValues = OptionValues<typeof DIFF_OPTIONS>;

/** `depguard preview`: the package-manager command, then what `diff` reports and how (no sides: preview makes the head). */
export const PREVIEW_OPTIONS = [
  toggle('thenRun', {
    flags: '--then-run',
    description:
      "when the verdict is below `--fail-on` (exit 0), install what was previewed in the project: the lockfile and manifests the command wrote, then the manager's frozen install (`npm ci`, `pnpm install --frozen-lockfile`, `yarn install --immutable`, `bun install --frozen-lockfile`), its output passed through; exit with its code",
  }),
  toggle('force', {
    flags: '--force',
    description:
      'with `--then-run`: install what was previewed even when it has findings at or above `--fail-on` or is incomplete (after a review)',
  }),
  noCode,
  ...REPORT_OPTIONS,
] as const;

export type PreviewValues = OptionValues<typeof PREVIEW_OPTIONS>;
export type AuditValues = OptionValues<typeof AUDIT_OPTIONS>;

/** `approve`'s own flags; its --config is the policy file it writes, which the analysis also reads. */
const APPROVE_OWN_OPTIONS = [
  required('reason', { flags: '--reason <text>', description: 'why it was accepted (required: it is the audit trail)' }),
  value('expires', {
    flags: '--expires <date|duration>',
    description: 'stop applying after this date (`YYYY-MM-DD`) or this long from now (e.g. `30d`)',
    defaultValue: DEFAULT_APPROVAL_TTL,
    parse: (v) => {
      expiryDate(v, Date.now());
      return v;
    },
  }),
  list('rule', {
    flags: '--rule <id>',
    description: `only this rule, repeatable; never ${code(NEVER_IGNORED)} or ${code(ALWAYS_CRITICAL)}`,
    defaultText: 'the rules the version has findings for, as `depguard diff` reports them now',
    parse: (id, flag) => {
      if (!RULE_IDS.includes(id)) throw new UsageError(`${flag}: '${id}' is not a rule (see depguard rules)`);
      if (id === NEVER_IGNORED)
        throw new UsageError(`${flag} ${NEVER_IGNORED}: lockfile tampering is never approved; fix the lockfile entry instead`);
      if (id === ALWAYS_CRITICAL)
        throw new UsageError(`${flag} ${ALWAYS_CRITICAL}: known malware is never approved; remove the version instead`);
      return id;
    },
  }),
  text('config', {
    flags: '--config <path>',
    description: 'the policy file to write',
    defaultText: "the project's, else a new `depguard.config.json`",
  }),
] as const;

/** `depguard approve`: its own flags, then those of `diff` its analysis runs with. */
export const APPROVE_OPTIONS = [
  ...APPROVE_OWN_OPTIONS,
  base,
  head,
  staged,
  lockfile,
  asOf,
  registry,
  cacheDir,
  cacheMaxAge,
  concurrency,
  maxLockfileSize,
  maxResponseSize,
  timeout,
  deadline,
  retries,
  offline,
] as const;

// the other commands

/** `depguard why`. */
export const WHY_OPTIONS = [
  lockfile,
  text('head', {
    flags: '--head <rev|path>',
    description: 'read the lockfile at a git revision, or another lockfile path',
    defaultText: 'the lockfile on disk',
  }),
  value('format', {
    flags: '--format <format>',
    description: 'output format',
    choices: ['text', 'json'],
    defaultValue: 'text',
    parse: (v, flag) => {
      if (v !== 'text' && v !== 'json') throw new UsageError(`${flag} must be text or json, not '${v}'`);
      return v;
    },
  }),
] as const;

export type WhyValues = OptionValues<typeof WHY_OPTIONS>;

/** `depguard sbom`: the lockfile and the output, then the registry flags `--registry-facts` takes (as `audit` has them). */
export const SBOM_OPTIONS = [
  lockfile,
  text('outputFile', {
    flags: '--output-file <path>',
    description: 'write the SBOM to this file instead of standard output (standard error then says so)',
    defaultText: 'standard output',
  }),
  toggle('reproducible', {
    flags: '--reproducible',
    description:
      'the same lockfile gives the same bytes: the serial number is derived from the content, the timestamp is `$SOURCE_DATE_EPOCH` (else left out)',
  }),
  maxLockfileSize,
  toggle('registryFacts', {
    flags: '--registry-facts',
    description:
      "also ask the registry, as `audit` does (`.npmrc`, credentials, cache), for each package's publisher and provenance, recorded as properties only where it serves them; the flags below apply only with it",
  }),
  registry,
  cacheDir,
  cacheMaxAge,
  concurrency,
  maxResponseSize,
  timeout,
  {
    ...deadline,
    description:
      'give up on registry work still outstanding this long after the start: packages not answered by then get no registry facts (exit 3 unless `--allow-incomplete`)',
  },
  retries,
  toggle('offline', {
    flags: '--offline',
    description: 'use only cached registry facts: packages not in the cache get none (exit 3 unless `--allow-incomplete`)',
  }),
  toggle('allowIncomplete', {
    flags: '--allow-incomplete',
    description: 'exit 0 instead of 3 when registry facts could not be had for some packages (the SBOM is written either way)',
  }),
] as const;

export type SbomValues = OptionValues<typeof SBOM_OPTIONS>;

/** The flags of `depguard sbom` that only `--registry-facts` uses. */
export const SBOM_REGISTRY_FLAGS: readonly (keyof SbomValues)[] = SBOM_OPTIONS.slice(
  SBOM_OPTIONS.findIndex((o) => o.name === 'registryFacts') + 1,
).map((o) => o.name);

/** A `--since`/`--until` date: a day (UTC; `--since` from its start, `--until` to its end) or an ISO time (UTC when it names no zone). */
function dateBound(edge: 'start' | 'end'): (value: string, flag: string) => number {
  return (v, flag) => {
    const day = /^\d{4}-\d{2}-\d{2}$/.test(v);
    const time = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})?$/.test(v);
    const at = day ? Date.parse(`${v}T00:00:00Z`) : time ? Date.parse(/(?:Z|[+-]\d{2}:\d{2})$/.test(v) ? v : `${v}Z`) : Number.NaN;
    // Date.parse takes 2018-02-30 for 2018-03-02: a day must come back as it was given
    if (Number.isNaN(at) || new Date(at).toISOString().slice(0, 10) !== v.slice(0, 10))
      throw new UsageError(`${flag} must be a date (YYYY-MM-DD) or an ISO time (2018-11-26T12:00:00Z), not '${v}'`);
    return day && edge === 'end' ? at + 86_400_000 - 1 : at;
  };
}

/** `depguard exposure`. */
export const EXPOSURE_OPTIONS = [
  toggle('all', {
    flags: '--all',
    description: 'walk every branch, local and remote-tracking (`origin/*`), not only the current one; tags are not walked',
  }),
  value('since', {
    flags: '--since <date>',
    description: 'only windows still open on or after this day (`YYYY-MM-DD`, UTC) or time (ISO 8601)',
    defaultText: 'the first commit',
    parse: dateBound('start'),
  }),
  value('until', {
    flags: '--until <date>',
    description: 'only windows that opened by the end of this day (`YYYY-MM-DD`, UTC) or by this time (ISO 8601)',
    defaultText: 'the last commit',
    parse: dateBound('end'),
  }),
  value('format', {
    flags: '--format <format>',
    description: 'output format',
    choices: ['text', 'json', 'markdown'],
    defaultValue: 'text',
    parse: oneOf(['text', 'json', 'markdown'] as const),
  }),
  value('maxLockfileSize', {
    flags: '--max-lockfile-size <mb>',
    description: 'lockfile revisions larger than this many megabytes are not read (they are listed as not read)',
    defaultValue: String(AUDIT_DEFAULTS.maxLockfileBytes / MB),
    parse: megabytes,
  }),
] as const;

export type ExposureValues = OptionValues<typeof EXPOSURE_OPTIONS>;

/** `depguard rules`. */
export const RULES_OPTIONS = [
  text('config', { flags: '--config <path>', description: 'policy file', defaultText: "the project's" }),
] as const;

/** `depguard hook install` (its arguments after `--` are `diff`'s). */
export const HOOK_INSTALL_OPTIONS = [
  toggle('force', { flags: '--force', description: 'install the plain git hook even when husky or lefthook manages the hooks' }),
] as const;

/** `depguard hook uninstall`: none. */
export const HOOK_UNINSTALL_OPTIONS = [] as const;

/** `depguard comment`: the report to post, and how to tell its comment apart. */
export const COMMENT_OPTIONS = [
  required('report', {
    flags: '--report <path>',
    description: 'the JSON report of the run (`depguard diff --json-file` or `--format json --output-file`)',
  }),
  value('failOn', {
    flags: '--fail-on <severity>',
    description: 'the `--fail-on` the run had, for the verdict the comment states',
    choices: SEVERITIES,
    defaultValue: 'high',
    parse: oneOf(SEVERITIES),
  }),
  text('key', {
    flags: '--key <text>',
    description: "tells this run's comment apart from other depguard comments on the pull request (one per project)",
    defaultText: 'none: one depguard comment per pull request',
  }),
] as const;

export type CommentValues = OptionValues<typeof COMMENT_OPTIONS>;

/** The README's flag tables, each under its heading. */
export const README_TABLES: ReadonlyArray<{ readonly command: string; readonly options: readonly CliOption[] }> = [
  { command: 'diff', options: DIFF_OPTIONS },
  { command: 'preview', options: PREVIEW_OPTIONS },
  { command: 'approve', options: APPROVE_OWN_OPTIONS },
  { command: 'why', options: WHY_OPTIONS },
  { command: 'sbom', options: SBOM_OPTIONS },
  { command: 'exposure', options: EXPOSURE_OPTIONS },
  { command: 'hook install', options: HOOK_INSTALL_OPTIONS },
  { command: 'comment', options: COMMENT_OPTIONS },
];

// what the tables drive

/** Declares the table's options on a commander command. */
export function addOptions(command: Command, table: readonly CliOption[]): Command {
  for (const spec of table) {
    const option = new Option(spec.flags, helpText(spec));
    if (option.attributeName() !== spec.name)
      throw new Error(`option table: ${spec.flags} must be named ${option.attributeName()}, not ${spec.name}`);
    if (spec.required) option.makeOptionMandatory();
    if (spec.repeatable) option.argParser((v: string, all: string[] | undefined) => [...(all ?? []), v]);
    command.addOption(option);
  }
  return command;
}

/** The typed values, in table order: the first value that will not do is the error. */
export function parseOptions<Table extends readonly CliOption[]>(
  table: Table,
  raw: Readonly<Record<string, unknown>>,
): OptionValues<Table> {
  return Object.fromEntries(table.map((spec) => [spec.name, spec.parse(raw[spec.name] as Raw)])) as OptionValues<Table>;
}

/** The description with its choices, in Markdown. */
function meaning(spec: CliOption): string {
  return spec.choices ? `${spec.description}: ${or(spec.choices.map(code))}` : spec.description;
}

function defaultOf(spec: CliOption): string {
  return spec.defaultText ?? (spec.defaultValue !== undefined ? code(spec.defaultValue) : '');
}

/** As `--help` shows it: Markdown reduced to plain text, the default after. */
export function helpText(spec: CliOption): string {
  const fallback = defaultOf(spec);
  return plain(meaning(spec)) + (fallback ? ` (default: ${plain(fallback)})` : '');
}

function plain(markdown: string): string {
  return markdown.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/`([^`]*)`/g, '$1');
}

/** The README's table of a command's flags. */
export function optionsTable(table: readonly CliOption[]): string {
  const cell = (s: string): string => s.replaceAll('|', '\\|');
  const rows = table.map((spec) => {
    const fallback = defaultOf(spec);
    return `| ${cell(code(spec.flags))} | ${cell(meaning(spec))} |${fallback ? ` ${cell(fallback)} ` : ' '}|`;
  });
  return `${['| flag | meaning | default |', '| --- | --- | --- |', ...rows].join('\n')}\n`;
}
