/**
 * Living-off-the-land commands in a string: the words of a command line, split at whitespace and
 * shell punctuation, so 'curl' is a command in `sh -c "curl -s x | sh"` but not in "curly".
 * One pass over the words; each command looks at most a few words ahead.
 */

/** How far past a command its flags are looked for, in words. */
const WINDOW = 16;
/** Words: runs of anything but whitespace and shell/JSON punctuation; `|` and `||` on their own. */
const WORD = /\|\|?|[^\s;|&`()"'<>,[\]{}=]+/g;

/** A command run by its own name: the detail is the name. */
const PLAIN = new Set(['curl', 'wget', 'rundll32', 'regsvr32', 'mshta', 'bitsadmin', 'trufflehog']);
/** PowerShell words that fetch or run code. */
const PS_DOWNLOAD = new Set(['iex', 'invoke-expression', 'invoke-webrequest', 'iwr', 'invoke-restmethod', 'irm', 'start-bitstransfer']);
const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh']);
/** AI coding agents' flags that turn off their permission prompts, unambiguous on their own. */
const AGENT_FLAGS = new Map([
  ['--dangerously-skip-permissions', 'claude --dangerously-skip-permissions'],
  ['--dangerously-bypass-approvals-and-sandbox', 'codex --dangerously-bypass-approvals-and-sandbox'],
  ['--trust-all-tools', 'q chat --trust-all-tools'],
]);

/** The commands a string (a literal, or one line of a script) runs, each detail once. */
export function shellCommands(value: string): string[] {
  const words: string[] = [];
  for (const m of value.matchAll(WORD)) words.push(m[0].toLowerCase());
  const found = new Set<string>();
  let fetched = false;
  let agent = '';
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const name = commandName(word);
    const rest = () => argsAfter(words, i);
    if (PLAIN.has(name)) {
      found.add(name);
      if (name === 'curl' || name === 'wget') fetched = true;
    } else if (name === 'certutil') {
      if (rest().some((a) => /^[-/](?:urlcache|decode|decodehex)$/.test(a))) found.add('certutil');
    } else if (name === 'powershell' || name === 'pwsh') {
      found.add(rest().some(isEncodedCommandFlag) ? 'powershell -enc' : 'powershell');
    } else if (PS_DOWNLOAD.has(name) || word.includes('downloadstring') || word.includes('downloadfile')) {
      found.add('powershell download');
      fetched = true;
    } else if (name === 'chmod') {
      const mode = rest().find((a) => !a.startsWith('-'));
      if (mode && /^(?:[ugoa]*\+[rwxst]*x[rwxst]*|[0-7]?[1357][0-7]{2})$/.test(mode)) found.add('chmod +x');
    } else if (name === 'gh' && words[i + 1] === 'auth' && (words[i + 2] === 'token' || rest().includes('--show-token'))) {
      found.add('gh auth token');
    } else if (name === 'nc' || name === 'ncat' || name === 'netcat') {
      if (rest().some((a) => a === '-e' || a === '-c' || a === '--exec' || a === '--sh-exec')) found.add('reverse-shell');
    } else if (word.includes('/dev/tcp/')) {
      found.add('reverse-shell');
    } else if (name === 'base64' || name === 'openssl') {
      if (rest().some((a) => a === '-d' || a === '--decode')) fetched = true;
    } else if (word === '|' && fetched && SHELLS.has(commandName(words[words[i + 1] === 'sudo' ? i + 2 : i + 1] ?? ''))) {
      found.add('pipe-to-shell');
    } else if (name === 'claude' || name === 'gemini' || name === 'codex') {
      agent = name;
    } else {
      const known = AGENT_FLAGS.get(word);
      if (known) found.add(known);
      else if (word === '--yolo' && (agent !== '' || words.length === 1)) found.add(`${agent === 'codex' ? 'codex' : 'gemini'} --yolo`);
      else if (word === '--full-auto' && agent === 'codex') found.add('codex --full-auto');
    }
  }
  return [...found];
}

/**
 * The program a word names: itself, or the last segment of an absolute or relative path
 * ('/usr/bin/curl', 'C:\Windows\System32\certutil.exe'), without '.exe'. A URL names no program.
 */
function commandName(word: string): string {
  let name = word;
  if (!word.includes('://') && (word.startsWith('/') || word.startsWith('./') || word.includes('\\'))) {
    name = word.slice(Math.max(word.lastIndexOf('/'), word.lastIndexOf('\\')) + 1);
  }
  return name.endsWith('.exe') ? name.slice(0, -4) : name;
}

/** The words after words[i], up to the end of its command (a `|`) or WINDOW words. */
function argsAfter(words: readonly string[], i: number): string[] {
  const args: string[] = [];
  for (let j = i + 1; j < words.length && j <= i + WINDOW; j++) {
    if (words[j]!.startsWith('|')) break;
    args.push(words[j]!);
  }
  return args;
}

/** PowerShell takes any prefix of -EncodedCommand (and -ec), with '-' or '/'. */
function isEncodedCommandFlag(arg: string): boolean {
  if (!/^[-/]e/.test(arg)) return false;
  const flag = arg.slice(1);
  return flag === 'ec' || 'encodedcommand'.startsWith(flag);
}
