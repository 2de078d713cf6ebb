import { BUN_BINARY, LOCKFILE_NAMES } from '../lockfile/detect.js';
import { shellQuote, shellWords } from './shell-quote.js';

export const HOOK_FILE = 'pre-commit';
/** Where a pre-commit hook that was there before ours goes; ours runs it first. */
export const CHAINED_FILE = 'pre-commit.depguard-chained';

const MARKER = '# depguard-hook v1';
/** Any version of the marker: an older depguard must still recognise (and uninstall) a newer hook. */
const MARKER_LINE = /^# depguard-hook v\d+$/m;

export interface HookScriptOptions {
  /** Absolute path of the node that ran `depguard hook install`. */
  readonly node: string;
  /** Absolute path of that depguard's bin/depguard.js. */
  readonly bin: string;
  /** Extra arguments for `depguard diff` (given after `--`). */
  readonly diffArgs: readonly string[];
}

export function isDepguardHook(text: string): boolean {
  return MARKER_LINE.test(text);
}

/**
 * The pre-commit hook: runs the chained hook first, then `depguard diff --staged` once per staged
 * lockfile, from the top of the work tree. A commit that stages no lockfile never starts node.
 */
export function renderHookScript(options: HookScriptOptions): string {
  const node = shellQuote(options.node);
  const bin = shellQuote(options.bin);
  const extra = options.diffArgs.length > 0 ? ` ${shellWords(options.diffArgs)}` : '';
  // With core.quotePath=false git still quotes paths holding quotes, backslashes or control
  // characters; such a lockfile cannot be named to depguard, so the hook fails rather than skip it.
  const quoted = LOCKFILE_NAMES.map((name) => `${name}\\"`).join('|');
  return `#!/bin/sh
${MARKER}
# Written by \`depguard hook install\`; \`depguard hook uninstall\` removes it and puts back the
# hook it chained. Audits each staged lockfile with \`depguard diff --staged\`.

chained="$(dirname -- "$0")/${CHAINED_FILE}"
if [ -x "$chained" ]; then
  "$chained" "$@" || exit $?
fi

depguard() {
  if [ -x ${node} ] && [ -f ${bin} ]; then
    ${node} ${bin} "$@"
  else
    npx --no-install depguard "$@"
  fi
}

top=$(git rev-parse --show-toplevel) || exit $?
cd "$top" || exit $?
staged=$(git -c core.quotePath=false diff --cached --name-only --diff-filter=ACMR) || exit $?
status=0
while IFS= read -r file; do
  case \${file##*/} in
    ${LOCKFILE_NAMES.join('|')})
      depguard diff --staged --lockfile "$file"${extra} || status=$?
      ;;
    ${quoted})
      echo "depguard: cannot audit $file: git quotes its path" >&2
      status=2
      ;;
    ${BUN_BINARY})
      echo "depguard: $file not audited (Bun's binary lockfile: bun install --save-text-lockfile writes bun.lock)" >&2
      ;;
  esac
done <<EOF
$staged
EOF
if [ "$status" -ne 0 ]; then
  echo "depguard: commit blocked by the pre-commit hook (git commit --no-verify skips it)" >&2
fi
exit "$status"
`;
}
