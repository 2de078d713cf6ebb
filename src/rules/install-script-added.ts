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
      return { findings: [draft(isNew, now, added, changed, then, isInRangeUpdate(change), everHad)] };
    }
    // Offline: the lockfile (v2/v3) records hasInstallScript, not the command.
    if (change.after!.hasInstallScript && !change.before?.hasInstallScript && !isNew) {
      return {
        findings: [
          {
            severity: isInRangeUpdate(change) ? 'high' : 'medium',
            traits: ['payload:install-script'],
            evidence: { source: 'lockfile', hasInstallScript: true },
            message: `${change.after!.version} runs an install script (lockfile hasInstallScript) and ${change.before!.version} did not`,
          },
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
