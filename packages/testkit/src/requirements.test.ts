import { expect, test } from 'vitest';

import { ToolMissingError } from './errors.js';
import { findTool, requireTools } from './requirements.js';

test('requireTools names every missing program with its Debian package', () => {
  const check = (): void =>
    requireTools('the demo', [
      { tool: 'sh', debianPackage: 'dash' },
      { tool: 'mcp-no-such-tool', debianPackage: 'mcp-imaginary' },
      { tool: '/nonexistent/mcp-tool', debianPackage: 'mcp-other' },
    ]);

  expect(check).toThrow(ToolMissingError);
  expect(check).toThrow(
    'failed to start the demo: missing mcp-no-such-tool (Debian package mcp-imaginary), ' +
      '/nonexistent/mcp-tool (Debian package mcp-other); ' +
      'install with: apt-get install -y mcp-imaginary mcp-other',
  );
});

test('findTool finds programs in sbin directories missing from PATH', () => {
  const saved = process.env.PATH;
  process.env.PATH = '/nonexistent';

  try {
    expect(findTool('ip')).toMatch(/\/ip$/);
  } finally {
    process.env.PATH = saved;
  }
});
