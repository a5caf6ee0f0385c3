/**
 * True when a URL points at this machine, a private network, link-local or cloud
 * metadata addresses, in the notations a hostname can take (dotted, decimal,
 * hex, octal, shortened, a trailing dot, IPv6, IPv4-mapped, IPv4-compatible and
 * NAT64 IPv6). Multicast, broadcast and reserved ranges are refused too. Such
 * targets are refused unless explicitly allowed (ALLOW_PRIVATE_TARGETS): when a task
 * is written (domain/targets.ts) and again when a run calls out (executors).
 *
 * A public name that resolves to a private address (DNS rebinding) is not caught
 * here: a Worker's fetch resolves names itself and cannot reach private networks
 * of Cloudflare's edge; this check matters for deployments that can (local dev,
 * a Worker with a private network binding).
 */
export function isPrivateTarget(url: URL): boolean {
  const host = url.hostname
    .toLowerCase()
    .replace(/^\[|\]$/g, "")
    .replace(/\.+$/, "");
  if (host === "localhost" || host.endsWith(".localhost") || host.endsWith(".internal") || host === "metadata.google.internal") return true;
  const v4 = parseIPv4(host) ?? embeddedIPv4(host);
  if (v4 !== null) return isPrivateIPv4(v4);
  if (host.includes(":")) return host === "::" || host === "::1" || /^f[cd]/.test(host) || /^fe[89ab]/.test(host) || /^ff/.test(host);
  return false;
}

function isPrivateIPv4(v4: number): boolean {
  const [a, b, c] = [v4 >>> 24, (v4 >>> 16) & 255, (v4 >>> 8) & 255];
  return (
    a === 0 || // "this network"
    a === 10 ||
    a === 127 ||
    (a === 169 && b === 254) || // link-local, cloud metadata
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 100 && b >= 64 && b <= 127) || // carrier-grade NAT
    (a === 192 && b === 0 && c === 0) || // IETF protocol assignments
    (a === 198 && (b === 18 || b === 19)) || // benchmarking
    a >= 224 // multicast, reserved, broadcast
  );
}

function parseIPv4(host: string): number | null {
  if (/^(0x[0-9a-f]+|\d+)$/.test(host)) {
    const n = Number(host);
    return n >= 0 && n <= 0xffffffff ? n : null;
  }
  const parts = host.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^(0x[0-9a-f]+|\d+)$/.test(p))) return null;
  const nums = parts.map((p) => (p.startsWith("0x") ? parseInt(p, 16) : /^0\d/.test(p) ? parseInt(p, 8) : Number(p)));
  if (nums.some((n) => Number.isNaN(n) || n > 255)) return null;
  return nums.reduce((acc, n) => acc * 256 + n, 0);
}

/** The IPv4 address inside an IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d) or NAT64 (64:ff9b::a.b.c.d) IPv6 address. */
function embeddedIPv4(host: string): number | null {
  const m = /^(?:::ffff:|::|64:ff9b::)([0-9a-f.:]+)$/.exec(host);
  if (!m?.[1]) return null;
  const dotted = parseIPv4(m[1]);
  if (dotted !== null) return dotted;
  const hex = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(m[1]);
  return hex?.[1] && hex[2] ? parseInt(hex[1], 16) * 65536 + parseInt(hex[2], 16) : null;
}
