/** A JSON object (not null, not an array): what every reader of strangers' JSON checks first. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
