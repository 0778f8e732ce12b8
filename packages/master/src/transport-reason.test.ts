import { describe, expect, it } from 'vitest';

import { transportReason } from './transport-reason.js';

describe('transportReason', () => {
  it.each([
    [
      'No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.2:39489. ' +
        'Resolution note: ',
      'connection refused',
    ],
    ['read ECONNRESET', 'connection reset'],
    [
      'Name resolution failed for target dns:nowhere:1: Error: getaddrinfo ENOTFOUND nowhere',
      'host not found',
    ],
    ['connect EHOSTUNREACH 10.1.2.3:7443', 'host unreachable'],
    ['No connection established. Last error: null. Resolution note: ', 'unavailable'],
    [
      'No connection established. Last error: Error: socket hang up. Resolution note: x',
      'socket hang up',
    ],
    ['Connection dropped', 'Connection dropped'],
    ['', 'unavailable'],
  ])('transportReason shortens %j', (details, reason) => {
    expect(transportReason(details)).toBe(reason);
  });
});
