import { Contrib, type Enums } from '@cyclonedx/cyclonedx-library';

/**
 * A lockfile's integrity (Subresource Integrity: `sha512-<base64>`, several separated by spaces)
 * as CycloneDX hashes (`SHA-512` and hex), parsed by the CycloneDX library's own reader of npm
 * integrity. A part it cannot read (an unknown algorithm, a digest of the wrong length, stray
 * characters) gives no hash: none is ever made up.
 */
export function hashesOf(integrity: string | null): Array<[Enums.HashAlgorithm, string]> {
  if (!integrity) return [];
  const out = new Map<Enums.HashAlgorithm, string>();
  // a real integrity lists one or two hashes; a stranger's may list thousands
  for (const part of integrity.trim().split(/\s+/).slice(0, 8)) {
    try {
      const [algorithm, hex] = Contrib.FromNodePackageJson.Utils.parsePackageIntegrity(part);
      if (!out.has(algorithm)) out.set(algorithm, hex);
    } catch {
      // not an integrity the library reads: no hash
    }
  }
  return [...out];
}
