/**
 * True when a URL points at this machine, a private network, link-local or cloud
 * metadata addresses, in the notations a hostname can take (dotted, decimal,
 * hex, IPv6 and IPv4-mapped IPv6). Such targets are refused unless explicitly allowed.
 */
export function isPrivateTarget(url: URL): boolean {
  const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, "");
  if (host === "localhost" || host.endsWith(".localhost") || host.endsWith(".internal") || host === "metadata.google.internal") return true;
  const v4 = parseIPv4(host) ?? mappedIPv4(host);
  if (v4 !== null) {
    const [a, b] = [v4 >>> 24, (v4 >>> 16) & 255];
    return a === 0 || a === 10 || a === 127 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127);
  }
  if (host.includes(":")) return host === "::" || host === "::1" || /^f[cd]/.test(host) || /^fe[89ab]/.test(host);
  return false;
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

function mappedIPv4(host: string): number | null {
  const m = /^::ffff:(.+)$/.exec(host);
  if (!m?.[1]) return null;
  const dotted = parseIPv4(m[1]);
  if (dotted !== null) return dotted;
  const hex = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(m[1]);
  return hex?.[1] && hex[2] ? parseInt(hex[1], 16) * 65536 + parseInt(hex[2], 16) : null;
}
