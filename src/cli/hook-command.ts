import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { UsageError } from '../errors.js';
import { applyInstall, applyUninstall, readHooksDir } from '../hook/hooks-dir.js';
import { readRepoFacts } from '../hook/locate.js';
import { detectManagers } from '../hook/managers.js';
import { planInstall, planUninstall, type HooksDirState, type InstallPlan, type UninstallPlan } from '../hook/plan.js';
import { renderHookScript } from '../hook/script.js';
import { managerSnippet } from '../hook/snippets.js';
import { addOptions, DIFF_OPTIONS, HOOK_INSTALL_OPTIONS, HOOK_UNINSTALL_OPTIONS, parseOptions } from './options.js';

/** The running depguard's bin: the hook calls it, with the node running now. */
const BIN = fileURLToPath(new URL('../../bin/depguard.js', import.meta.url));

/** Flags the hook sets itself for each staged lockfile. */
const SET_BY_HOOK = ['base', 'head', 'staged', 'lockfile'] as const;

/** `hook install` and `hook uninstall`; returns the `hook` command. */
export function registerHookCommand(cli: Command): Command {
  const hook = cli.command('hook').description('install or remove the git pre-commit hook that audits staged lockfiles');
  addOptions(
    hook
      .command('install')
      .description(
        'install a pre-commit hook running depguard diff --staged when a lockfile is staged (an existing hook is chained, not overwritten)',
      )
      .argument('[diff-args...]', 'arguments for depguard diff, after -- (e.g. -- --fail-on critical)'),
    HOOK_INSTALL_OPTIONS,
  ).action(async (diffArgs: string[], raw: Record<string, unknown>) => {
    const { force } = parseOptions(HOOK_INSTALL_OPTIONS, raw);
    process.stdout.write(await install(process.cwd(), diffArgs, force));
  });
  addOptions(
    hook.command('uninstall').description('remove the depguard pre-commit hook and put back the hook it chained'),
    HOOK_UNINSTALL_OPTIONS,
  ).action(async () => {
    process.stdout.write(await uninstall(process.cwd()));
  });
  return hook;
}

async function install(cwd: string, diffArgs: string[], force: boolean): Promise<string> {
  checkDiffArgs(diffArgs);
  const facts = await readRepoFacts(cwd);
  const managers = detectManagers(facts);
  if (managers.length > 0 && !force) {
    const advice = managers.map(
      (m) => `${m.name} manages this repository's git hooks: add this to ${m.file}\n\n${managerSnippet(m, diffArgs)}\n`,
    );
    return `${advice.join('')}Nothing was written (depguard hook install --force installs the plain git hook anyway).\n`;
  }
  const script = renderHookScript({ node: process.execPath, bin: BIN, diffArgs });
  const state = await readHooksDir(facts.hooksDir);
  const plan = planInstall(state, script);
  await applyInstall(state, plan, script);
  return describeInstall(state, plan, script);
}

async function uninstall(cwd: string): Promise<string> {
  const state = await readHooksDir((await readRepoFacts(cwd)).hooksDir);
  const plan = planUninstall(state);
  await applyUninstall(state, plan);
  return describeUninstall(state, plan);
}

/** Rejects, at install time, arguments that would make the hook fail on every commit. */
function checkDiffArgs(args: string[]): void {
  const diff = new Command('diff').exitOverride().configureOutput({ writeOut: () => {}, writeErr: () => {} });
  addOptions(diff, DIFF_OPTIONS);
  try {
    diff.parse(args, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError)
      throw new UsageError(`arguments after -- (for depguard diff): ${error.message.replace(/^error: /, '')}`);
    throw error;
  }
  const raw = diff.opts();
  const taken = SET_BY_HOOK.find((flag) => raw[flag] !== undefined);
  if (taken !== undefined)
    throw new UsageError(`the hook sets --staged and --lockfile itself: leave --${taken} out of the arguments after --`);
  // each value checked as `diff` will check it (--fail-on absent falls back to the policy then, whatever it is)
  parseOptions(DIFF_OPTIONS, raw);
}

function describeInstall(state: HooksDirState, plan: InstallPlan, script: string): string {
  if (plan.kind === 'unchanged') return `The depguard hook is already installed: ${state.hookPath} (nothing changed)\n`;
  let out = '';
  if (plan.moveExisting)
    out += `Moved ${state.hookPath} to ${state.chainedPath}: it runs first, and depguard hook uninstall puts it back.\n`;
  else if (plan.chained) out += `Found ${state.chainedPath} from an earlier install: it runs first.\n`;
  return `${out}Wrote ${state.hookPath}:\n\n${script}`;
}

function describeUninstall(state: HooksDirState, plan: UninstallPlan): string {
  if (plan.restoreChained)
    return `${plan.removeHook ? 'Removed the depguard hook and restored' : 'Restored'} ${state.hookPath} from ${state.chainedPath}.\n`;
  if (plan.removeHook) return `Removed ${state.hookPath}.\n`;
  return `No depguard hook in ${state.hookPath}: nothing to uninstall.\n`;
}
