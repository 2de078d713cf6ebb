import { isMap, isScalar, LineCounter, parseDocument } from 'yaml';
import { LockfileError } from '../errors.js';

export interface YamlLockfile {
  readonly value: unknown;
  /** The 1-based line of each key of the mapping at `path` ([] for the top level); empty when there is none. */
  readonly keyLines: (path: readonly string[]) => Map<string, number>;
}

/**
 * A YAML lockfile (pnpm-lock.yaml, Berry's yarn.lock) as plain data, with the line of each entry's
 * key: the same parse `yaml.parse` does, keeping the document it would throw away.
 */
export function parseYamlLockfile(label: string, text: string): YamlLockfile {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { uniqueKeys: true, lineCounter });
  let value: unknown;
  try {
    if (document.errors[0]) throw document.errors[0];
    value = document.toJS({ maxAliasCount: 1000 });
  } catch (error) {
    throw new LockfileError(label, `is not valid YAML (${(error as Error).message.split('\n')[0]})`);
  }
  const keyLines = (path: readonly string[]): Map<string, number> => {
    const lines = new Map<string, number>();
    const map = document.getIn(path, true);
    if (!isMap(map)) return lines;
    for (const { key } of map.items) {
      if (isScalar(key) && key.range) lines.set(String(key.value), lineCounter.linePos(key.range[0]).line);
    }
    return lines;
  };
  return { value, keyLines };
}
