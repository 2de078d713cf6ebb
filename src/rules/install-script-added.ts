import { scriptGate, type ScriptGate, type ScriptManager } from './script-gate.js';
import { isInRangeUpdate, type VersionFacts } from '../model.js';
import { publishedBefore, releaseOrder } from './history.js';
import { isInertScript } from './inert-script.js';
import { defineRule, isoDate, pass, type Draft } from './rule.js';

export const installScriptAdded = defineRule({
  id: 'install-script-added',
  title: 'The new version runs code at install time and the previous one did not (or runs different code)',
  defaultSeverity: 'high',
  metadata: 'optional',
  appliesTo: (change) => change.after !== null && change.kind !== 'source-changed',
  check({ change, facts, before, after, now: at, settings }) {
    const isNew = change.before === null;
    // what the project's package manager does with the scripts (only asked of a finding)
    const gate = (finding: Draft): Draft =>
      gated(finding, scriptGate(settings.scriptPolicies, change.after!.format, change.name, change.after!.version));
    if (after) {
      const now = installCommands(after);
      if (Object.keys(now).length === 0) return pass;
      const then = before ? installCommands(before) : change.before?.hasInstallScript ? null : {};
      if (then === null) return pass; // the lockfile says the old one had a script too; its text is unknown
      const added = Object.keys(now).filter((k) => !Object.hasOwn(then, k));
      const changed = Object.keys(now).filter((k) => Object.hasOwn(then, k) && then[k] !== now[k]);
      if (added.length === 0 && changed.length === 0) return pass;
      // a precedent is one the attacker could not have written: released before the version you
      // had, and older than the cooldown (an intermediate release hours old vouches for nothing)
      const locked = before ?? (change.before ? facts?.versions.get(change.before.version) : undefined);
      const precedent =
        facts && locked
          ? [...facts.versions.values()]
              .filter(
                (v) =>
                  v.version !== after.version &&
                  (v.version === locked.version || publishedBefore(v, locked)) &&
                  (v.publishedAt === undefined || at - v.publishedAt >= settings.minReleaseAgeMs) &&
                  sameScripts(installCommands(v), now),
              )
              .sort((a, b) => releaseOrder(b, a))[0]
          : undefined;
      const everHad = precedent ? { version: precedent.version, publishedAt: isoDate(precedent.publishedAt) ?? null } : null;
      return { findings: [gate(draft(isNew, now, added, changed, then, isInRangeUpdate(change), everHad))] };
    }
    // Offline: the lockfile (v2/v3) records hasInstallScript, not the command.
    if (change.after!.hasInstallScript && !change.before?.hasInstallScript && !isNew) {
      return {
        findings: [
          gate({
            severity: isInRangeUpdate(change) ? 'high' : 'medium',
            traits: ['payload:install-script'],
            evidence: { source: 'lockfile', hasInstallScript: true },
            message: `${change.after!.version} runs an install script (lockfile hasInstallScript) and ${change.before!.version} did not`,
          }),
        ],
      };
    }
    return pass;
  },
});

function draft(
  isNew: boolean,
  now: Record<string, string>,
  added: string[],
  changed: string[],
  then: Record<string, string>,
  inRange: boolean,
  everHad: { version: string; publishedAt: string | null } | null,
): Draft {
  const describe = (k: string): string => `${k}: ${JSON.stringify(now[k])}`;
  const parts = [
    ...added.map((k) => `adds ${describe(k)}`),
    ...changed.map((k) => `changes ${k} from ${JSON.stringify(then[k])} to ${JSON.stringify(now[k])}`),
  ];
  // A brand-new package with an install script is common (native addons); an update that
  // starts running code at install is the eslint-scope / ua-parser-js / Shai-Hulud pattern.
  // A script that only prints runs no code (circular-json 0.5.7's notice of its successor).
  const inert = [...added, ...changed].every((k) => isInertScript(now[k]!));
  const severity = isNew || everHad || inert ? 'low' : inRange ? 'high' : 'medium';
  return {
    severity,
    // a script coming back, or one that only prints, is not new code arriving: no payload trait to combine
    traits: isNew || everHad || inert ? [] : ['payload:install-script'],
    evidence: {
      scripts: now,
      added,
      changed,
      previous: then,
      source: 'registry',
      earlierVersionHadSameScripts: everHad?.version ?? null,
      printsOnly: inert,
    },
    message: isNew
      ? `new package runs code at install: ${Object.keys(now).map(describe).join(', ')}`
      : `${parts.join('; ')}${inert ? ' (it only prints: no program is run)' : ''}${everHad ? ` (${everHad.version}${everHad.publishedAt ? `, published ${everHad.publishedAt}` : ''}, before the version you had, had the same scripts)` : ''}`,
  };
}

const MANAGER_NAMES: Readonly<Record<ScriptManager, string>> = { npm: 'npm', pnpm: 'pnpm', yarn: 'Yarn', bun: 'Bun' };

/**
 * The finding as the project's package manager makes it matter (see script-gate.ts):
 * an entry that lets every version of the name run its scripts lets this new code run unasked
 * (high, whatever the grading above said), and so does an entry the change itself adds; a script
 * the manager does not run, on the base and the head alike, is info and no payload. An entry
 * pinned to this very version is a decision someone made about it: the grading stands.
 */
function gated(finding: Draft, gate: ScriptGate): Draft {
  if (gate.kind === 'runs') return finding;
  const manager = MANAGER_NAMES[gate.manager];
  if (gate.kind === 'blocked')
    return {
      ...finding,
      severity: 'info',
      // blocked, it runs nothing here; a release that carries one still says something of who published it
      traits: finding.traits.includes('payload:install-script') ? ['payload:blocked-script'] : [],
      evidence: { ...finding.evidence, blockedBy: { manager: gate.manager, reason: gate.reason } },
      message: `${finding.message}; ${manager} does not run it: ${gate.reason}`,
    };
  const { entry, byName, addedByThisChange } = gate;
  const allowedBy = { manager: gate.manager, setting: entry.setting, entry: entry.entry, byName, addedByThisChange };
  const how = byName ? 'by name' : 'for this version';
  const message = addedByThisChange
    ? `${finding.message}; this change lets it run: it adds ${JSON.stringify(entry.entry)} to ${entry.setting} (${manager}), ${how}`
    : `${finding.message}; allowed to run ${how} by ${entry.setting} (${manager}): ${JSON.stringify(entry.entry)}`;
  const raise = byName || addedByThisChange;
  return { ...finding, ...(raise ? { severity: 'high' as const } : {}), evidence: { ...finding.evidence, allowedBy }, message };
}

/** preinstall/install/postinstall, and the implicit `node-gyp rebuild` of a package with binding.gyp. */
function installCommands(v: VersionFacts): Record<string, string> {
  const scripts: Record<string, string> = { ...v.installScripts };
  if (v.gypfile && !scripts.install && !scripts.preinstall) scripts.install = 'node-gyp rebuild';
  return scripts;
}

function sameScripts(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a[k] === b[k]);
}
