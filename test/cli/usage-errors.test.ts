import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  APPROVE_OPTIONS,
  AUDIT_OPTIONS,
  type CliOption,
  DIFF_OPTIONS,
  HOOK_INSTALL_OPTIONS,
  RULES_OPTIONS,
  WHY_OPTIONS,
} from '../../src/cli/options.js';
import { runCli, type CliResult } from '../helpers/cli.js';

/** Each command as typed, with the arguments it needs before its flags, and its flags. */
const COMMANDS: ReadonlyArray<{ readonly argv: readonly string[]; readonly options: readonly CliOption[] }> = [
  { argv: ['diff'], options: DIFF_OPTIONS },
  { argv: ['audit'], options: AUDIT_OPTIONS },
  { argv: ['why', 'event-stream'], options: WHY_OPTIONS },
  { argv: ['approve', 'event-stream@3.3.6', '--reason', 'r'], options: APPROVE_OPTIONS },
  { argv: ['rules'], options: RULES_OPTIONS },
  { argv: ['explain', 'publisher-changed'], options: [] },
  { argv: ['hook', 'install'], options: HOOK_INSTALL_OPTIONS },
  { argv: ['hook', 'uninstall'], options: [] },
];

/** A value each checked flag refuses. */
const BAD_VALUE: Readonly<Record<string, string>> = { '--as-of': 'someday', '--expires': 'soon' };

const flagOf = (option: CliOption): string => option.flags.split(' ')[0]!;
const takesValue = (option: CliOption): boolean => option.flags.includes('<');

/**
 * Every flag once, with the first command that declares it (diff, audit and approve share most:
 * commander builds each from the same table), and whether it is checked beyond commander.
 */
const FLAGS = (() => {
  const seen = new Set<string>();
  const out: Array<{ argv: readonly string[]; option: CliOption }> = [];
  for (const { argv, options } of COMMANDS)
    for (const option of options.filter(takesValue)) {
      if (seen.has(option.flags)) continue;
      seen.add(option.flags);
      out.push({ argv, option });
    }
  return out;
})();
const checked = (o: CliOption): boolean =>
  o.choices !== undefined || o.defaultValue !== undefined || o.repeatable === true || flagOf(o) in BAD_VALUE;

/** Spawning the CLI takes a while on a loaded machine. */
const SLOW = 180_000;

/** Runs every case in an empty folder, a few at a time (the machine is shared). */
async function runAll(cases: ReadonlyArray<readonly string[]>): Promise<CliResult[]> {
  const cwd = mkdtempSync(path.join(os.tmpdir(), 'usage-'));
  const results: CliResult[] = [];
  for (let i = 0; i < cases.length; i += 6) results.push(...(await Promise.all(cases.slice(i, i + 6).map((c) => runCli([...c], { cwd })))));
  return results;
}

/** The documented shape of every argument error: nothing on stdout, one `depguard:` line on stderr, exit 2. */
function expectUsageError(result: CliResult, args: readonly string[], stderr: string | RegExp): void {
  const what = args.join(' ');
  expect(result.code, what).toBe(2);
  expect(result.stdout, what).toBe('');
  if (typeof stderr === 'string') expect(result.stderr, what).toBe(stderr);
  else expect(result.stderr, what).toMatch(stderr);
  expect(result.stderr, what).toMatch(/^depguard: [^\n]*\n$/);
}

describe('argument errors: one depguard: line and exit 2, for every command', () => {
  it(
    'an unknown flag, with commander suggestion on the same line',
    async () => {
      const cases = COMMANDS.flatMap(({ argv }) => [
        [...argv, '--bogus'],
        [...argv, '-x'],
      ]);
      const results = await runAll([...cases, ['diff', '--formt', 'json'], ['--bogus']]);
      cases.forEach((args, i) => {
        expectUsageError(results[i]!, args, `depguard: unknown option '${args.at(-1)}'\n`);
      });
      expectUsageError(results.at(-2)!, ['diff', '--formt'], "depguard: unknown option '--formt' (did you mean --format?)\n");
      expectUsageError(results.at(-1)!, ['--bogus'], "depguard: unknown option '--bogus'\n");
    },
    SLOW,
  );

  it(
    'a flag without its value, for every flag that takes one',
    async () => {
      const cases = FLAGS.map(({ argv, option }) => ({ args: [...argv, flagOf(option)], flags: option.flags }));
      expect(cases.length).toBeGreaterThan(20);
      const results = await runAll(cases.map((c) => c.args));
      cases.forEach(({ args, flags }, i) => {
        expectUsageError(results[i]!, args, `depguard: option '${flags}' argument missing\n`);
      });
    },
    SLOW,
  );

  it(
    'a value a checked flag refuses, for every checked flag',
    async () => {
      const cases = FLAGS.filter(({ option }) => checked(option)).map(({ argv, option }) => [
        ...argv,
        flagOf(option),
        BAD_VALUE[flagOf(option)] ?? 'bogus',
      ]);
      expect(cases.map((c) => c.at(-2)).sort()).toEqual(
        [
          '--as-of',
          '--cache-max-age',
          '--concurrency',
          '--deadline',
          '--expires',
          '--fail-on',
          '--format',
          '--max-lockfile-size',
          '--max-response-size',
          '--retries',
          '--rule',
          '--timeout',
        ].sort(),
      );
      const results = await runAll(cases);
      cases.forEach((args, i) => {
        expectUsageError(results[i]!, args, new RegExp(`^depguard: ${args.at(-2)}[ :]`));
      });
    },
    SLOW,
  );

  it(
    'unknown commands, missing and extra arguments, a missing required flag',
    async () => {
      const cases: Array<[string[], string]> = [
        [['frob'], "depguard: unknown command 'frob'\n"],
        [['dif'], "depguard: unknown command 'dif' (did you mean diff?)\n"],
        [['hook', 'frob'], "depguard: unknown command 'frob'\n"],
        [['help', 'frob'], "depguard: unknown command 'frob' (see depguard --help)\n"],
        [['hook', 'help', 'frob'], "depguard: unknown command 'frob' (see depguard hook --help)\n"],
        [['why'], "depguard: missing required argument 'package'\n"],
        [['explain'], "depguard: missing required argument 'rule'\n"],
        [['approve', '--reason', 'r'], "depguard: missing required argument 'package@version'\n"],
        [['approve', 'event-stream@3.3.6'], "depguard: required option '--reason <text>' not specified\n"],
        [
          ['approve', 'event-stream', '--reason', 'r'],
          "depguard: approve takes PACKAGE@VERSION with an exact version, not 'event-stream'\n",
        ],
        [['why', 'a', 'b'], "depguard: too many arguments for 'why'. Expected 1 argument but got 2.\n"],
        [['audit', 'x'], "depguard: too many arguments for 'audit'. Expected 0 arguments but got 1.\n"],
        [['rules', 'x'], "depguard: too many arguments for 'rules'. Expected 0 arguments but got 1.\n"],
        [['hook', 'uninstall', 'x'], "depguard: too many arguments for 'uninstall'. Expected 0 arguments but got 1.\n"],
        [['explain', 'nope'], "depguard: 'nope' is not a rule (see depguard rules)\n"],
      ];
      const results = await runAll(cases.map(([args]) => args));
      cases.forEach(([args, stderr], i) => {
        expectUsageError(results[i]!, args, stderr);
      });
    },
    SLOW,
  );

  it('help is not an error: on stdout, exit 0, for the program, a command and a hook command', async () => {
    const results = await runAll([['help'], ['help', 'diff'], ['hook', 'help', 'install'], ['why', '--help']]);
    for (const r of results) {
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
      expect(r.stdout).toMatch(/^Usage: depguard/);
    }
  });
});
