// The one place a channel to the master's FleetService is made.
import { ChannelCredentials, createChannel, type Channel } from 'nice-grpc';

/**
 * A channel to the master at `address` (host:port).
 *
 * TODO: insecure for now; every fleet channel must use TLS 1.3 verified against the platform CA
 * (DESIGN.md section 7). Until then registration and heartbeats travel in clear on the overlay.
 */
export function fleetChannel(address: string): Channel {
  return createChannel(address, ChannelCredentials.createInsecure());
}
