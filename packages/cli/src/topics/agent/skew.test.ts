import { AgentServiceDefinition } from '@mcp/proto';
import { describe, expect, it } from 'vitest';

import { expectedVersion, markSkew, type AgentReport } from './skew.js';

const ALL = Object.values(AgentServiceDefinition.methods).map(
  (m) => `${AgentServiceDefinition.fullName}/${m.name}`,
);
const report = (node: string, version: string, rpcs = ALL, edge = false): AgentReport => ({
  node,
  version,
  rpcs,
  edge,
});

describe('agent version skew', () => {
  it('expectedVersion takes the version most nodes report unless one is given', () => {
    const reports = [report('a', '1.1'), report('b', '1.2'), report('c', '1.2')];

    expect(expectedVersion(reports)).toBe('1.2');
    expect(expectedVersion(reports, '1.3')).toBe('1.3');
  });

  it('markSkew marks another version and RPCs a peer of the same kind has', () => {
    const rows = markSkew(
      [
        report('a', '1.2'),
        report('b', '1.1', ALL.slice(0, 2)),
        report('svc', '1.2', [ALL[0]!], true),
        { ...report('gone', '', []), error: 'connection refused' },
      ],
      '1.2',
    );

    expect(rows.map((r) => [r.node, r.skew])).toEqual([
      ['a', ''],
      ['b', expect.stringMatching(/^version 1\.1, expected 1\.2; lacks \w+/)],
      ['svc', ''],
      ['gone', 'not asked: connection refused'],
    ]);
  });
});
