import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './cli.js';

export interface CodeBlock {
  /** The info string after the opening fence: `sh`, `yaml`, `json`, or '' for output. */
  readonly lang: string;
  /** The nearest heading above it, as written (`### husky`). */
  readonly heading: string;
  readonly body: string;
}

/** Every fenced code block of the README, in order. */
export function readmeBlocks(): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  let heading = '';
  let open: { lang: string; lines: string[] } | null = null;
  for (const line of readFileSync(path.join(ROOT, 'README.md'), 'utf8').split('\n')) {
    if (open === null && /^#{1,6} /.test(line)) heading = line;
    else if (open === null && line.startsWith('```')) open = { lang: line.slice(3).trim(), lines: [] };
    else if (open !== null && line.startsWith('```')) {
      blocks.push({ lang: open.lang, heading, body: `${open.lines.join('\n')}\n` });
      open = null;
    } else open?.lines.push(line);
  }
  return blocks;
}

/** The command lines of the README's shell blocks under `heading`. */
export function readmeCommands(heading: string): string[] {
  return readmeBlocks()
    .filter((b) => b.lang === 'sh' && b.heading === heading)
    .flatMap((b) => b.body.split('\n'))
    .filter((line) => line.trim() !== '');
}

/** The README's install command for `source` ('tarball' or 'git'), as written. */
export function installCommand(source: 'tarball' | 'git'): string {
  const line = readmeCommands('## Install').find((l) => l.startsWith('npm install') && l.includes('git+') === (source === 'git'));
  if (line === undefined) throw new Error(`no ${source} install command under "## Install" in README.md`);
  return line;
}
