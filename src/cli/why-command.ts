import { why } from '../audit.js';
import { pathText } from '../report/wording.js';
import { forTerminal as safe } from '../report/sanitize.js';
import type { Environment } from './environment.js';
import type { WhyValues } from './options.js';

/** `depguard why NAME`: from the same snapshot the diff uses. Exit 1 when the package is not in the tree. */
export async function runWhy(name: string, flags: WhyValues, environment: Environment): Promise<{ text: string; found: boolean }> {
  const {
    lockfile,
    package: pkg,
    copies,
  } = await why({
    cwd: environment.cwd,
    name,
    ...(flags.lockfile ? { lockfile: flags.lockfile } : {}),
    ...(flags.head !== undefined ? { head: flags.head } : {}),
  });
  if (flags.format === 'json')
    return {
      text: `${JSON.stringify({ schemaVersion: 1, command: 'why', lockfile, package: pkg, copies }, null, 2)}\n`,
      found: copies.length > 0,
    };
  if (copies.length === 0) return { text: `${safe(name)} is not in ${safe(lockfile)}\n`, found: false };
  const lines: string[] = [];
  for (const c of copies) {
    lines.push(`${safe(c.name)}@${safe(c.version)}  ${safe(c.location)}${c.dev ? '  (dev)' : ''}${c.optional ? '  (optional)' : ''}`);
    for (const p of c.paths) lines.push(`  ${safe(pathText(p))}`);
    if (c.truncated) lines.push(`  … more paths not shown`);
  }
  return { text: `${lines.join('\n')}\n`, found: true };
}
