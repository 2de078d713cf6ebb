import type { DiffResult } from '../result.js';

/** The versioned JSON schema (schemaVersion): the result as data, nothing reworded. */
export function formatJson(result: DiffResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}
