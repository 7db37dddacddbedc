import { isIPv4, isIPv6 } from 'node:net';

/** IPv4 to its /24 network, as Prebid Server does: 203.0.113.77 → 203.0.113.0. */
export function truncateIPv4(ip: string): string | undefined {
  if (!isIPv4(ip)) return undefined;
  const octets = ip.split('.');
  return `${octets[0]}.${octets[1]}.${octets[2]}.0`;
}

/** IPv6 to its /56 network (the last 72 bits zeroed), in RFC 5952 text: 2001:db8:85a3:1200::. */
export function truncateIPv6(ip: string): string | undefined {
  const groups = expandIPv6(ip);
  if (!groups) return undefined;
  // 56 bits = 3 groups and the high byte of the fourth.
  const kept = [groups[0]!, groups[1]!, groups[2]!, groups[3]! & 0xff00, 0, 0, 0, 0];
  return compressIPv6(kept);
}

/** Either address family, truncated; undefined when the text is not an IP address. */
export function truncateIp(ip: string): string | undefined {
  return truncateIPv4(ip) ?? truncateIPv6(ip);
}

function expandIPv6(ip: string): number[] | undefined {
  if (!isIPv6(ip)) return undefined;
  let text = ip.split('%')[0]!; // zone id
  // An embedded IPv4 tail (::ffff:192.0.2.1) becomes two groups.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4[1]!.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : Array.from({ length: 8 - h.length - t.length }, () => '0');
  const groups = [...h, ...zeros, ...t].map((g) => Number.parseInt(g, 16));
  return groups.length === 8 && groups.every((g) => g >= 0 && g <= 0xffff) ? groups : undefined;
}

function compressIPv6(groups: readonly number[]): string {
  // The longest run of two or more zero groups becomes '::' (the first, on a tie).
  let best = { start: -1, length: 0 };
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.length && j - i >= 2) best = { start: i, length: j - i };
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.start < 0) return hex.join(':');
  return `${hex.slice(0, best.start).join(':')}::${hex.slice(best.start + best.length).join(':')}`;
}
