import { why } from '../audit.js';
import { pathText } from '../report/wording.js';
import { forTerminal as safe } from '../report/sanitize.js';
import type { Environment } from './environment.js';
import type { WhyValues } from './options.js';
import { splitPackageSpec } from './package-spec.js';

/**
 * `depguard why NAME[@VERSION]`: from the same snapshot the diff uses; a workspace's name finds
 * the workspace. Exit 1 when nothing in the tree matches.
 */
export async function runWhy(spec: string, flags: WhyValues, environment: Environment): Promise<{ text: string; found: boolean }> {
  const { name, version } = splitPackageSpec(spec);
  const result = await why({
    cwd: environment.cwd,
    name,
    ...(version !== undefined ? { version } : {}),
    ...(flags.lockfile ? { lockfile: flags.lockfile } : {}),
    ...(flags.head !== undefined ? { head: flags.head } : {}),
  });
  const { lockfile, copies, otherVersions = [] } = result;
  if (flags.format === 'json')
    return { text: `${JSON.stringify({ schemaVersion: 1, command: 'why', ...result }, null, 2)}\n`, found: copies.length > 0 };
  if (copies.length === 0) {
    const others = otherVersions.length > 0 ? ` (it has ${safe(name)} ${otherVersions.map((v) => safe(v)).join(', ')})` : '';
    return { text: `${safe(spec)} is not in ${safe(lockfile)}${others}\n`, found: false };
  }
  const lines: string[] = [];
  for (const c of copies) {
    const marks = `${c.workspace ? '  (workspace)' : ''}${c.dev ? '  (dev)' : ''}${c.optional ? '  (optional)' : ''}`;
    lines.push(`${safe(c.name)}@${safe(c.version)}  ${safe(c.location)}${marks}`);
    for (const p of c.paths) lines.push(`  ${safe(pathText(p))}`);
    if (c.truncated) lines.push(`  … more paths not shown`);
  }
  return { text: `${lines.join('\n')}\n`, found: true };
}
