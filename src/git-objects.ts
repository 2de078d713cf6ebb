import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { GitError, InterruptedError } from './errors.js';

/** What `git cat-file --batch` answered for one object. */
export type GitObject =
  | { readonly kind: 'found'; readonly type: string; readonly content: Buffer }
  /** Larger than the reader's limit: its bytes were passed over, never kept. */
  | { readonly kind: 'too-large'; readonly type: string; readonly size: number }
  | { readonly kind: 'missing' };

interface Pending {
  readonly resolve: (object: GitObject) => void;
  readonly reject: (error: Error) => void;
}

const OBJECT_ID = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

/**
 * One long-lived `git cat-file --batch`: objects are asked for by id and answered in order, so
 * reading thousands of blobs costs one process, not one per blob. Only object ids are written
 * to it (never names or paths, which could hold a line break). The caller bounds how many
 * requests it keeps outstanding: answers it has not taken yet are held in memory.
 */
export class ObjectReader {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly pending: Pending[] = [];
  private failure: Error | null = null;
  private buffered: Buffer[] = [];
  private bufferedBytes = 0;
  /** The object being received: its header, and how many of its bytes (and the trailing newline) are still to come. */
  private current: { type: string; size: number; keep: boolean; chunks: Buffer[]; left: number } | null = null;

  constructor(
    root: string,
    private readonly maxBytes: number,
    signal?: AbortSignal,
  ) {
    this.child = spawn('git', ['cat-file', '--batch'], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    this.child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    this.child.stdout.on('data', (chunk: Buffer) => this.receive(chunk));
    this.child.stdin.on('error', () => {});
    this.child.on('error', (error) => this.fail(new GitError(`git cat-file could not start: ${error.message}`)));
    this.child.on('close', (code) => {
      const detail = stderr.trim().split('\n')[0] ?? '';
      this.fail(new GitError(`git cat-file ended early (exit ${code})${detail ? `: ${detail}` : ''}`));
    });
    signal?.addEventListener('abort', () => this.fail(new InterruptedError()), { once: true });
  }

  /** The object `id` (a full hexadecimal id). */
  read(id: string): Promise<GitObject> {
    if (!OBJECT_ID.test(id)) return Promise.reject(new GitError(`not an object id: ${JSON.stringify(id.slice(0, 80))}`));
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      this.child.stdin.write(`${id}\n`);
    });
  }

  /** Ends the process; requests still outstanding are rejected. */
  close(): void {
    if (this.failure) return;
    this.failure = new GitError('git cat-file was closed');
    this.child.stdin.end();
    this.child.kill();
    for (const p of this.pending.splice(0)) p.reject(this.failure);
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    this.child.kill();
    for (const p of this.pending.splice(0)) p.reject(error);
  }

  private receive(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length && !this.failure) {
      if (this.current) {
        const take = Math.min(this.current.left, chunk.length - at);
        if (this.current.keep) this.current.chunks.push(chunk.subarray(at, at + take));
        this.current.left -= take;
        at += take;
        if (this.current.left === 0) this.finish();
        continue;
      }
      const newline = chunk.indexOf(0x0a, at);
      if (newline === -1) {
        this.buffered.push(chunk.subarray(at));
        this.bufferedBytes += chunk.length - at;
        if (this.bufferedBytes > 4096) this.fail(new GitError('git cat-file sent a header line that never ends'));
        return;
      }
      const header = Buffer.concat([...this.buffered, chunk.subarray(at, newline)]).toString('utf8');
      this.buffered = [];
      this.bufferedBytes = 0;
      at = newline + 1;
      this.header(header);
    }
  }

  /** `<id> <type> <size>`, then the content and a newline; or `<id> missing`. */
  private header(line: string): void {
    const found = /^[0-9a-f]+ (\w+) (\d+)$/.exec(line);
    if (found) {
      const size = Number(found[2]);
      // the content, then a newline that is not part of it
      this.current = { type: found[1]!, size, keep: size <= this.maxBytes, chunks: [], left: size + 1 };
      return;
    }
    const next = this.pending.shift();
    if (/ (?:missing|ambiguous)$/.test(line)) next?.resolve({ kind: 'missing' });
    else this.fail(new GitError(`git cat-file answered something unexpected: ${line.slice(0, 80)}`));
  }

  private finish(): void {
    const { type, size, keep, chunks } = this.current!;
    this.current = null;
    const next = this.pending.shift();
    if (!keep) {
      next?.resolve({ kind: 'too-large', type, size });
      return;
    }
    const all = Buffer.concat(chunks);
    next?.resolve({ kind: 'found', type, content: all.subarray(0, size) });
  }
}
