import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { CertificateMissingError, findCertificate } from './certificates.js';

const dir = mkdtempSync(join(tmpdir(), 'mcp-certs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function pair(stem: string): void {
  writeFileSync(join(dir, `${stem}.crt`), 'cert');
  writeFileSync(join(dir, `${stem}.key`), 'key');
}

describe('findCertificate', () => {
  it('findCertificate prefers the hostname pair, then the wildcard of its parent', () => {
    pair('web.example.net');
    pair('_.svc.mcp.test');
    expect(findCertificate(dir, 'WEB.example.net.').certPath).toBe(
      join(dir, 'web.example.net.crt'),
    );
    expect(findCertificate(dir, 'mcq.svc.mcp.test')).toEqual({
      certPath: join(dir, '_.svc.mcp.test.crt'),
      keyPath: join(dir, '_.svc.mcp.test.key'),
    });
  });

  it('findCertificate names the hostname, the directory and the files tried', () => {
    writeFileSync(join(dir, 'lonely.example.net.crt'), 'cert without key');
    expect(() => findCertificate(dir, 'lonely.example.net')).toThrow(CertificateMissingError);
    expect(() => findCertificate(dir, 'lonely.example.net')).toThrow(
      /'lonely\.example\.net' in '.*': none of lonely\.example\.net\.crt, _\.example\.net\.crt/,
    );
  });
});
