// Upgrading one node's agent over SSH: upload beside the live binary, swap it in with one rename
// (the previous one kept), restart, wait for the new version; put the previous one back if it
// does not come.
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
  type LocalArtifact,
  type NodeEntry,
  type NodeSsh,
} from '../../index.js';

/** The least time to wait for the previous version after a rollback: 30 s. */
export const ROLLBACK_WAIT_MS = 30_000;

/** What happened on one node. */
export interface NodeUpgrade {
  node: string;
  /** The version before, as the node reported it; empty when it did not answer. */
  from: string;
  to: string;
  result: 'upgraded' | 'unchanged' | 'rolled-back' | 'failed';
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

/**
 * Upgrades `node` to `artifact` unless it already reports that version. Throws
 * UpgradeRolledBackError when the new agent did not report in `timeoutMs`, UpgradeFailedError
 * or an SSH error when a step before the swap failed (nothing changed then).
 */
export async function upgradeNode(
  node: NodeEntry & { ssh: NodeSsh },
  artifact: LocalArtifact,
  options: { timeoutMs: number; force?: boolean; progress?: (line: string) => void },
): Promise<Omit<NodeUpgrade, 'ms'>> {
  const say = options.progress ?? (() => undefined);
  const before = await askVersion(node);
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

    say(`${node.name}: swapping ${p.live} (previous kept as ${p.previous}), restarting`);
    const as = (command: string): string => privileged(node.ssh.sudo, `sh -c ${quote(command)}`);
    const hadPrevious =
      (await session.run(
        as(
          `if [ -e ${quote(p.live)} ]; then ln -f ${quote(p.live)} ${quote(p.previous)}; ` +
            `echo kept; fi; mv -f ${quote(p.staged)} ${quote(p.live)}`,
        ),
      )) === 'kept';
    await session.run(node.ssh.restartCommand);

    const came = await waitForVersion(node, artifact.version, options.timeoutMs);
    if (came === true) return { node: node.name, from, to: artifact.version, result: 'upgraded' };

    const reason =
      `the new agent did not report ${artifact.version} within ` +
      `${options.timeoutMs / 1000} s (${describeAnswer(came)})`;
    if (!hadPrevious) throw new UpgradeFailedError(node.name, artifact.version, reason);
    say(`${node.name}: ${reason}; rolling back`);
    await session.run(
      as(`ln -f ${quote(p.previous)} ${quote(p.back)} && mv -f ${quote(p.back)} ${quote(p.live)}`),
    );
    await session.run(node.ssh.restartCommand);
    const back = Math.max(options.timeoutMs, ROLLBACK_WAIT_MS);
    const restored = from !== '' && (await waitForVersion(node, from, back)) === true;
    throw new UpgradeRolledBackError(node.name, artifact.version, from, reason, restored);
  } finally {
    session.close();
  }
}
