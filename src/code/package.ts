import { createHash } from 'node:crypto';
import { analyzeFile } from './analyze/index.js';
import { classifyString } from './analyze/strings.js';
import type { Capability, FileAnalysis, TarProblem } from './model.js';
import type { TarballContents } from './tarball.js';

/** One file of a package: enough to tell whether it changed between versions. */
interface PackageFile {
  readonly path: string;
  /** sha256 of the content, hex, first 32 characters; '' when the file was too large to read. */
  readonly hash: string;
  readonly size: number;
}

/**
 * What a package version's tarball holds and can do: its files, every capability of every file,
 * what npm runs at install, and what reading the tarball revealed. Cached by the tarball's
 * integrity (it never changes for one).
 */
export interface PackageAnalysis {
  readonly files: readonly PackageFile[];
  readonly capabilities: readonly Capability[];
  /** preinstall/install/postinstall as the tarball's package.json has them (what npm runs). */
  readonly installScripts: Readonly<Record<string, string>>;
  /** Files of the package those scripts run (`node x.js`, `sh x.sh`, `./x`), and any binary they name. */
  readonly installFiles: readonly string[];
  /** binding.gyp without an install script: npm runs `node-gyp rebuild`. */
  readonly implicitGyp: boolean;
  readonly problems: readonly TarProblem[];
  /** False when a limit stopped reading the tarball: the file list is partial. */
  readonly complete: boolean;
}

const INSTALL_EVENTS = ['preinstall', 'install', 'postinstall'] as const;
/** package.json files larger than this are not read for scripts. */
const MAX_MANIFEST_BYTES = 1024 * 1024;

/** Analyses one file (AnalyzerPool.analyze, or analyzeFile in this thread). */
export type FileAnalyzer = (path: string, bytes: Uint8Array) => Promise<FileAnalysis>;

/**
 * Analyses every file of a tarball's contents. `memo` (by content and file name) lets two
 * versions of a package share the work on the files they have in common, also while both are
 * being analysed.
 */
export async function analysePackage(
  contents: TarballContents,
  analyze: FileAnalyzer = async (p, b) => analyzeFile(p, b),
  memo?: Map<string, Promise<FileAnalysis>>,
): Promise<PackageAnalysis> {
  const files: PackageFile[] = [];
  const capabilities: Capability[] = [];
  let manifestText: string | undefined;
  const analyses: Array<Promise<FileAnalysis> | undefined> = [];
  for (const file of contents.files) {
    if (!file.bytes) {
      files.push({ path: file.path, hash: '', size: file.size });
      analyses.push(undefined);
      continue;
    }
    const hash = createHash('sha256').update(file.bytes).digest('hex').slice(0, 32);
    files.push({ path: file.path, hash, size: file.size });
    if (file.path === 'package.json' && file.size <= MAX_MANIFEST_BYTES) manifestText = Buffer.from(file.bytes).toString('utf8');
    // what a file is read as depends on its name as well as its bytes
    const key = `${hash}/${file.path.slice(file.path.lastIndexOf('/') + 1)}`;
    let analysis = memo?.get(key);
    if (!analysis) {
      analysis = analyze(file.path, file.bytes);
      memo?.set(key, analysis);
    }
    analyses.push(analysis);
  }
  const done = await Promise.all(analyses);
  contents.files.forEach((file, i) => {
    // the memo may hold the same content under another directory
    for (const c of done[i]?.capabilities ?? []) capabilities.push(c.file === file.path ? c : { ...c, file: file.path });
  });
  const installScripts = readInstallScripts(manifestText);
  const paths = new Set(files.map((f) => f.path));
  const installFiles = [...new Set(Object.values(installScripts).flatMap((command) => filesRun(command, paths)))].sort();
  const implicitGyp = paths.has('binding.gyp') && !installScripts.install && !installScripts.preinstall;
  for (const [event, command] of Object.entries(installScripts)) {
    for (const hit of classifyString(command))
      capabilities.push({
        ...hit,
        file: 'package.json',
        line: lineOf(manifestText ?? '', `"${event}"`),
        excerpt: `${event}: ${command}`.slice(0, 80),
      });
  }
  return { files, capabilities, installScripts, installFiles, implicitGyp, problems: contents.problems, complete: contents.complete };
}

function readInstallScripts(text: string | undefined): Record<string, string> {
  if (text === undefined) return {};
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch {
    return {};
  }
  const scripts = (manifest as { scripts?: unknown } | null)?.scripts;
  if (typeof scripts !== 'object' || scripts === null) return {};
  const out: Record<string, string> = {};
  for (const event of INSTALL_EVENTS) {
    const command = (scripts as Record<string, unknown>)[event];
    if (typeof command === 'string') out[event] = command.slice(0, 4096);
  }
  return out;
}

/** Interpreters whose first argument is the file they run. */
const RUNNERS = new Set(['node', 'nodejs', 'sh', 'bash', 'zsh', 'dash', 'python', 'python3', 'bun', 'deno', 'cmd', 'powershell', 'pwsh']);

/**
 * The package's own files a script command runs: `node x.js`, `sh ./x.sh`, `./x`, `start /B node
 * x.js`, and any path in the command that names a file of the package (a binary it executes).
 */
function filesRun(command: string, paths: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const part of command.split(/&&|\|\||[;&|\n]/)) {
    const words = part.trim().split(/\s+/).filter(Boolean);
    for (let i = 0; i < words.length; i++) {
      const word = normalise(words[i]!);
      const after = RUNNERS.has(words[i - 1]?.toLowerCase() ?? '') || i === 0 || words[i]!.startsWith('./');
      if (!after) continue;
      if (paths.has(word)) out.push(word);
      else if (paths.has(`${word}.js`)) out.push(`${word}.js`);
    }
  }
  return out;
}

function normalise(word: string): string {
  return word
    .replace(/^["']|["']$/g, '')
    .replace(/\\/g, '/')
    .replace(/^(\.\/)+/, '');
}

function lineOf(text: string, needle: string): number {
  const at = text.indexOf(needle);
  if (at === -1) return 1;
  let line = 1;
  for (let i = 0; i < at; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
