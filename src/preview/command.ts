import { UsageError } from '../errors.js';

/** The package managers `depguard preview` runs. */
const MANAGERS = ['npm', 'pnpm', 'yarn', 'bun'] as const;
export type ManagerName = (typeof MANAGERS)[number];

/** A package-manager command as the user typed it after `--`: never through a shell. */
export interface PreviewCommand {
  readonly manager: ManagerName;
  /** The arguments after the manager's name, as given (the subcommand first). */
  readonly args: readonly string[];
}

/**
 * The subcommands that change what is locked, by manager, with their aliases. Anything else
 * (`npm ci`, `exec`, `run`, `npx`-like commands, `publish`) is refused: preview is for commands
 * that add, update or remove dependencies, and only those have a lockfile-only mode.
 */
const SUBCOMMANDS: Readonly<Record<ManagerName, readonly string[]>> = {
  npm: ['install', 'add', 'update', 'uninstall', 'remove', 'dedupe'],
  pnpm: ['install', 'add', 'update', 'remove', 'dedupe'],
  yarn: ['install', 'add', 'up', 'remove', 'dedupe'],
  bun: ['install', 'add', 'update', 'remove'],
};

/** Their short spellings, as each manager accepts them. */
const ALIASES: Readonly<Record<ManagerName, readonly string[]>> = {
  npm: ['i', 'in', 'ins', 'inst', 'insta', 'instal', 'up', 'upgrade', 'rm', 'r', 'un', 'unlink', 'ddp'],
  pnpm: ['i', 'up', 'upgrade', 'rm', 'uninstall', 'un'],
  yarn: [],
  bun: ['i', 'a', 'rm'],
};

/**
 * Options that would undo lockfile-only and scripts-off, send the manager out of the temporary
 * copy, or make it use another registry than the one depguard checks against (by name, without
 * dashes or a `no-` prefix). Each is refused whatever its value: depguard sets what it needs.
 */
const REFUSED_OPTIONS: Readonly<Record<string, string>> = {
  'ignore-scripts': 'scripts are always off in the preview',
  'enable-scripts': 'scripts are always off in the preview',
  trust: 'it runs install scripts',
  'package-lock': 'the preview only writes the lockfile',
  'package-lock-only': 'the preview only writes the lockfile',
  'lockfile-only': 'the preview only writes the lockfile',
  lockfile: 'the preview only writes the lockfile',
  'frozen-lockfile': 'the preview writes a new lockfile',
  'save-text-lockfile': 'depguard reads the lockfile the project has',
  mode: 'the preview sets --mode update-lockfile',
  global: 'a global install has no project lockfile',
  g: 'a global install has no project lockfile',
  location: 'a global install has no project lockfile',
  prefix: 'the manager runs in the copy of the project',
  dir: 'the manager runs in the copy of the project',
  C: 'the manager runs in the copy of the project',
  cwd: 'the manager runs in the copy of the project',
  'global-dir': 'a global install has no project lockfile',
  registry: "pass depguard's own --registry, so the lockfile and the check use the same registry",
  userconfig: 'the configuration read is the one depguard reads',
  globalconfig: 'the configuration read is the one depguard reads',
  config: 'the configuration read is the one depguard reads',
  pnpmfile: 'project hooks are not run in the preview',
  'ignore-pnpmfile': 'project hooks are not run in the preview',
  'script-shell': 'scripts are always off in the preview',
};

/** Short options that take their letter from REFUSED_OPTIONS, also inside a cluster (`-gD`). */
const REFUSED_SHORT = ['g', 'C'];

/** The words after `--`: the manager and its arguments, checked. */
export function parsePreviewCommand(words: readonly string[]): PreviewCommand {
  const [manager, ...args] = words;
  if (manager === undefined)
    throw new UsageError('preview takes the package-manager command after --, e.g. depguard preview -- npm install event-stream@3.3.6');
  if (!(MANAGERS as readonly string[]).includes(manager))
    throw new UsageError(`preview runs ${MANAGERS.join(', ')}, not '${manager}' (e.g. depguard preview -- npm install left-pad)`);
  const name = manager as ManagerName;
  const sub = args[0];
  // `yarn` alone is `yarn install`
  if (sub !== undefined && !sub.startsWith('-') && !SUBCOMMANDS[name].includes(sub) && !ALIASES[name].includes(sub))
    throw new UsageError(
      `preview runs the ${name} commands that change the lockfile (${SUBCOMMANDS[name].join(', ')}), not '${name} ${sub}'`,
    );
  if (sub === undefined && name !== 'yarn') throw new UsageError(`preview needs a ${name} command, e.g. ${name} install`);
  for (const arg of args) checkOption(name, arg);
  return { manager: name, args };
}

function checkOption(manager: ManagerName, arg: string): void {
  if (arg === '--') throw new UsageError(`${manager}: arguments after a second -- are not passed through by preview`);
  if (/^-[A-Za-z]+$/.test(arg)) {
    const letter = [...arg.slice(1)].find((c) => REFUSED_SHORT.includes(c));
    if (letter !== undefined) throw refused(manager, arg, REFUSED_OPTIONS[letter]!);
    return;
  }
  if (!arg.startsWith('--')) return;
  const name = arg.slice(2).split('=')[0]!.replace(/^no-/, '');
  const key = name.startsWith('config.') ? 'config' : name;
  const why = REFUSED_OPTIONS[key];
  if (why !== undefined) throw refused(manager, arg, why);
}

function refused(manager: ManagerName, arg: string, why: string): UsageError {
  return new UsageError(`preview refuses ${manager}'s ${arg.split('=')[0]}: ${why}`);
}

/** The command run in the temporary copy: lockfile-only, scripts off (npm, pnpm and Bun by flag; Yarn by environment too). */
export function lockfileOnlyArgs(command: PreviewCommand): string[] {
  const args = command.args.length > 0 ? [...command.args] : ['install'];
  switch (command.manager) {
    case 'npm':
      return [...args, '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund'];
    case 'pnpm':
      return [...args, '--lockfile-only', '--ignore-scripts', '--ignore-pnpmfile'];
    case 'yarn':
      return [...args, '--mode', 'update-lockfile'];
    case 'bun':
      return [...args, '--lockfile-only', '--ignore-scripts'];
  }
}

/**
 * `--then-run`, second half: the install of exactly the lockfile that was previewed (put in place
 * with the manifests): each manager's frozen install, which fails rather than resolve again, and
 * checks every package against the lockfile's integrity. npm's is `npm ci`, which replaces
 * node_modules.
 */
export function frozenInstallArgs(manager: ManagerName): string[] {
  switch (manager) {
    case 'npm':
      return ['ci', '--no-audit', '--no-fund'];
    case 'pnpm':
      return ['install', '--frozen-lockfile'];
    case 'yarn':
      return ['install', '--immutable'];
    case 'bun':
      return ['install', '--frozen-lockfile'];
  }
}

/** The command as the user typed it, for messages. */
export function describeCommand(command: PreviewCommand): string {
  return [command.manager, ...command.args].map((w) => (/^[\w@./:=^~<>-]+$/.test(w) ? w : JSON.stringify(w))).join(' ');
}

/** The lockfile each manager writes, by preference (npm's shrinkwrap first, as npm reads it). */
export const MANAGER_LOCKFILES: Readonly<Record<ManagerName, readonly string[]>> = {
  npm: ['npm-shrinkwrap.json', 'package-lock.json'],
  pnpm: ['pnpm-lock.yaml'],
  yarn: ['yarn.lock'],
  bun: ['bun.lock', 'bun.lockb'],
};
