import ssri from 'ssri';

/** Subresource-integrity hashes as npm reads them: the digests listed for each algorithm. */
export type Hashes = ReadonlyMap<string, ReadonlySet<string>>;

/** ssri's order of preference: npm verifies a tarball with the strongest algorithm listed. */
const STRENGTH = ['md5', 'whirlpool', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'];

/** Parsed with ssri, the parser pacote verifies tarballs with; null when npm would find no hash in it. */
export function parseIntegrity(integrity: string): Hashes | null {
  const parsed = ssri.parse(integrity);
  if (!parsed) return null;
  const hashes = new Map<string, Set<string>>();
  for (const [algorithm, list] of Object.entries(parsed)) hashes.set(algorithm, new Set(list.map((h) => h.digest)));
  return hashes.size === 0 ? null : hashes;
}

export function strength(algorithm: string): number {
  return STRENGTH.indexOf(algorithm);
}

/** The algorithm npm checks the tarball with. */
export function strongest(hashes: Hashes): string {
  return [...hashes.keys()].reduce((a, b) => (strength(b) > strength(a) ? b : a));
}

/**
 * Different bytes: an algorithm both list with different sets of digests. Hashes under
 * different algorithms cannot be compared (an old lockfile's sha1 and a new one's sha512 may
 * well describe the same tarball).
 */
export function differentBytes(a: Hashes, b: Hashes): boolean {
  for (const [algorithm, digests] of a) {
    const other = b.get(algorithm);
    if (other && (other.size !== digests.size || [...digests].some((d) => !other.has(d)))) return true;
  }
  return false;
}
