/**
 * Known failures. The CLI prints `message` on one line (no stack) and exits with `exitCode`.
 * Anything that is not a DepguardError is a bug and keeps its stack.
 */
export abstract class DepguardError extends Error {
  abstract readonly exitCode: 2 | 3 | 130;
}

/** Bad flags, unreadable or malformed input, unknown git revision: exit 2. */
export class UsageError extends DepguardError {
  readonly exitCode = 2 as const;
  override readonly name = 'UsageError';
}

/** A lockfile that cannot be read or parsed: exit 2. */
export class LockfileError extends DepguardError {
  readonly exitCode = 2 as const;
  override readonly name = 'LockfileError';
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`${file}: ${problem}`);
  }
}

/** Git could not give us what we asked for (not a repo, unknown revision): exit 2. */
export class GitError extends DepguardError {
  readonly exitCode = 2 as const;
  override readonly name = 'GitError';
}

/** Configuration (.npmrc, policy file) that cannot be used: exit 2. */
export class ConfigError extends DepguardError {
  readonly exitCode = 2 as const;
  override readonly name = 'ConfigError';
}

/** Registry metadata for a package could not be obtained (network, HTTP status, bad body). */
export class RegistryError extends DepguardError {
  readonly exitCode = 3 as const;
  override readonly name = 'RegistryError';
  constructor(
    readonly packageName: string,
    readonly reason: string,
  ) {
    super(`${packageName}: ${reason}`);
  }
}

/** A tarball whose content is not what the lockfile's integrity says: a different package, never analysed. */
export class IntegrityMismatchError extends DepguardError {
  readonly exitCode = 3 as const;
  override readonly name = 'IntegrityMismatchError';
  constructor(
    readonly packageName: string,
    readonly version: string,
    readonly expected: string,
    readonly found: string,
  ) {
    super(`${packageName}@${version}: the registry's tarball does not match the lockfile's integrity`);
  }
}

/** A file depguard refuses to open: not a regular file, too large, or a link out of the repository: exit 2. */
export class FileError extends DepguardError {
  readonly exitCode = 2 as const;
  override readonly name = 'FileError';
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`${file}: ${problem}`);
  }
}

/**
 * A package the registry client will not fetch: a git, URL or file spec, or no valid name, where
 * a registry package name belongs. Exit 2, like the lockfile that named it; the run stops.
 */
export class UnfetchableNameError extends DepguardError {
  readonly exitCode = 2 as const;
  override readonly name = 'UnfetchableNameError';
  constructor(readonly spec: string) {
    super(`refused to fetch ${JSON.stringify(spec.slice(0, 200))}: not a registry package name (depguard fetches nothing else)`);
  }
}

/**
 * The run was stopped (Ctrl-C, or the caller's `signal`): registry work still outstanding was
 * abandoned, what had arrived is in the cache. Exit 130, as a shell reports a process stopped by SIGINT.
 */
export class InterruptedError extends DepguardError {
  readonly exitCode = 130 as const;
  override readonly name = 'InterruptedError';
  constructor(
    message = 'interrupted: nothing was judged; registry facts and tarballs fetched so far are kept in the cache for the next run',
  ) {
    super(message);
  }
}

/** GitHub's API refused or failed a call (a pull-request comment): exit 2. */
export class GithubApiError extends DepguardError {
  readonly exitCode = 2 as const;
  override readonly name = 'GithubApiError';
  constructor(
    readonly method: string,
    readonly path: string,
    /** The HTTP status; null when no answer came. */
    readonly status: number | null,
    readonly reason: string,
  ) {
    super(`GitHub API ${method} ${path}: ${status === null ? '' : `${status} `}${reason.slice(0, 300)}`);
  }
}
