// Upgrading one node's agent over SSH: upload beside the live binary, swap it in with one rename
// (the previous one kept), restart, wait for the new version; put the previous one back when the
// restart fails, times out or the version does not come.
import {
  askVersion,
  describeAnswer,
  installArtifact,
  LIVE_BINARY,
  onNode,
  openSession,
  privileged,
  quote,
  UpgradeFailedError,
  UpgradeRolledBackError,
  waitForVersion,
  type Credentials,
  type LocalArtifact,
  type NodeEntry,
  type NodeSession,
  type NodeSsh,
} from '../../index.js';
import { restart } from './restart.js';

/** The least time to wait for the previous version after a rollback: 30 s. */
export const ROLLBACK_WAIT_MS = 30_000;

/** How long `restart_command` may run before it counts as failed: 30 s. */
export const RESTART_TIMEOUT_MS = 30_000;

/** What happened on one node. */
export interface NodeUpgrade {
  node: string;
  /** The version before, as the node reported it; empty when it did not answer. */
  from: string;
  to: string;
  result: 'upgraded' | 'unchanged' | 'rolled-back' | 'failed';
  /**
   * What became of `mcp-agent.previous`: `replaced` by the live binary, `kept` (the live binary did
   * not answer before the upgrade, so the existing one stays), `none` (no live binary).
   */
  previous?: 'replaced' | 'kept' | 'none';
  /** Wall time of this node's upgrade. */
  ms: number;
  /** The error message, for `rolled-back` and `failed`. */
  error?: string;
}

/** Paths of one node's binaries, under its root. */
function paths(ssh: NodeSsh) {
  const live = onNode(ssh, LIVE_BINARY);
  return { live, staged: `${live}.new`, previous: `${live}.previous`, back: `${live}.rollback` };
}

/** Options of upgradeNode. */
export interface UpgradeOptions {
  /** The CA and token the version checks (HealthCheck at the node's address) dial with. */
  credentials: Credentials;
  /** How long to wait for the new version after the restart. */
  timeoutMs: number;
  /** How long `restart_command` may run; default RESTART_TIMEOUT_MS (30 s). */
  restartTimeoutMs?: number;
  force?: boolean;
  progress?: (line: string) => void;
}

/**
 * Upgrades `node` to `artifact` unless it already reports that version. Any failure after the
 * swap (the restart command failing or running past `restartTimeoutMs`, the version not reported
 * in `timeoutMs`) puts the previous binary back, restarts it and throws UpgradeRolledBackError;
 * UpgradeFailedError when there was no previous binary to put back. UpgradeFailedError or an SSH
 * error when a step before the swap failed: the live binary is unchanged then, and a partly
 * installed `mcp-agent.new` is removed.
 */
export async function upgradeNode(
  node: NodeEntry & { ssh: NodeSsh },
  artifact: LocalArtifact,
  options: UpgradeOptions,
): Promise<Omit<NodeUpgrade, 'ms'>> {
  const say = options.progress ?? (() => undefined);
  const restartMs = options.restartTimeoutMs ?? RESTART_TIMEOUT_MS;
  const { credentials } = options;
  const before = await askVersion(node, credentials);
  const from = 'version' in before ? before.version : '';
  if (from === artifact.version && !options.force) {
    return { node: node.name, from, to: artifact.version, result: 'unchanged' };
  }

  // Host key first: a refused key stops the upgrade before anything is sent.
  const session = await openSession(node.name, node.ssh);
  try {
    const p = paths(node.ssh);
    say(`${node.name}: uploading ${artifact.file} (${(artifact.size / 1e6).toFixed(1)} MB)`);
    await installArtifact(session, artifact, p.staged, node);

    const previous = await swap(session, node, p, from !== '');
    if (previous === 'kept') {
      say(
        `${node.name}: the live binary did not answer before the upgrade; keeping the existing ` +
          `${p.previous}`,
      );
    }
    say(`${node.name}: swapped ${p.live} (previous: ${previous}), restarting`);
    const failed = await restart(session, node.ssh.restartCommand, restartMs);
    const came =
      failed ?? (await waitForVersion(node, credentials, artifact.version, options.timeoutMs));
    if (came === true) {
      return { node: node.name, from, to: artifact.version, result: 'upgraded', previous };
    }

    const reason =
      typeof came === 'string'
        ? came
        : `the new agent did not report ${artifact.version} within ` +
          `${options.timeoutMs / 1000} s (${describeAnswer(came)})`;
    if (previous === 'none') throw new UpgradeFailedError(node.name, artifact.version, reason);
    say(`${node.name}: ${reason}; rolling back`);
    const as = (command: string): string => privileged(node.ssh.sudo, `sh -c ${quote(command)}`);
    await session.run(
      as(`ln -f ${quote(p.previous)} ${quote(p.back)} && mv -f ${quote(p.back)} ${quote(p.live)}`),
    );
    const again = await restart(session, node.ssh.restartCommand, restartMs);
    const back = Math.max(options.timeoutMs, ROLLBACK_WAIT_MS);
    const restored =
      again === undefined &&
      from !== '' &&
      (await waitForVersion(node, credentials, from, back)) === true;
    const why = again === undefined ? reason : `${reason}; after the rollback, ${again}`;
    throw new UpgradeRolledBackError(node.name, artifact.version, from, why, restored);
  } finally {
    session.close();
  }
}

/**
 * Renames the staged binary over the live one. `.previous` becomes the live binary when that
 * answered with its version before the upgrade, or when there is no `.previous` yet.
 */
async function swap(
  session: NodeSession,
  node: NodeEntry & { ssh: NodeSsh },
  p: ReturnType<typeof paths>,
  answered: boolean,
): Promise<'replaced' | 'kept' | 'none'> {
  const [live, previous] = [quote(p.live), quote(p.previous)];
  const replace = answered ? 'true' : `[ ! -e ${previous} ]`;
  const script =
    `if [ -e ${live} ]; then if ${replace}; then ln -f ${live} ${previous}; echo replaced; ` +
    `else echo kept; fi; else echo none; fi; mv -f ${quote(p.staged)} ${live}`;
  const out = await session.run(privileged(node.ssh.sudo, `sh -c ${quote(script)}`));
  return out === 'replaced' || out === 'kept' ? out : 'none';
}
