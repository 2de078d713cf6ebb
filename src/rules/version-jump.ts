import { isVersionChange } from '../model.js';
import semver from 'semver';
import { DAY, days, defineRule, isoDate, omitted, type Trait } from './rule.js';
import { type Severity, maxSeverity } from '../severity.js';

const DORMANT = 365 * DAY;
const COMMON_PRERELEASE = /^(alpha|beta|rc|next|canary|dev|pre|preview|nightly|insiders|experimental|snapshot|build|test)$/i;

interface Signal {
  readonly trait: Trait;
  readonly severity: Severity;
  readonly text: string;
  readonly detail: Record<string, unknown>;
}

export const versionJump = defineRule({
  id: 'version-jump',
  title: 'A suspicious release: after long dormancy, a downgrade, a far jump, an odd pre-release, out of order',
  defaultSeverity: 'low',
  metadata: 'required',
  appliesTo: isVersionChange,
  check({ change, facts }) {
    const from = change.before!.version;
    const to = change.after!.version;
    const signals: Signal[] = [];
    if (change.kind === 'downgraded') {
      signals.push({ trait: 'release:downgrade', severity: 'low', text: `downgraded from ${from}`, detail: {} });
    }
    const pre = semver.prerelease(to);
    if (pre && !semver.prerelease(from)) {
      const tag = String(pre[0]);
      const odd = !COMMON_PRERELEASE.test(tag);
      signals.push({
        trait: 'release:odd-prerelease',
        severity: odd ? 'medium' : 'low',
        text: odd ? `an unusual pre-release tag "${tag}" replaces a stable version` : `a pre-release replaces the stable ${from}`,
        detail: { prerelease: tag },
      });
    }
    let timesKnown = false;
    if (facts && facts.publishTimes.size > 0) {
      timesKnown = true;
      const times = facts.publishTimes;
      const tFrom = times.get(from);
      const tTo = times.get(to);
      if (tFrom !== undefined && tTo !== undefined && tTo > tFrom) {
        const window = [...times.entries()]
          .filter(([, t]) => t >= tFrom && t <= tTo)
          .map(([, t]) => t)
          .sort((a, b) => a - b);
        let gap = 0;
        let gapStart = tFrom;
        for (let i = 1; i < window.length; i++) {
          if (window[i]! - window[i - 1]! > gap) {
            gap = window[i]! - window[i - 1]!;
            gapStart = window[i - 1]!;
          }
        }
        if (gap >= DORMANT) {
          signals.push({
            trait: 'release:dormant',
            severity: 'low',
            text: `released after ${(gap / (365 * DAY)).toFixed(1)} years without a release (${isoDate(gapStart)} to ${isoDate(gapStart + gap)})`,
            detail: { dormantDays: days(gap), dormantFrom: isoDate(gapStart), dormantUntil: isoDate(gapStart + gap) },
          });
        }
      }
      const parsed = semver.parse(to);
      if (parsed && tTo !== undefined) {
        const earlier = [...times.entries()].filter(([v, t]) => t < tTo && semver.valid(v)).map(([v]) => v);
        const highestEarlier = earlier.sort(semver.compare).at(-1);
        if (highestEarlier && parsed.major - semver.major(highestEarlier) >= 2) {
          signals.push({
            trait: 'release:skip-ahead',
            severity: 'medium',
            text: `skips from ${highestEarlier} straight to ${to}`,
            detail: { highestEarlier },
          });
        }
        const overtaken = earlier.filter((v) => semver.major(v) === parsed.major && semver.gt(v, to) && !semver.prerelease(v));
        if (overtaken.length && !pre) {
          const highest = overtaken.sort(semver.compare).at(-1)!;
          signals.push({
            trait: 'release:out-of-order',
            severity: 'low',
            text: `published after ${highest} of the same major line`,
            detail: { publishedAfter: highest },
          });
        }
      }
    } else if (facts) {
      // Without times only the version numbers can be judged.
      const highest = [...facts.versions.keys()]
        .filter((v) => semver.valid(v) && semver.lt(v, to))
        .sort(semver.compare)
        .at(-1);
      if (highest && semver.valid(to) && semver.major(to) - semver.major(highest) >= 2) {
        signals.push({
          trait: 'release:skip-ahead',
          severity: 'medium',
          text: `skips from ${highest} straight to ${to}`,
          detail: { highestEarlier: highest },
        });
      }
    }
    const untimed =
      facts && !timesKnown
        ? {
            unchecked: 'the registry sent no trustworthy publish times, so dormancy and publishing order were not checked',
            ...(omitted(facts, 'time') ? { missing: 'time' as const } : {}),
          }
        : {};
    if (signals.length === 0) return { findings: [], ...untimed };
    const severity = signals.map((s) => s.severity).reduce(maxSeverity);
    return {
      findings: [
        {
          severity,
          traits: signals.map((s) => s.trait),
          evidence: Object.assign({ signals: signals.map((s) => s.trait.slice('release:'.length)) }, ...signals.map((s) => s.detail)),
          message: `${to}: ${signals.map((s) => s.text).join('; ')}`,
        },
      ],
      ...untimed,
    };
  },
});
