import { EXIT } from './exit-code.js';

const controller = new AbortController();

/** Aborted by the first Ctrl-C of a command that listens for it (see `stopOnInterrupt`). */
export const interrupted: AbortSignal = controller.signal;

let listening = false;

/**
 * From now on, the first Ctrl-C (SIGINT) stops the run: registry work is abandoned, what was
 * fetched stays in the cache, and depguard prints one line and exits 130. A second Ctrl-C exits
 * at once. For the commands that fetch (diff, audit, approve) and the history walk (exposure);
 * the others end soon enough on Node's own SIGINT handling.
 */
export function stopOnInterrupt(): AbortSignal {
  if (!listening) {
    listening = true;
    process.once('SIGINT', () => {
      // a progress line may be on the terminal: the message starts on a clean line
      if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
      controller.abort();
      process.once('SIGINT', () => process.exit(EXIT.interrupted));
    });
  }
  return interrupted;
}
