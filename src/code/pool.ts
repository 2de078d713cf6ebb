import { existsSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { analyzeFile } from './analyze/index.js';
import type { FileAnalysis } from './model.js';

/** Most analyzer threads a run starts, whatever the machine. */
const MAX_THREADS = 4;

interface Slot {
  readonly worker: Worker;
  busy: number;
}

interface Pending {
  readonly slot: Slot;
  readonly resolve: (analysis: FileAnalysis) => void;
  readonly path: string;
  readonly bytes: Uint8Array;
}

/**
 * The per-file analysis on worker threads, one per core but one (parsing is the code stage's
 * cost); in this thread when no worker can start (the compiled worker is absent, as when the
 * sources run directly). A worker that dies fails nothing: its files are analysed here. Workers
 * start with the first file and keep the process alive until `close()`.
 */
export class AnalyzerPool {
  readonly #workers: Slot[] = [];
  readonly #pending = new Map<number, Pending>();
  #next = 0;
  #started = false;

  constructor(private readonly threads = Math.max(1, Math.min(MAX_THREADS, os.availableParallelism() - 1))) {}

  /** Workers start with the first file: a run that reads no code starts none. */
  #start(): void {
    this.#started = true;
    const script = new URL('./analyze/worker.js', import.meta.url);
    if (script.protocol !== 'file:' || !existsSync(fileURLToPath(script))) return;
    for (let i = 0; i < this.threads; i++) {
      const worker = new Worker(script);
      const slot: Slot = { worker, busy: 0 };
      // the workers hold the process until close(), which the run always calls (audit's finally):
      // a worker unreferenced while an answer is awaited would let the process exit mid-run
      worker.on('message', ({ id, analysis }: { id: number; analysis: FileAnalysis }) => {
        const task = this.#pending.get(id);
        if (!task) return; // already analysed here, when its worker was stopped
        this.#pending.delete(id);
        slot.busy--;
        task.resolve(analysis);
      });
      worker.on('error', () => this.#retire(slot));
      worker.on('exit', () => this.#retire(slot));
      this.#workers.push(slot);
    }
  }

  analyze(path: string, bytes: Uint8Array): Promise<FileAnalysis> {
    // once closed, never started again: work still out after the run's end is done here
    if (!this.#started) this.#start();
    const slot = this.#workers.reduce<Slot | undefined>((a, b) => (a && a.busy <= b.busy ? a : b), undefined);
    if (!slot) return Promise.resolve(analyzeFile(path, bytes));
    const id = this.#next++;
    return new Promise((resolve) => {
      this.#pending.set(id, { slot, resolve, path, bytes });
      slot.busy++;
      slot.worker.postMessage({ id, path, bytes });
    });
  }

  /** Stops the workers; files still out are analysed here. */
  async close(): Promise<void> {
    this.#started = true;
    const slots = this.#workers.splice(0);
    await Promise.all(slots.map(({ worker }) => worker.terminate()));
    for (const slot of slots) this.#takeBack(slot);
  }

  #retire(slot: Slot): void {
    const i = this.#workers.indexOf(slot);
    if (i !== -1) this.#workers.splice(i, 1);
    this.#takeBack(slot);
  }

  /** What a stopped worker was sent is analysed here: a lost answer must not hang the run. */
  #takeBack(slot: Slot): void {
    for (const [id, task] of this.#pending) {
      if (task.slot !== slot) continue;
      this.#pending.delete(id);
      task.resolve(analyzeFile(task.path, task.bytes));
    }
  }
}
