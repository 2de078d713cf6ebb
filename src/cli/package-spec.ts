/**
 * `NAME` or `NAME@VERSION`, as `why` and `approve` take them: the last `@` past the first
 * character separates the version (a scoped name's own leading `@` does not).
 */
export function splitPackageSpec(spec: string): { readonly name: string; readonly version: string | undefined } {
  const at = spec.lastIndexOf('@');
  return at > 0 ? { name: spec.slice(0, at), version: spec.slice(at + 1) } : { name: spec, version: undefined };
}
