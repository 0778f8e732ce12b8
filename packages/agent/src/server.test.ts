import { DefinitionError } from '@mcp/scheduler';
import { CertificateMissingError, ProxyUnavailableError, RouteRefusedError } from '@mcp/mcproxy';
import { ClientError, Status } from 'nice-grpc';
import { describe, expect, it } from 'vitest';

import {
  ContainerMissingError,
  InvalidRouteError,
  NoProxyError,
  ServiceNotFoundError,
} from './errors.js';
import { toServerError } from './server.js';

const route = { listenerPort: 443, hostname: 'web.example.net' };

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
      ['no proxy configured', new NoProxyError('rift'), Status.FAILED_PRECONDITION],
      ['bad route field', new InvalidRouteError('route.backend', 'bad'), Status.INVALID_ARGUMENT],
      [
        'no certificate',
        new CertificateMissingError('web.example.net', '/certs', ['web.example.net.crt']),
        Status.FAILED_PRECONDITION,
      ],
      [
        'proxy down',
        new ProxyUnavailableError('/run/p.sock', 'list routes', { cause: new Error('ENOENT') }),
        Status.UNAVAILABLE,
      ],
      [
        'route refused for a bad field',
        new RouteRefusedError(route, 'bad backend', {
          cause: new ClientError('/m', Status.INVALID_ARGUMENT, 'bad backend'),
        }),
        Status.INVALID_ARGUMENT,
      ],
      [
        'route refused for want of a listener',
        new RouteRefusedError(route, 'no listener on port 443', {
          cause: new ClientError('/m', Status.FAILED_PRECONDITION, 'no listener on port 443'),
        }),
        Status.FAILED_PRECONDITION,
      ],
      ['anything else', new Error('boom'), Status.INTERNAL],
    ];

    for (const [what, err, status] of cases) {
      expect(toServerError(err).code, what).toBe(status);
    }
  });

  it('toServerError names the node without a proxy and the config key', () => {
    expect(toServerError(new NoProxyError('rift')).details).toBe(
      "node 'rift' has no mc-proxy configured (proxy_socket)",
    );
  });

  it('toServerError keeps the message that says how to recreate a missing container', () => {
    const err = toServerError(new ContainerMissingError('start', 'web', 'api', 'web_api'));

    expect(err.details).toBe(
      "failed to start component 'api' of service 'web': its container 'web_api' no longer " +
        'exists; `mcp deploy web` recreates it',
    );
  });
});
