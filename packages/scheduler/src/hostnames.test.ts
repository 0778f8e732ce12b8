import { describe, expect, it } from 'vitest';

import { PublicHostnameError } from './errors.js';
import { checkPublicHostname } from './hostnames.js';

const ALLOWED = ['example.net', 'Other.ORG.'];
const long = (n: number) => 'a'.repeat(n);

describe('checkPublicHostname', () => {
  it.each([
    { desc: 'an allowed domain itself', name: 'example.net', out: 'example.net' },
    { desc: 'a name under one', name: 'www.example.net', out: 'www.example.net' },
    { desc: 'upper case and one trailing dot', name: 'EXAMPLE.NET.', out: 'example.net' },
    {
      desc: 'an allowed domain written with case and a dot',
      name: 'a.other.org',
      out: 'a.other.org',
    },
    { desc: 'inner hyphens and digits', name: 'a-1.b2.example.net', out: 'a-1.b2.example.net' },
    {
      desc: 'a 63-character label',
      name: `${long(63)}.example.net`,
      out: `${long(63)}.example.net`,
    },
  ])('checkPublicHostname accepts $desc', ({ name, out }) => {
    expect(checkPublicHostname(name, ALLOWED)).toBe(out);
  });

  it.each([
    { desc: 'an empty name', name: '', why: /is empty/ },
    { desc: 'a lone dot', name: '.', why: /is empty/ },
    { desc: 'a wildcard', name: '*.example.net', why: /wildcard/ },
    { desc: 'a wildcard inside a label', name: 'w*w.example.net', why: /wildcard/ },
    { desc: 'an IPv4 literal', name: '100.64.0.9', why: /IP literal/ },
    { desc: 'an IPv6 literal', name: 'fd7a::1', why: /IP literal/ },
    { desc: 'a bracketed IPv6 literal', name: '[::1]', why: /IP literal/ },
    { desc: 'an empty inner label', name: 'a..example.net', why: /empty label/ },
    { desc: 'a leading dot', name: '.example.net', why: /empty label/ },
    { desc: 'two trailing dots', name: 'example.net..', why: /empty label/ },
    { desc: 'a 64-character label', name: `${long(64)}.example.net`, why: /over 63/ },
    {
      desc: 'a name over 253 characters',
      name: `${[long(63), long(63), long(63), long(52)].join('.')}.example.net`,
      why: /over 253/,
    },
    { desc: 'an underscore', name: 'a_b.example.net', why: /not letters, digits/ },
    { desc: 'a leading hyphen', name: '-a.example.net', why: /not letters, digits/ },
    { desc: 'a trailing hyphen', name: 'a-.example.net', why: /not letters, digits/ },
    { desc: 'a space', name: 'a b.example.net', why: /not letters, digits/ },
    { desc: 'a port', name: 'www.example.net:443', why: /not letters, digits/ },
    { desc: 'no label boundary', name: 'evilexample.net', why: /not under an allowed domain/ },
    { desc: 'a parent of a domain', name: 'net', why: /not under an allowed domain/ },
    { desc: 'the domain inside', name: 'example.net.evil.io', why: /not under an allowed/ },
  ])('checkPublicHostname refuses $desc', ({ name, why }) => {
    expect(() => checkPublicHostname(name, ALLOWED)).toThrow(PublicHostnameError);
    expect(() => checkPublicHostname(name, ALLOWED)).toThrow(why);
  });

  it('checkPublicHostname refuses every name when no domain is allowed', () => {
    expect(() => checkPublicHostname('www.example.net', [])).toThrow(
      /no public domains are configured/,
    );
  });

  it('checkPublicHostname names the hostname, the code and the reason', () => {
    let caught: unknown;
    try {
      checkPublicHostname('EvilExample.net', ['example.net']);
    } catch (err) {
      caught = err;
    }

    expect(caught).toBeInstanceOf(PublicHostnameError);
    expect(caught).toMatchObject({
      code: 'INVALID_PUBLIC_HOSTNAME',
      hostname: 'EvilExample.net',
      reason: 'it is not under an allowed domain (example.net)',
      message:
        "failed to accept public hostname 'EvilExample.net': " +
        'it is not under an allowed domain (example.net)',
    });
  });
});
