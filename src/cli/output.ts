import { appendFileSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { writeRegularFile } from '../files.js';

/**
 * The report, where --output-file says: a regular file, never a FIFO or a device, and not
 * through a link out of `root` (a committed `report.sarif` linking to ~/.bashrc).
 */
export function writeReportFile(file: string, report: string, root: string): void {
  writeRegularFile(file, report, { root, label: `--output-file ${file}` });
}

/** GitHub Actions renders what a step appends to $GITHUB_STEP_SUMMARY on the run's page. */
export function appendStepSummary(file: string, markdown: string): void {
  try {
    appendFileSync(file, markdown);
  } catch (error) {
    throw new UsageError(
      `cannot append to GITHUB_STEP_SUMMARY ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
}
