/** Characters a POSIX shell word may hold without quoting. */
const SAFE_WORD = /^[A-Za-z0-9_/.,:=@%+-]+$/;

/** One word for a POSIX shell: as is when nothing in it is special, else single-quoted. */
export function shellQuote(word: string): string {
  return SAFE_WORD.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export function shellWords(words: readonly string[]): string {
  return words.map(shellQuote).join(' ');
}
