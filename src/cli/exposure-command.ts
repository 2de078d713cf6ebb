import { UsageError } from '../errors.js';
import { exposure } from '../exposure/exposure.js';
import { formatExposure } from '../exposure/report.js';
import type { Environment } from './environment.js';
import { exposureExitCode } from './exit-code.js';
import type { ExposureValues } from './options.js';
import { splitPackageSpec } from './package-spec.js';

/**
 * `depguard exposure NAME[@RANGE]`: when the repository's history locked a matching version.
 * Exit 1 when it did, 3 when revisions that mention it could not be read and none was found, else 0.
 */
export async function runExposure(
  spec: string,
  flags: ExposureValues,
  environment: Environment,
  signal: AbortSignal,
): Promise<{ text: string; code: number }> {
  const { name, version } = splitPackageSpec(spec);
  if (flags.since !== undefined && flags.until !== undefined && flags.since > flags.until)
    throw new UsageError('--since is after --until: no period to walk');
  const result = await exposure({
    cwd: environment.cwd,
    name,
    ...(version !== undefined ? { range: version } : {}),
    all: flags.all,
    ...(flags.since !== undefined ? { since: flags.since } : {}),
    ...(flags.until !== undefined ? { until: flags.until } : {}),
    maxLockfileBytes: flags.maxLockfileSize,
    signal,
  });
  return { text: formatExposure(flags.format, result), code: exposureExitCode(result) };
}
