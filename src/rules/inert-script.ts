/**
 * Whether an install script only prints (or does nothing): every command of it `echo`, `printf`,
 * `true`, `:` or `exit`, with no command substitution, redirection, pipe or background job.
 * circular-json 0.5.7's postinstall that announces its successor is one. Anything else, however
 * harmless it looks, runs a program and is not inert.
 */
export function isInertScript(command: string): boolean {
  if (command.length > 4096) return false;
  // substitution, redirection, pipes and jobs run or write something; `||`/`&&` are separators, handled below
  const unseparated = command.replace(/&&|\|\|/g, ';');
  if (/[`<>|&]|\$\(/.test(unseparated)) return false;
  const commands = splitCommands(unseparated);
  return commands !== null && commands.length > 0 && commands.every((c) => INERT.test(c));
}

const INERT = /^(?:echo|printf|true|:|exit(?:\s+\d+)?)(?:\s|$)/;

/** The commands separated by `;` or newlines outside quotes; null when a quote is left open. */
function splitCommands(text: string): string[] | null {
  const out: string[] = [];
  let current = '';
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === '\\' && quote === '"') {
        current += ch + (text[++i] ?? '');
        continue;
      }
      if (ch === quote) quote = null;
      current += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      current += ch;
    } else if (ch === ';' || ch === '\n') {
      out.push(current.trim());
      current = '';
    } else current += ch;
  }
  if (quote) return null;
  out.push(current.trim());
  return out.filter((c) => c !== '');
}
