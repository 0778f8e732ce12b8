// Whether an address is on the overlay network, with ipaddr.js for the CIDR maths.
import ipaddr from 'ipaddr.js';

/** The overlay network as a CIDR; answers whether an address string lies inside it. */
export class Overlay {
  private readonly range: [ipaddr.IPv4 | ipaddr.IPv6, number];

  /** @param cidr validated when the config was loaded, e.g. `100.64.0.0/10`. */
  constructor(readonly cidr: string) {
    this.range = ipaddr.parseCIDR(cidr);
  }

  /** Whether `address` is an IP literal: four-part dotted IPv4 or IPv6 (no brackets). */
  static isLiteral(address: string): boolean {
    return ipaddr.IPv4.isValidFourPartDecimal(address) || ipaddr.IPv6.isValid(address);
  }

  /** Whether the IP literal `address` is inside the overlay; IPv4-mapped IPv6 counts as IPv4. */
  contains(address: string): boolean {
    let addr = ipaddr.parse(address);
    if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) {
      addr = (addr as ipaddr.IPv6).toIPv4Address();
    }
    return addr.kind() === this.range[0].kind() && addr.match(this.range);
  }
}
