import type { Capability, FileAnalysis } from '../../../src/code/model.js';
import { type AnalyzeOptions, analyzeFile } from '../../../src/code/analyze/index.js';

const encoder = new TextEncoder();

/** Analyzes `source` as the file `path`. */
export function analyze(source: string, path = 'index.js', options?: AnalyzeOptions): FileAnalysis {
  return analyzeFile(path, encoder.encode(source), options);
}

/** The capability identities found (`kind:detail`), sorted. */
export function ids(source: string, path = 'index.js', options?: AnalyzeOptions): string[] {
  return analyze(source, path, options)
    .capabilities.map((c) => `${c.kind}:${c.detail}`)
    .sort();
}

/** The kinds found, each once, sorted. */
export function kinds(source: string, path = 'index.js'): string[] {
  return [...new Set(analyze(source, path).capabilities.map((c) => c.kind))].sort();
}

/** The capability with this identity, if found. */
export function find(analysis: FileAnalysis, kind: string, detail?: string): Capability | undefined {
  return analysis.capabilities.find((c) => c.kind === kind && (detail === undefined || c.detail === detail));
}
