/**
 * Globs as workspace declarations and policy files write them: `packages/*`, `apps/**`,
 * `@acme/*`, a plain folder, `!` to exclude. A segment `**` is any number of segments, `*` any
 * run of characters within a segment, `?` one character; everything else is literal.
 *
 * The patterns come from the change under review (package.json, pnpm-workspace.yaml) and the
 * paths from its tree and lockfile, so matching must not backtrack: a regular expression, hand
 * built or picomatch's, takes time growing as the path's length to the power of the number of
 * stars (`*a*a*a*a*a*a*a*b` against 60 a's runs for minutes). This is the classic wildcard walk
 * that remembers only the last star, at both levels: O(pattern length x path length) whatever
 * the input.
 */
export function globMatch(pattern: string, path: string): boolean {
  return matchRun(segmentsOf(pattern), segmentsOf(path), (p) => p === '**', matchSegment);
}

/** The folders a list of patterns selects: any pattern matches and no `!pattern` does. */
export function globsMatcher(patterns: readonly string[]): (path: string) => boolean {
  const include = patterns.filter((p) => !p.startsWith('!'));
  const exclude = patterns.filter((p) => p.startsWith('!')).map((p) => p.slice(1));
  return (path) => include.some((p) => globMatch(p, path)) && !exclude.some((p) => globMatch(p, path));
}

// './packages/x/' -> ['packages', 'x']
function segmentsOf(glob: string): string[] {
  return glob.split('/').filter((s, i) => s !== '' && !(i === 0 && s === '.'));
}

function matchSegment(pattern: string, text: string): boolean {
  return matchRun(
    [...pattern],
    [...text],
    (c) => c === '*',
    (p, t) => p === '?' || p === t,
  );
}

/**
 * Whether `pattern` matches all of `text`, where a star element matches any run of elements and
 * every other element matches exactly one. On a mismatch only the last star grows by one: an
 * earlier star could only absorb what the later one can, so nothing else needs retrying.
 */
function matchRun<T>(pattern: readonly T[], text: readonly T[], isStar: (p: T) => boolean, matches: (p: T, t: T) => boolean): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let resume = 0;
  while (t < text.length) {
    if (p < pattern.length && isStar(pattern[p]!)) {
      star = p++;
      resume = t;
    } else if (p < pattern.length && matches(pattern[p]!, text[t]!)) {
      p++;
      t++;
    } else if (star >= 0) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.length && isStar(pattern[p]!)) p++;
  return p === pattern.length;
}
