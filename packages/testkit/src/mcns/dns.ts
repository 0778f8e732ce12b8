// The MCNS stand-in's DNS server over UDP: authoritative answers from the REST API's records.
// A name in a zone with no record is NXDOMAIN; a name outside every zone is REFUSED.
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';

import dnsPacket, { type Answer, type Packet, type Question } from 'dns-packet';

import type { Log } from '../mcproxy/log.js';
import { normaliseName, type McnsRecord } from './records.js';
import type { RecordStore } from './store.js';

const RCODE = { NOERROR: 0, FORMERR: 1, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;

/** Largest UDP answer without EDNS (RFC 1035); larger ones are sent truncated. */
const MAX_UDP = 512;

/** Serves DNS on `address:port` (UDP); resolves once bound. */
export async function serveDns(
  address: string,
  port: number,
  parts: { store: RecordStore; log: Log },
): Promise<Socket> {
  const socket = createSocket({ type: address.includes(':') ? 'udp6' : 'udp4' });
  socket.on('message', (msg, peer) => {
    const out = answer(msg, parts.store);
    if (out) send(socket, out, peer, parts.log);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, address, () => {
      socket.off('error', reject);
      socket.on('error', (err) => parts.log('warn', 'dns socket error', { err }));
      resolve();
    });
  });
  return socket;
}

/** The answer to one query packet; undefined for bytes that are not one. */
export function answer(msg: Buffer, store: RecordStore): Buffer | undefined {
  let query;
  try {
    query = dnsPacket.decode(msg);
  } catch {
    // Too short to carry an id: nothing to answer.
    if (msg.length < 12) return undefined;
    return dnsPacket.encode(reply(msg.readUInt16BE(0), 0, RCODE.FORMERR, []));
  }
  if (query.type !== 'query') return undefined;
  const id = query.id ?? 0;
  const rd = (query.flags ?? 0) & dnsPacket.RECURSION_DESIRED;
  const question = query.questions?.[0];
  if (!question || query.questions?.length !== 1) {
    return dnsPacket.encode(reply(id, rd, RCODE.FORMERR, query.questions ?? []));
  }
  // Only standard queries (opcode 0); NOTIFY, UPDATE and the rest are not implemented.
  if ((((query.flags ?? 0) >> 11) & 0xf) !== 0) {
    return dnsPacket.encode(reply(id, rd, RCODE.NOTIMP, [question]));
  }
  return dnsPacket.encode(resolve(id, rd, question, store));
}

function resolve(id: number, rd: number, question: Question, store: RecordStore): Packet {
  const name = normaliseName(question.name);
  const zone = store.zoneOf(name);
  if (zone === undefined) return reply(id, rd, RCODE.REFUSED, [question]);

  // The name exists when it holds records, is the apex, or has names under it.
  const all = store.list(zone);
  const own = all.filter((r) => r.name === name);
  const exists = name === zone || own.length > 0 || all.some((r) => r.name.endsWith(`.${name}`));
  if (!exists) return { ...reply(id, rd, RCODE.NXDOMAIN, [question]), authorities: [soa(zone)] };

  // dns-packet decodes type 255 as 'ANY', which its types leave out.
  const type = question.type as string;
  const answers: Answer[] = own.filter((r) => type === 'ANY' || r.type === type).map(toAnswer);
  if (name === zone && (type === 'SOA' || type === 'ANY')) {
    answers.unshift(soa(zone));
  }
  const out = { ...reply(id, rd, RCODE.NOERROR, [question]), answers };
  return answers.length > 0 ? out : { ...out, authorities: [soa(zone)] };
}

function reply(id: number, rd: number, rcode: number, questions: Question[]): Packet {
  return {
    type: 'response',
    id,
    flags: dnsPacket.AUTHORITATIVE_ANSWER | rd | rcode,
    questions,
    answers: [],
  };
}

function toAnswer(r: McnsRecord): Answer {
  if (r.type === 'TXT') {
    // A TXT string is at most 255 bytes: longer values go out as several strings.
    const bytes = Buffer.from(r.value);
    const parts: Buffer[] = [];
    for (let at = 0; at < bytes.length; at += 255) parts.push(bytes.subarray(at, at + 255));
    return { type: 'TXT', name: r.name, ttl: r.ttl, class: 'IN', data: parts };
  }
  return { type: r.type, name: r.name, ttl: r.ttl, class: 'IN', data: r.value };
}

// TTL and negative-caching time 0: a test that adds a record after a miss sees it at once.
function soa(zone: string): Answer {
  return {
    type: 'SOA',
    name: zone,
    ttl: 0,
    class: 'IN',
    data: {
      mname: `ns.${zone}`,
      rname: `hostmaster.${zone}`,
      serial: 1,
      refresh: 3600,
      retry: 600,
      expire: 86_400,
      minimum: 0,
    },
  };
}

function send(socket: Socket, out: Buffer, peer: RemoteInfo, log: Log): void {
  let bytes = out;
  if (bytes.length > MAX_UDP) {
    // Truncated: the header with TC set and the question only (no TCP fallback here).
    const packet = dnsPacket.decode(out);
    const flags = (packet.flags ?? 0) | dnsPacket.TRUNCATED_RESPONSE;
    bytes = dnsPacket.encode({ ...packet, flags, answers: [], authorities: [], additionals: [] });
  }
  socket.send(bytes, peer.port, peer.address, (err) => {
    if (err) log('warn', 'dns answer not sent', { err, peer: `${peer.address}:${peer.port}` });
  });
}
