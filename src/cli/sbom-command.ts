import path from 'node:path';
import { UsageError } from '../errors.js';
import { forTerminal as safe } from '../report/sanitize.js';
import { sbom, type SbomRun } from '../index.js';
import type { Environment } from './environment.js';
import { EXIT } from './exit-code.js';
import { SBOM_OPTIONS, SBOM_REGISTRY_FLAGS, type SbomValues } from './options.js';
import { writeReportFile } from './output.js';

/**
 * `depguard sbom`: the CycloneDX BOM on stdout, or only in --output-file (said on stderr);
 * what the registry could not give, on stderr. Exit 0, or 3 when registry facts are missing for
 * some packages (the BOM is written either way) unless --allow-incomplete.
 */
export async function runSbom(
  flags: SbomValues,
  raw: Readonly<Record<string, unknown>>,
  environment: Environment,
  signal: AbortSignal,
): Promise<number> {
  const stray = SBOM_REGISTRY_FLAGS.filter((name) => raw[name] !== undefined && raw[name] !== false);
  if (!flags.registryFacts && stray.length > 0) {
    const flag = SBOM_OPTIONS.find((o) => o.name === stray[0])!.flags.split(' ')[0];
    throw new UsageError(`${flag} applies only with --registry-facts (depguard sbom reads only the lockfile without it)`);
  }
  const run = await sbom({
    cwd: environment.cwd,
    env: environment.env,
    now: environment.now,
    signal,
    ...(flags.lockfile ? { lockfile: flags.lockfile } : {}),
    maxLockfileBytes: flags.maxLockfileSize,
    reproducible: flags.reproducible,
    ...(flags.registryFacts
      ? {
          registryFacts: {
            ...(flags.registry !== undefined ? { registry: flags.registry } : {}),
            cache: { ...(flags.cacheDir ? { dir: flags.cacheDir } : {}), maxAgeMs: flags.cacheMaxAge, offline: flags.offline },
            limits: {
              concurrency: flags.concurrency,
              maxResponseBytes: flags.maxResponseSize,
              timeoutMs: flags.timeout,
              retries: flags.retries,
            },
            deadlineMs: flags.deadline,
          },
        }
      : {}),
  });
  if (flags.outputFile === undefined) process.stdout.write(run.json);
  else {
    const file = path.resolve(environment.cwd, flags.outputFile);
    writeReportFile(file, run.json, run.root);
    note(`wrote a CycloneDX 1.6 SBOM of ${run.lockfile} (${run.components} components) to ${flags.outputFile}`);
  }
  for (const line of registryNotes(run)) note(line);
  return run.registry && run.registry.unavailable.length > 0 && !flags.allowIncomplete ? EXIT.incomplete : EXIT.ok;
}

function note(line: string): void {
  process.stderr.write(`depguard: ${safe(line)}\n`);
}

/** What the registry did not give, said once each: never a silent gap in the SBOM. */
function registryNotes({ registry }: SbomRun): string[] {
  if (registry === undefined || registry.asked === 0) return [];
  const lines: string[] = [];
  const { asked, withoutPublishers, withProvenance, unavailable, notMatched } = registry;
  const of = (n: number): string => `${n} of ${asked} package${asked === 1 ? '' : 's'}`;
  if (withoutPublishers > 0)
    lines.push(
      `publishers not available: the registry's documents name no publisher (_npmUser) for ${of(withoutPublishers)}; none is recorded for them`,
    );
  // said only when the registry answered for something: nothing asked of it, nothing to say about it
  if (withProvenance === 0 && unavailable.length < asked)
    lines.push(
      'provenance not recorded: the registry lists no attestation (dist.attestations) for any locked version (a registry that strips them, as some mirrors do, looks the same)',
    );
  if (notMatched.length > 0)
    lines.push(
      `${notMatched.length} locked version${notMatched.length === 1 ? ' is' : 's are'} not the registry's (not listed, or other bytes than the lockfile's integrity; see depguard audit): no registry facts for ${listed(notMatched)}`,
    );
  if (unavailable.length > 0) {
    const first = unavailable[0]!;
    lines.push(
      `registry facts could not be had for ${of(unavailable.length)} (${first.name}: ${first.reason}${unavailable.length > 1 ? ', …' : ''}); the SBOM has none for them`,
    );
  }
  return lines;
}

function listed(items: readonly string[]): string {
  return items.length <= 3 ? items.join(', ') : `${items.slice(0, 3).join(', ')} and ${items.length - 3} more`;
}
