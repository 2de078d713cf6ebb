import npa from 'npm-package-arg';
import { UnfetchableNameError } from '../errors.js';
import { isPackageName } from '../lockfile/names.js';

const REGISTRY_TYPES = new Set(['version', 'range', 'tag']);

/**
 * The registry client's own check, whatever the loaders let through: pacote fetches any spec it
 * is given (`github:a/b` is cloned and its `prepare` script run, `http://host/x.tgz` downloaded),
 * so only a registry spec with a valid name (or an npm: alias of one) may reach it.
 */
export function assertRegistryName(name: string): void {
  let spec: npa.Result;
  try {
    spec = npa(name);
  } catch {
    throw new UnfetchableNameError(name);
  }
  const target = spec.type === 'alias' ? (spec as npa.AliasResult).subSpec : spec;
  const names = [spec.name, target.name];
  if (!REGISTRY_TYPES.has(target.type) || !names.every((n) => n !== null && isPackageName(n))) throw new UnfetchableNameError(name);
}
