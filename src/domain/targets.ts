import { isPrivateTarget } from "./address";
import type { ErrorDetail } from "./errors";
import { invalid } from "./errors";
import { placementOf } from "./placement";
import type { TaskSpec } from "./task";

/** What a refused address is told to do instead. */
export const PRIVATE_TARGET_FIX = "use a public address (ALLOW_PRIVATE_TARGETS=true allows it in development)";

type Located = { path: string; url: string };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** `list[i].url` for every entry of an array parameter that carries a string url. */
function urlsIn(list: unknown, path: string): Located[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((e, i) => (isRecord(e) && typeof e.url === "string" ? [{ path: `${path}[${i}].url`, url: e.url }] : []));
}

/**
 * Every URL of a task that the edge (this Worker) will call, with its field path.
 * A backup handed to a runner is left out: the runner sits on the user's own network,
 * where private addresses are the point (domain/placement.ts decides which it is).
 */
export function edgeUrls(spec: Pick<TaskSpec, "type" | "parameters" | "on_success_url" | "on_failure_url">): Located[] {
  const p = spec.parameters;
  const found: Located[] = [];
  switch (spec.type) {
    case "http":
    case "workflow":
      if (typeof p.url === "string") found.push({ path: "parameters.url", url: p.url });
      break;
    case "health_check":
      found.push(...urlsIn(p.targets, "parameters.targets"));
      if (isRecord(p.alert) && typeof p.alert.url === "string") found.push({ path: "parameters.alert.url", url: p.alert.url });
      break;
    case "backup":
      if (placementOf(spec).edge) found.push(...urlsIn(p.sources, "parameters.sources"));
      break;
  }
  if (spec.on_success_url) found.push({ path: "on_success_url", url: spec.on_success_url });
  if (spec.on_failure_url) found.push({ path: "on_failure_url", url: spec.on_failure_url });
  return found;
}

/** Why one URL is refused, or null when it may be called (or cannot be parsed: its own check says so). */
function refusal(url: string): string | null {
  const parsed = URL.canParse(url) ? new URL(url) : null;
  if (!parsed || !isPrivateTarget(parsed)) return null;
  // Name the address the caller's notation means when it is not spelled out (http://2130706433/ is 127.0.0.1).
  const host = parsed.hostname;
  const means = url.toLowerCase().includes(host) ? "" : ` (${host})`;
  return `${url}${means} is a private or loopback address`;
}

/**
 * Refuses (400 `private_target`, every offending field named) URLs the edge would
 * call that point at a private, loopback, link-local or metadata address, in any
 * notation `isPrivateTarget` knows. Run time checks again, for what is only known then.
 */
export function assertPublicTargets(found: Located[]): void {
  const refused = found.flatMap(({ path, url }) => {
    const why = refusal(url);
    return why ? [{ path, why }] : [];
  });
  if (refused.length === 0) return;
  const details: ErrorDetail[] = refused.map(({ path, why }) => ({ path, message: `${why}; ${PRIVATE_TARGET_FIX}` }));
  throw invalid("private_target", `${refused.map(({ path, why }) => `${path}: ${why}`).join("; ")}; ${PRIVATE_TARGET_FIX}`, details);
}
