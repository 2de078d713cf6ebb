import { appendFileSync, writeFileSync } from 'node:fs';
import { UsageError } from '../errors.js';

/** The report, where --output-file says. */
export function writeReportFile(file: string, report: string): void {
  try {
    writeFileSync(file, report);
  } catch (error) {
    throw new UsageError(`cannot write --output-file ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

/** GitHub Actions renders what a step appends to $GITHUB_STEP_SUMMARY on the run's page. */
export function appendStepSummary(file: string, markdown: string): void {
  try {
    appendFileSync(file, markdown);
  } catch (error) {
    throw new UsageError(`cannot append to GITHUB_STEP_SUMMARY ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}
