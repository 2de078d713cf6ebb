import { readFileSync } from 'node:fs';
import type { Packument } from '../../scripts/fixture-registry.mjs';

/** A copy time as the mirror here writes it: when it copied the document, not when anything was published. */
const COPIED = '2025-10-03T05:02:10.381000+00:00';

/**
 * Registry documents in the shape of the mirror these machines reach (no `_npmUser`, no
 * `maintainers`, its own copy times without `created`/`modified`), for every package version an
 * npm lockfile (v2/v3) locks: each version's manifest holds what the lockfile recorded of it.
 */
export function lockfileDocuments(...lockfiles: string[]): Map<string, Packument> {
  const docs = new Map<string, Packument>();
  for (const file of lockfiles) {
    const lock = JSON.parse(readFileSync(file, 'utf8')) as { packages: Record<string, Record<string, any>> };
    for (const [location, entry] of Object.entries(lock.packages)) {
      if (!location.includes('node_modules/') || entry.link) continue;
      const name: string = entry.name ?? location.slice(location.lastIndexOf('node_modules/') + 'node_modules/'.length);
      const doc = docs.get(name) ?? { _id: name, name, 'dist-tags': {}, time: {}, versions: {} };
      doc.versions[entry.version] = {
        name,
        version: entry.version,
        _id: `${name}@${entry.version}`,
        dependencies: entry.dependencies ?? {},
        dist: { integrity: entry.integrity, tarball: `https://registry.npmjs.org/${name}/-/${name.split('/').pop()}-${entry.version}.tgz` },
      };
      doc.time[entry.version] = COPIED;
      doc['dist-tags'].latest = entry.version;
      docs.set(name, doc);
    }
  }
  return docs;
}
