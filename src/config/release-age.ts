import ini from 'ini';
import { parseDuration } from '../duration.js';
import type { ProjectFiles } from './project-files.js';

/** The cooldown depguard applies when the project states none. */
export const DEFAULT_MIN_RELEASE_AGE_MS = 3 * 86_400_000;

export interface ReleaseAge {
  readonly ms: number;
  readonly source: string;
}

/**
 * The project's own cooldown setting, in the package managers' units: npm's `min-release-age`
 * (.npmrc, days), pnpm's `minimumReleaseAge` (pnpm-workspace.yaml, minutes) or
 * `minimum-release-age` (.npmrc, minutes), Yarn's `npmMinimalAgeGate` (.yarnrc.yml, minutes
 * or a duration like "3d"). Null when none is set.
 */
export function projectReleaseAge(files: ProjectFiles): ReleaseAge | null {
  const npmrc = files['.npmrc'];
  if (npmrc !== null) {
    const parsed = ini.parse(npmrc) as Record<string, unknown>;
    const days = Number(parsed['min-release-age']);
    if (parsed['min-release-age'] !== undefined && Number.isFinite(days) && days >= 0)
      return { ms: days * 86_400_000, source: `.npmrc min-release-age=${days}` };
    const minutes = Number(parsed['minimum-release-age']);
    if (parsed['minimum-release-age'] !== undefined && Number.isFinite(minutes) && minutes >= 0)
      return { ms: minutes * 60_000, source: `.npmrc minimum-release-age=${minutes}` };
  }
  const pnpm = topLevelYamlValue(files['pnpm-workspace.yaml'], 'minimumReleaseAge');
  if (pnpm !== null && Number.isFinite(Number(pnpm)))
    return { ms: Number(pnpm) * 60_000, source: `pnpm-workspace.yaml minimumReleaseAge: ${pnpm}` };
  const yarn = topLevelYamlValue(files['.yarnrc.yml'], 'npmMinimalAgeGate');
  if (yarn !== null) {
    const ms = Number.isFinite(Number(yarn)) ? Number(yarn) * 60_000 : parseDuration(yarn);
    if (ms !== null) return { ms, source: `.yarnrc.yml npmMinimalAgeGate: ${yarn}` };
  }
  return null;
}

/** A scalar at column 0 (`key: value  # comment`); enough for these one-line settings. */
function topLevelYamlValue(text: string | null, key: string): string | null {
  if (text === null) return null;
  const match = new RegExp(`^${key}:\\s*["']?([^"'#\\s]+)["']?\\s*(#.*)?$`, 'm').exec(text);
  return match ? match[1]! : null;
}
