import { BlockList, isIP } from 'node:net';

/**
 * Where a webhook may be sent. Webhook URLs come from API clients, so without this check a client could
 * make our servers call the cloud metadata service or an internal admin port (SSRF).
 */
export interface NetworkPolicyOptions {
  /** Local development and tests deliver to receivers on 127.0.0.1; everywhere else this is false. */
  allowPrivateNetworks: boolean;
  /** Addresses or CIDRs reachable even when private networks are refused (a receiver on a dev box). */
  allowedCidrs: readonly string[];
  requireHttps: boolean;
}

/** Ranges no client webhook may reach: RFC 6890 special-purpose blocks, the ones an attacker would aim at. */
const BLOCKED_IPV4: readonly [string, number, string][] = [
  ['0.0.0.0', 8, '"this" network'],
  ['10.0.0.0', 8, 'private network (RFC 1918)'],
  ['100.64.0.0', 10, 'carrier-grade NAT (RFC 6598)'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local (includes the 169.254.169.254 cloud metadata service)'],
  ['172.16.0.0', 12, 'private network (RFC 1918)'],
  ['192.0.0.0', 24, 'IETF protocol assignments'],
  ['192.0.2.0', 24, 'documentation range'],
  ['192.88.99.0', 24, '6to4 relay anycast'],
  ['192.168.0.0', 16, 'private network (RFC 1918)'],
  ['198.18.0.0', 15, 'benchmarking range'],
  ['198.51.100.0', 24, 'documentation range'],
  ['203.0.113.0', 24, 'documentation range'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved (includes broadcast)'],
];

const BLOCKED_IPV6: readonly [string, number, string][] = [
  ['::1', 128, 'loopback'],
  // Also the unspecified address :: and the deprecated IPv4-compatible ::a.b.c.d.
  ['::', 96, 'unspecified or IPv4-compatible'],
  ['64:ff9b::', 96, 'NAT64 (embeds an IPv4 address)'],
  ['64:ff9b:1::', 48, 'local-use NAT64'],
  ['100::', 64, 'discard-only range'],
  ['2001::', 23, 'IETF protocol assignments'],
  ['2001:db8::', 32, 'documentation range'],
  ['2002::', 16, '6to4 (embeds an IPv4 address)'],
  ['fc00::', 7, 'unique local address (private)'],
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'site-local (deprecated)'],
  ['ff00::', 8, 'multicast'],
];

export class NetworkPolicy {
  private readonly allowed = new BlockList();

  constructor(readonly options: NetworkPolicyOptions) {
    for (const entry of options.allowedCidrs) addCidr(this.allowed, entry);
  }

  /** Why a webhook must not be sent to this resolved address, or null when it may. */
  refusalOfAddress(address: string): string | null {
    const family = isIP(address);
    if (family === 0) return `"${address}" is not an IP address`;
    const type = family === 4 ? 'ipv4' : 'ipv6';
    const range = blockedRange(address, type);
    if (!range) return null;
    if (this.options.allowPrivateNetworks) return null;
    if (this.allowed.check(address, type)) return null;
    return `${address} is a ${range} address`;
  }

  /** Why this URL cannot be a webhook endpoint before any DNS lookup, or null. */
  refusalOfUrl(text: string): string | null {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return 'url is not a valid URL';
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'url must be an http or https URL';
    if (this.options.requireHttps && url.protocol !== 'https:') return 'url must use https in production';
    if (url.username || url.password) return 'url must not contain credentials';
    const host = url.hostname.replace(/^\[|\]$/g, '');
    // WHATWG URL parsing already turned 0x7f.1 or 2130706433 into 127.0.0.1, so literals are canonical here.
    return isIP(host) ? this.refusalOfAddress(host) : null;
  }
}

const BLOCKED = [
  ...BLOCKED_IPV4.map(([network, prefix, label]) => ({ list: subnet(network, prefix, 'ipv4'), label })),
  ...BLOCKED_IPV6.map(([network, prefix, label]) => ({ list: subnet(network, prefix, 'ipv6'), label })),
];

/**
 * BlockList matches an IPv4-mapped IPv6 address (::ffff:127.0.0.1, ::ffff:7f00:1) against the IPv4
 * rules, so a mapped address cannot slip past them.
 */
function blockedRange(address: string, type: 'ipv4' | 'ipv6'): string | null {
  return BLOCKED.find(({ list }) => list.check(address, type))?.label ?? null;
}

function subnet(network: string, prefix: number, type: 'ipv4' | 'ipv6'): BlockList {
  const list = new BlockList();
  list.addSubnet(network, prefix, type);
  return list;
}

function addCidr(list: BlockList, entry: string): void {
  const [address, prefixText] = entry.split('/');
  const family = isIP(address);
  if (family === 0) throw new Error(`"${entry}" is not an IP address or CIDR`);
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (prefixText === undefined) {
    list.addAddress(address, type);
    return;
  }
  const prefix = Number(prefixText);
  if (!/^\d+$/.test(prefixText) || prefix > (family === 4 ? 32 : 128)) throw new Error(`"${entry}" has an invalid prefix length`);
  list.addSubnet(address, prefix, type);
}

/** Parses a comma-separated allow-list, throwing on the first bad entry; for config validation. */
export function parseCidrList(text: string): string[] {
  const entries = text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  const probe = new BlockList();
  for (const entry of entries) addCidr(probe, entry);
  return entries;
}
