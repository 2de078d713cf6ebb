/**
 * A worker thread of the analyzer pool: analyses the files it is sent, one message each, and
 * answers with the file's analysis. It reads nothing else and runs nothing it reads.
 */
import { parentPort } from 'node:worker_threads';
import { analyzeFile } from './index.js';

parentPort?.on('message', (task: { id: number; path: string; bytes: Uint8Array }) => {
  parentPort!.postMessage({ id: task.id, analysis: analyzeFile(task.path, task.bytes) });
});
