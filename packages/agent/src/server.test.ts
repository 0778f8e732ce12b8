import { DefinitionError } from '@mcp/scheduler';
import { Status } from 'nice-grpc';
import { describe, expect, it } from 'vitest';

import { ContainerMissingError, ServiceNotFoundError } from './errors.js';
import { toServerError } from './server.js';

describe('toServerError', () => {
  it('toServerError maps each agent error to its status', () => {
    const cases: [string, unknown, Status][] = [
      [
        'bad definition',
        new DefinitionError({ file: 'f', path: 'p' }, 'bad'),
        Status.INVALID_ARGUMENT,
      ],
      ['unknown service', new ServiceNotFoundError('web', 'rift'), Status.NOT_FOUND],
      [
        'container removed by hand',
        new ContainerMissingError('start', 'web', 'api', 'web_api'),
        Status.FAILED_PRECONDITION,
      ],
      ['anything else', new Error('boom'), Status.INTERNAL],
    ];

    for (const [what, err, status] of cases) {
      expect(toServerError(err).code, what).toBe(status);
    }
  });

  it('toServerError keeps the message that says how to recreate a missing container', () => {
    const err = toServerError(new ContainerMissingError('start', 'web', 'api', 'web_api'));

    expect(err.details).toBe(
      "failed to start component 'api' of service 'web': its container 'web_api' no longer " +
        'exists; `mcp deploy web` recreates it',
    );
  });
});
