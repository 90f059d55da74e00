/**
 * DNS-rebinding guard for the emulator's pages (the TV and the phones panel have no login): a
 * request is served only when its Host names the machine by address or as localhost, never a
 * domain name a stranger's page could point at this machine.
 */
import { isIP } from "node:net";

export function hostAllowed(hostHeader: string | undefined, extra: readonly string[] = []): boolean {
  if (!hostHeader) return false;
  // "[::1]:8080" → "::1", "127.0.0.1:80" → "127.0.0.1", "localhost" → "localhost"
  const m = /^\[([^\]]+)\](?::\d+)?$/.exec(hostHeader) ?? /^([^:]+)(?::\d+)?$/.exec(hostHeader);
  const host = m?.[1]?.toLowerCase();
  if (!host) return false;
  return isIP(host) !== 0 || host === "localhost" || host.endsWith(".localhost") || extra.includes(host);
}

export const HOST_REFUSED = "this page answers only to an address or localhost in the Host header (a guard against DNS rebinding)";
