/**
 * The key a peer's address is budgeted under: IPv4 as is (also when IPv4-mapped), IPv6 by its /64,
 * the smallest block one subscriber is given, so one attacker's many addresses share one budget.
 */
import { isIPv4, isIPv6 } from "node:net";

export function sourceKey(address: string | undefined): string {
  if (!address) return "unknown";
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (isIPv4(address)) return address;
  const bare = address.split("%")[0]!; // a zone id names a local interface, not a peer
  if (!isIPv6(bare)) return address;
  const [head = "", tail] = bare.split("::");
  const groups = (s: string) => (s ? s.split(":").flatMap((g) => (g.includes(".") ? ["0", "0"] : [g])) : []);
  const h = groups(head);
  const t = tail === undefined ? [] : groups(tail);
  const all = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill("0"), ...t];
  return `${all.slice(0, 4).map((g) => parseInt(g, 16).toString(16)).join(":")}::/64`;
}
