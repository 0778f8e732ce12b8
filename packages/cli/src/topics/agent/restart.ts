// The step of an upgrade that runs the node's restart command within a time limit.
import { quote, RemoteCommandError, type NodeSession } from '../../index.js';

/** Exit status of coreutils `timeout` when the command ran past its limit. */
const TIMED_OUT = 124;

/**
 * Runs `command` on the node under `timeout` (TERM at `timeoutMs`, KILL 5 s later). Resolves to
 * undefined when it exited 0, otherwise to why it failed, for an error message.
 */
export async function restart(
  session: NodeSession,
  command: string,
  timeoutMs: number,
): Promise<string | undefined> {
  const seconds = Math.max(1, Math.ceil(timeoutMs / 1000));
  try {
    await session.run(`timeout -k 5 ${seconds} sh -c ${quote(command)}`);
    return undefined;
  } catch (err) {
    if (err instanceof RemoteCommandError) {
      if (err.exit === TIMED_OUT) {
        return `the restart command '${command}' did not finish within ${seconds} s`;
      }
      const why = err.stderr.trim().split('\n').slice(-3).join('; ') || 'no output';
      return `the restart command '${command}' failed: exit ${err.exit ?? 'by signal'}: ${why}`;
    }
    return `the restart command '${command}' failed: ${(err as Error).message}`;
  }
}
