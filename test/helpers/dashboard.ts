import { BASE, call } from "./api";
import type { Reply } from "./api";

/** A form POST as a browser on the dashboard's page sends it (Origin = the Worker's own). */
export function post(
  path: string,
  form: Record<string, string>,
  opts: { cookie?: string; origin?: string | null } = {},
): Promise<Reply<string>> {
  const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" };
  if (opts.origin !== null) headers.origin = opts.origin ?? BASE;
  if (opts.cookie) headers.cookie = opts.cookie;
  return call("POST", path, { raw: new URLSearchParams(form).toString(), headers });
}

/** A page, as a signed-in browser asks for it. */
export const page = (path: string, cookie?: string) => call<string>("GET", path, { headers: cookie ? { cookie } : {} });

/** Signs in through the form and returns the session cookie (name=value) the browser would keep. */
export async function signIn(key: string, org?: string): Promise<string> {
  const r = await post("/dashboard/sign-in", { api_key: key, org: org ?? "", tz: "America/New_York" });
  if (r.status !== 303) throw new Error(`sign-in: ${r.status} ${r.body}`);
  const cookies = r.headers.getSetCookie().map((c) => c.split(";")[0] ?? "");
  return cookies.join("; ");
}
