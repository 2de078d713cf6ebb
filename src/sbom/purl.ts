import { PackageURL } from 'packageurl-js';
import { nonRegistrySource } from '../sources.js';

/**
 * The default registry, whose tarballs get no qualifier (CycloneDX's npm generators), and Yarn 1's
 * name for the same registry, which its lockfiles write for every package.
 */
const DEFAULT_REGISTRY = /^https?:\/\/registry\.(?:npmjs\.org|yarnpkg\.com)(?::\d+)?(?:\/|$)/i;

/** `@scope/name` as CycloneDX splits it: group `@scope`, name `name`. */
export function splitName(packageName: string): { readonly group?: string; readonly name: string } {
  const slash = packageName.indexOf('/');
  if (!packageName.startsWith('@') || slash === -1) return { name: packageName };
  return { group: packageName.slice(0, slash), name: packageName.slice(slash + 1) };
}

/**
 * The package URL (`pkg:npm/%40scope/name@version`), built and encoded by packageurl-js, the purl
 * authors' implementation (it lowercases npm names, as the purl spec's npm type says). Where the
 * lockfile says the package came from somewhere else, the qualifier CycloneDX's npm generators
 * add: `vcs_url` for git, `download_url` for a tarball off the default registry (a private
 * registry's included); none for a folder (`file:`, `link:`) or a Yarn patch. Credentials in a
 * URL never reach the SBOM. Undefined when no purl can be made of it.
 */
export function purlOf(packageName: string, version: string, resolved: string | null): string | undefined {
  const { group, name } = splitName(packageName);
  const qualifiers: Record<string, string> = {};
  const source = sourceQualifier(resolved);
  if (source) qualifiers[source.key] = source.value;
  try {
    return new PackageURL('npm', group, name, version === '' ? undefined : version, qualifiers, undefined).toString();
  } catch {
    return undefined;
  }
}

function sourceQualifier(resolved: string | null): { key: 'vcs_url' | 'download_url'; value: string } | null {
  if (!resolved) return null;
  const kind = nonRegistrySource(resolved);
  if (kind === 'git') return { key: 'vcs_url', value: withoutSecrets(resolved) };
  if (kind === 'file' || resolved.startsWith('patch:') || resolved.startsWith('link:') || resolved.startsWith('portal:')) return null;
  if (/^https?:/i.test(resolved) && !DEFAULT_REGISTRY.test(resolved)) return { key: 'download_url', value: withoutSecrets(resolved) };
  return null;
}

/**
 * A URL without the secrets people put in it: all of an http(s) URL's user part (a token often
 * stands there alone), and the password of any other (`git+ssh://git@host` keeps its user).
 */
export function withoutSecrets(url: string): string {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)([^@/?#]*)@/i.exec(url);
  if (!match) return url;
  const [whole, scheme, user] = match as unknown as [string, string, string];
  const rest = url.slice(whole.length);
  if (/https?:/i.test(scheme)) return `${scheme}${rest}`;
  const colon = user.indexOf(':');
  return colon === -1 ? url : `${scheme}${user.slice(0, colon)}@${rest}`;
}
