import {
  DeployResponse,
  ListServicesResponse,
  RouteMode,
  ServiceStatus,
  StepStatus,
  type Step,
} from '@mcp/proto';
import { describe, expect, it } from 'vitest';

import {
  anyFailed,
  formatDuration,
  formatJson,
  formatOutcome,
  formatPorts,
  formatExpiry,
  formatService,
  formatServices,
  formatSteps,
} from './print.js';

const NOW = Date.UTC(2026, 0, 2, 12, 0, 0);
const HOUR = 3_600_000;

const mcq: ServiceStatus = {
  name: 'mcq',
  node: 'rift',
  active: true,
  deployedAtMs: NOW - 2 * HOUR,
  components: [
    {
      name: 'mcq',
      image: 'mcr.example:8443/mcq:v0.4.0',
      version: 'v0.4.0',
      containerId: 'abcdef0123456789',
      state: 'running',
      restartCount: 0,
      startedAtMs: NOW - 2 * HOUR - 5 * 60_000,
      ports: [
        {
          route: 'web',
          hostIp: '100.64.0.2',
          hostPort: 20001,
          listenerPort: 443,
          mode: RouteMode.ROUTE_MODE_L7,
          hostname: 'mcq.example.net',
          public: true,
          proxyHostname: 'mcq.svc.mcp.example.net',
          tlsNotAfterMs: Date.UTC(2026, 3, 2, 3, 4),
        },
        {
          route: 'grpc',
          hostIp: '100.64.0.2',
          hostPort: 20002,
          listenerPort: 9443,
          mode: RouteMode.ROUTE_MODE_L4,
          hostname: '',
          public: false,
          proxyHostname: '',
          tlsNotAfterMs: 0,
        },
      ],
    },
  ],
};

const stopped: ServiceStatus = {
  name: 'mcdoc',
  node: 'orion',
  active: false,
  deployedAtMs: NOW - 30_000,
  components: [
    {
      name: 'mcdoc',
      image: 'mcr.example:8443/mcdoc:v1.2.0',
      version: 'v1.2.0',
      containerId: '',
      state: 'exited',
      restartCount: 3,
      startedAtMs: 0,
      ports: [
        {
          route: '',
          hostIp: 'fd7a::2',
          hostPort: 20010,
          listenerPort: 443,
          mode: RouteMode.ROUTE_MODE_L7,
          hostname: '',
          public: false,
          proxyHostname: '',
          tlsNotAfterMs: 0,
        },
      ],
    },
  ],
};

const steps: Step[] = [
  {
    name: 'placement',
    node: 'rift',
    status: StepStatus.STEP_STATUS_OK,
    detail: 'named',
    error: '',
  },
  {
    name: 'pull',
    node: 'rift',
    status: StepStatus.STEP_STATUS_FAILED,
    detail: '',
    error: 'no image',
  },
  { name: 'dns', node: '', status: StepStatus.STEP_STATUS_SKIPPED, detail: 'not yet', error: '' },
];

describe('formatExpiry', () => {
  it('formatExpiry prints a UTC minute, and - when the expiry is unknown', () => {
    expect(formatExpiry(Date.UTC(2027, 2, 4, 5, 6, 7))).toBe('2027-03-04 05:06Z');
    expect(formatExpiry(0)).toBe('-');
  });
});

describe('formatServices', () => {
  it('formatServices prints one row per component with version, state, ports and uptime', () => {
    const lines = formatServices([mcq, stopped], NOW).split('\n');

    expect(lines[0]?.split(/\s+/)).toEqual([
      'SERVICE',
      'COMPONENT',
      'NODE',
      'VERSION',
      'STATE',
      'RESTARTS',
      'PORTS',
      'UPTIME',
    ]);
    expect(lines[1]?.split(/\s+/)).toEqual([
      'mcq',
      'mcq',
      'rift',
      'v0.4.0',
      'running',
      '0',
      'web=100.64.0.2:20001',
      'grpc=100.64.0.2:20002',
      '2h5m',
    ]);
    expect(lines[2]?.split(/\s+/)).toEqual([
      'mcdoc',
      'mcdoc',
      'orion',
      'v1.2.0',
      'exited',
      '3',
      '[fd7a::2]:20010',
      '-',
    ]);
  });

  it('formatServices prints the same table from the JSON as from the message', () => {
    const res = { services: [mcq, stopped], errors: [{ node: 'hyperborea', error: 'timeout' }] };

    const json = formatJson(ListServicesResponse.toJSON(res));
    const back = ListServicesResponse.fromJSON(JSON.parse(json));

    expect(back).toEqual(res);
    expect(formatServices(back.services, NOW)).toBe(formatServices(res.services, NOW));
  });
});

describe('formatService', () => {
  it('formatService shows the service, its containers and every route binding', () => {
    const text = formatService(mcq, NOW);

    expect(text).toContain('service   mcq');
    expect(text).toContain('deployed  2026-01-02T10:00:00.000Z (2h ago)');
    expect(text).toMatch(
      /mcq\s+mcr\.example:8443\/mcq:v0\.4\.0\s+v0\.4\.0\s+running\s+0\s+2h5m\s+abcdef012345/,
    );
    // The node's proxy serves the internal name; the public name is the edge's.
    expect(text).toMatch(
      /mcq\s+web\s+100\.64\.0\.2:20001\s+443\s+l7\s+mcq\.svc\.mcp\.example\.net\s+mcq\.example\.net\s+2026-04-02 03:04Z/,
    );
    expect(text).toMatch(/mcq\s+grpc\s+100\.64\.0\.2:20002\s+9443\s+l4\s+-\s+no\s+-$/m);
  });

  it('formatService prints the same text from the JSON as from the message', () => {
    const back = ServiceStatus.fromJSON(JSON.parse(formatJson(ServiceStatus.toJSON(mcq))));

    expect(back).toEqual(mcq);
    expect(formatService(back, NOW)).toBe(formatService(mcq, NOW));
  });
});

describe('formatSteps', () => {
  it('formatSteps shows each step with its node, result, and the error when it failed', () => {
    const lines = formatSteps(steps).split('\n');

    expect(lines[0]).toMatch(/^STEP\s+NODE\s+RESULT\s+DETAIL$/);
    expect(lines[1]).toMatch(/^placement\s+rift\s+OK\s+named$/);
    expect(lines[2]).toMatch(/^pull\s+rift\s+FAILED\s+no image$/);
    expect(lines[3]).toMatch(/^dns\s+-\s+SKIPPED\s+not yet$/);
    expect(anyFailed(steps)).toBe(true);
    expect(anyFailed(steps.slice(0, 1))).toBe(false);
  });

  it('formatOutcome prints the same steps and containers from the JSON as from the message', () => {
    const res: DeployResponse = { steps, service: mcq, node: 'rift', placement: undefined };

    const back = DeployResponse.fromJSON(JSON.parse(formatJson(DeployResponse.toJSON(res))));

    expect(back).toEqual(res);
    expect(formatOutcome(back.steps, back.service, NOW)).toBe(formatOutcome(steps, mcq, NOW));
    expect(formatOutcome(steps, mcq, NOW)).toContain('web=100.64.0.2:20001');
  });
});

describe('formatPorts', () => {
  it('formatPorts prints - for a component without routes', () => {
    expect(formatPorts([])).toBe('-');
  });
});

describe('formatDuration', () => {
  it.each([
    { ms: 0, want: '0s' },
    { ms: 12_000, want: '12s' },
    { ms: 250_000, want: '4m10s' },
    { ms: 2 * HOUR + 60_000, want: '2h1m' },
    { ms: 2 * HOUR + 1000, want: '2h' },
    { ms: 76 * HOUR, want: '3d4h' },
    { ms: -5, want: '0s' },
  ])('formatDuration prints $ms ms as $want', ({ ms, want }) => {
    expect(formatDuration(ms)).toBe(want);
  });
});
