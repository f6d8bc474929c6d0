import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

/*
 * Where the product may send requests its customers aim (webhooks): public
 * addresses only. A URL's host is resolved here, every address it has is
 * checked, and the caller connects to the checked address itself, so a DNS
 * answer that changes between the check and the connection (rebinding) cannot
 * send the request inside.
 */

/** Why an address is refused; null when it is public. */
export type AddressRefusal = 'LOOPBACK' | 'PRIVATE' | 'LINK_LOCAL' | 'UNIQUE_LOCAL' | 'SHARED' | 'MULTICAST' | 'UNSPECIFIED' | 'RESERVED';

type Range4 = [prefix: number, bits: number, refusal: AddressRefusal];

const ipv4 = (a: number, b = 0, c = 0, d = 0) => ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;

const RANGES_V4: readonly Range4[] = [
  [ipv4(0), 8, 'UNSPECIFIED'],
  [ipv4(10), 8, 'PRIVATE'],
  [ipv4(100, 64), 10, 'SHARED'], // carrier-grade NAT
  [ipv4(127), 8, 'LOOPBACK'],
  [ipv4(169, 254), 16, 'LINK_LOCAL'],
  [ipv4(172, 16), 12, 'PRIVATE'],
  [ipv4(192, 0, 0), 24, 'RESERVED'],
  [ipv4(192, 0, 2), 24, 'RESERVED'],
  [ipv4(192, 168), 16, 'PRIVATE'],
  [ipv4(198, 18), 15, 'RESERVED'],
  [ipv4(198, 51, 100), 24, 'RESERVED'],
  [ipv4(203, 0, 113), 24, 'RESERVED'],
  [ipv4(224), 4, 'MULTICAST'],
  [ipv4(240), 4, 'RESERVED'], // and 255.255.255.255
];

function parseV4(address: string): number {
  const [a, b, c, d] = address.split('.').map(Number) as [number, number, number, number];
  return ipv4(a, b, c, d);
}

function refusalV4(value: number): AddressRefusal | null {
  for (const [prefix, bits, refusal] of RANGES_V4) {
    const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
    if ((value & mask) >>> 0 === prefix) return refusal;
  }
  return null;
}

/** The eight 16-bit groups of an IPv6 address (with `::` and a dotted IPv4 tail expanded). */
function groupsV6(address: string): number[] {
  let text = address.toLowerCase().split('%')[0]!;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const v4 = parseV4(dotted[1]!);
    text = `${text.slice(0, -dotted[1]!.length)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((g) => parseInt(g, 16));
}

function refusalV6(address: string): AddressRefusal | null {
  const g = groupsV6(address);
  const firstSix = g.slice(0, 6);
  const embeddedV4 = ((g[6]! << 16) | g[7]!) >>> 0;
  if (g.every((x) => x === 0)) return 'UNSPECIFIED';
  if (g.slice(0, 7).every((x) => x === 0) && g[7] === 1) return 'LOOPBACK';
  // IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) carry an IPv4 address that decides.
  if (firstSix.slice(0, 5).every((x) => x === 0) && (g[5] === 0xffff || g[5] === 0)) return refusalV4(embeddedV4);
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return refusalV4(embeddedV4);
  if ((g[0]! & 0xffc0) === 0xfe80) return 'LINK_LOCAL';
  if ((g[0]! & 0xfe00) === 0xfc00) return 'UNIQUE_LOCAL';
  if ((g[0]! & 0xff00) === 0xff00) return 'MULTICAST';
  if (g[0] === 0x2001 && g[1] === 0x0db8) return 'RESERVED';
  return null;
}

/** Why this IP address must not be called, or null when it is a public address. */
export function addressRefusal(address: string): AddressRefusal | null {
  const family = isIP(address);
  if (family === 4) return refusalV4(parseV4(address));
  if (family === 6) return refusalV6(address);
  return 'RESERVED';
}

export interface OutboundPolicy {
  /** Loopback addresses are allowed (development and tests, FLUXO_WEBHOOKS_ALLOW_LOOPBACK). */
  allowLoopback: boolean;
  /** Resolves a name to all its addresses; node:dns lookup unless a test stands in for DNS. */
  resolve?: (host: string) => Promise<Array<{ address: string; family: number }>>;
}

const resolveWithDns = (host: string) => lookup(host, { all: true, verbatim: true });

export interface CheckedAddress {
  address: string;
  family: 4 | 6;
}

export class OutboundAddressRefused extends Error {
  constructor(
    readonly host: string,
    readonly refusal: AddressRefusal | 'UNRESOLVABLE',
  ) {
    super(`${host} is not a public address (${refusal})`);
  }
}

function allowed(address: string, policy: OutboundPolicy): AddressRefusal | null {
  const refusal = addressRefusal(address);
  return refusal === 'LOOPBACK' && policy.allowLoopback ? null : refusal;
}

/**
 * Resolves a host (a name or an IP literal, brackets allowed) and returns the
 * address to connect to. Every address the name has is checked, not only the
 * one picked: a name with one public and one internal address is refused.
 */
export async function checkedAddress(host: string, policy: OutboundPolicy): Promise<CheckedAddress> {
  const bare = host.replace(/^\[|\]$/g, '');
  let addresses: Array<{ address: string; family: number }>;
  if (isIP(bare)) addresses = [{ address: bare, family: isIP(bare) }];
  else {
    try {
      addresses = await (policy.resolve ?? resolveWithDns)(bare);
    } catch {
      throw new OutboundAddressRefused(host, 'UNRESOLVABLE');
    }
  }
  if (addresses.length === 0) throw new OutboundAddressRefused(host, 'UNRESOLVABLE');
  for (const a of addresses) {
    const refusal = allowed(a.address, policy);
    if (refusal) throw new OutboundAddressRefused(host, refusal);
  }
  const first = addresses[0]!;
  return { address: first.address, family: first.family === 6 ? 6 : 4 };
}
