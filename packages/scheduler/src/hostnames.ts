// Public hostnames of edge routes (DESIGN.md section 6): a name the fleet may answer for on the
// internet. The master checks it against its allowed domains and the edge agent again against
// its own, with this one function, so both refuse the same names for the same reasons.
import { PublicHostnameError } from './errors.js';

/** A DNS name is at most 253 characters without its trailing dot. */
const MAX_NAME = 253;
/** A label is at most 63 characters. */
const MAX_LABEL = 63;
/** Letters, digits and hyphens, not starting or ending with a hyphen (after lower-casing). */
const LDH = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
/** Hex digits, colons (two at least) and dots, maybe in brackets, maybe with a zone. */
const IPV6 = /^(?=[^:]*:[^:]*:)\[?[0-9a-f:.]+(%[^\]]*)?\]?$/;

/** A DNS name as DNS compares it: lower-case, one trailing dot removed. */
export function dnsName(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

/**
 * Checks a public hostname and returns it normalised (lower-case, one trailing dot removed).
 * It must equal one of `allowedDomains` or end with `.` and one of them (a label boundary:
 * `evilexample.net` is not under `example.net`), compared case-insensitively after removing
 * one trailing dot of both.
 * @throws PublicHostnameError when the name is empty, a wildcard, an IP literal, has an empty,
 * over-long or non-LDH label, is over 253 characters, is under no allowed domain, or when
 * `allowedDomains` is empty.
 */
export function checkPublicHostname(hostname: string, allowedDomains: readonly string[]): string {
  const name = dnsName(hostname);
  const refuse = (reason: string) => new PublicHostnameError(hostname, reason);

  // The form of the name, before what it is under.
  if (name === '') throw refuse('the hostname is empty');
  if (name.includes('*')) throw refuse('wildcard names are not allowed');
  if (IPV4.test(name) || IPV6.test(name)) throw refuse('an IP literal is not a hostname');
  if (name.length > MAX_NAME) {
    throw refuse(`the name is ${name.length} characters long, over ${MAX_NAME}`);
  }
  for (const label of name.split('.')) {
    if (label === '') throw refuse('the name has an empty label');
    if (label.length > MAX_LABEL) {
      throw refuse(`label '${label}' is ${label.length} characters long, over ${MAX_LABEL}`);
    }
    if (!LDH.test(label)) {
      throw refuse(`label '${label}' is not letters, digits and inner hyphens`);
    }
  }

  // Under an allowed domain, at a label boundary.
  const domains = allowedDomains.map(dnsName).filter((d) => d !== '');
  if (domains.length === 0) {
    throw refuse('no public domains are configured (allowed_domains is empty)');
  }
  if (!domains.some((d) => name === d || name.endsWith(`.${d}`))) {
    throw refuse(`it is not under an allowed domain (${domains.join(', ')})`);
  }
  return name;
}
