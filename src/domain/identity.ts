export const SCOPES = ["tasks:read", "tasks:write", "runner", "admin"] as const;
export type Scope = (typeof SCOPES)[number];

/**
 * Who is calling. `orgId` is null only for the bootstrap admin token, which names
 * the organization per request instead.
 */
export type Identity = {
  kind: "admin_token" | "jwt" | "api_key";
  orgId: string | null;
  scopes: ReadonlySet<Scope>;
  /** Recorded as `created_by`: the JWT subject, or `api_key:<id>`. */
  subject: string;
  keyId?: string;
  projectId?: string | null;
};

/** Parses a space-separated scope string, keeping only known scopes. */
export function parseScopes(raw: unknown): Set<Scope> {
  const words = typeof raw === "string" ? raw.split(/\s+/) : Array.isArray(raw) ? raw : [];
  return new Set(words.filter((w): w is Scope => (SCOPES as readonly unknown[]).includes(w)));
}

/** `tasks:write` implies `tasks:read`; `admin` implies everything. */
export function hasScope(identity: Identity, scope: Scope): boolean {
  if (identity.scopes.has("admin")) return true;
  if (scope === "tasks:read" && identity.scopes.has("tasks:write")) return true;
  return identity.scopes.has(scope);
}
