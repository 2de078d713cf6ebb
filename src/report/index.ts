import type { DiffResult } from '../result.js';
import type { Severity } from '../severity.js';
import { formatGithub } from './github.js';
import { formatJson } from './json.js';
import { formatMarkdown } from './markdown.js';
import { formatSarif } from './sarif.js';
import { formatText } from './text.js';

/** Every output format, in the order `--help` lists them. */
export const FORMATS = ['text', 'json', 'sarif', 'markdown', 'github'] as const;
export type Format = (typeof FORMATS)[number];

/** Everything any formatter may need besides the result; each takes only its part. */
export interface ReportContext {
  readonly failOn: Severity;
  readonly color: boolean;
  readonly verbose: boolean;
  /** Text only: a run that passes is one line (see TextOptions.brief). */
  readonly brief?: boolean;
  readonly toolVersion: string;
}

export function formatReport(format: Format, result: DiffResult, context: ReportContext): string {
  switch (format) {
    case 'text':
      return formatText(result, { color: context.color, failOn: context.failOn, verbose: context.verbose, brief: context.brief ?? false });
    case 'json':
      return formatJson(result);
    case 'sarif':
      return formatSarif(result, { toolVersion: context.toolVersion });
    case 'markdown':
      return formatMarkdown(result, { failOn: context.failOn });
    case 'github':
      return formatGithub(result, { failOn: context.failOn });
  }
}
