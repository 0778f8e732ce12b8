// The flags `mcp route add` and `mcp route remove` share: which node, and the route's key.
import { Flags } from '@oclif/core';

export const routeNodeFlag = Flags.string({
  char: 'n',
  description: 'The node whose proxy to change (a compute node or an edge node).',
  required: true,
});

export const listenerFlag = Flags.integer({
  char: 'l',
  description: "The proxy listener's port.",
  required: true,
  min: 1,
  max: 65535,
});

export const hostnameFlag = Flags.string({
  char: 'H',
  description: 'The hostname the route answers for (the SNI of the connection).',
  required: true,
});
