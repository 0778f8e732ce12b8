// The one place a channel to the master's FleetService is made.
import { createChannel, type Channel, type ChannelCredentials } from 'nice-grpc';

/**
 * A channel to the master at `address` (host:port) over TLS: `credentials` are the agent's
 * `Security.channel` (TLS 1.3, the master's certificate verified against the platform CA and
 * checked for the name or IP address dialled).
 */
export function fleetChannel(address: string, credentials: ChannelCredentials): Channel {
  return createChannel(address, credentials);
}
