// Errors of the commands that manage nodes (upgrade, provision, version skew), one per condition.
import { CliError } from './errors.js';

/** The artifact a node needs is not in the artifacts directory. */
export class ArtifactMissingError extends CliError {
  readonly code = 'ARTIFACT_MISSING';

  constructor(
    readonly node: string,
    readonly file: string,
    readonly reason: string,
  ) {
    super(
      `failed to find the artifact for node '${node}': ${file}: ${reason}; build it with ` +
        '`pnpm --filter @mcp/release artifacts` or pass --artifacts <dir>',
    );
    this.name = 'ArtifactMissingError';
  }
}

/** A node named on the command line has no `ssh` in its `[[nodes]]` entry, or no entry. */
export class NodeNotConfiguredError extends CliError {
  readonly code = 'NODE_NOT_CONFIGURED';
  override readonly exitCode = 2;

  constructor(
    readonly node: string,
    readonly configFile: string,
    why: string,
  ) {
    super(`failed to use node '${node}': ${why} in ${configFile}`);
    this.name = 'NodeNotConfiguredError';
  }
}

/**
 * `mcp node provision` cannot give the agent its `[tls]` and `[mcias]`: neither
 * `[nodes.credentials]` nor both tables in `[nodes.agent]`, or a local file there that cannot be
 * used (missing, empty, a key or token others may read). Raised before anything is sent.
 */
export class ProvisionCredentialsError extends CliError {
  readonly code = 'PROVISION_CREDENTIALS';

  constructor(
    readonly node: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`failed to provision node '${node}': ${reason}; nothing was sent to the node`, options);
    this.name = 'ProvisionCredentialsError';
  }
}

/** The new agent did not report its version in time; the previous binary was put back. */
export class UpgradeRolledBackError extends CliError {
  readonly code = 'UPGRADE_ROLLED_BACK';

  constructor(
    readonly node: string,
    readonly version: string,
    readonly previous: string,
    readonly reason: string,
    /** Whether the previous agent answered again with its version after the rollback. */
    readonly restored: boolean,
  ) {
    const back = restored
      ? `rolled back: node reports ${previous} again`
      : previous
        ? `rolled back to the previous binary, but it does not answer with ${previous} either`
        : 'rolled back to the previous binary, which did not answer before the upgrade either';
    super(`failed to upgrade node '${node}' to ${version}: ${reason}; ${back}`);
    this.name = 'UpgradeRolledBackError';
  }
}

/** An upgrade step failed before the swap (nothing changed) or could not be undone. */
export class UpgradeFailedError extends CliError {
  readonly code = 'UPGRADE_FAILED';

  constructor(
    readonly node: string,
    readonly version: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`failed to upgrade node '${node}' to ${version}: ${reason}`, options);
    this.name = 'UpgradeFailedError';
  }
}

/** A node's agent lacks an RPC this CLI needs: it runs an older version. */
export class AgentVersionSkewError extends CliError {
  readonly code = 'AGENT_VERSION_SKEW';

  constructor(
    readonly node: string,
    /** What the node reports; empty when it could not be asked. */
    readonly version: string,
    /** Fully qualified, `mcp.v1.AgentService/Logs`. */
    readonly rpc: string,
    options?: { cause?: unknown },
  ) {
    const runs = version ? `runs agent version ${version}, which` : 'runs an older agent that';
    super(
      `failed to call ${rpc} on node '${node}': it ${runs} does not implement it; ` +
        `upgrade it with \`mcp agent upgrade ${node}\``,
      options,
    );
    this.name = 'AgentVersionSkewError';
  }
}
