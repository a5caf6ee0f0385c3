// The bench's HTTP client for the service under test: timed calls, the dev-proxy
// retry, and the few API calls every scenario needs.
import { ADMIN_TOKEN, BASE } from "./config.mjs";
import { percentiles } from "./stats.mjs";
import { sleep } from "./util.mjs";

/**
 * wrangler dev's own proxy (ProxyWorker, in front of the Worker) sometimes drops a
 * request: its pooled connection to the Worker idles ~5 s and both sides' 5 s kj
 * timeouts fire together, so a request written at that moment is lost and a non-GET
 * is answered `503 Your worker restarted mid-request` although nothing restarted
 * (cloudflare/workers-sdk#14641; root cause in #15252). That is the local dev server,
 * not this service, so the bench retries exactly that answer (as it says to), counts
 * every occurrence, and reports them. Any other 5xx is kept as the answer.
 */
const DEV_PROXY_503 = "Your worker restarted mid-request";
/** Running totals for the whole bench; the entry point reads them per scenario. */
export const devProxy = { dropped: 0, retriedOk: 0 };

/** One HTTP call, timed. Never throws: a network error is status 0. */
export async function call(method, url, opts = {}) {
  const t0 = performance.now();
  for (let attempt = 1; ; attempt++) {
    const r = await callOnce(method, url, opts);
    if (!(r.status === 503 && r.text?.startsWith(DEV_PROXY_503)) || attempt === 4) {
      if (attempt > 1 && r.status !== 503) devProxy.retriedOk++;
      return { ...r, ms: performance.now() - t0, attempts: attempt };
    }
    devProxy.dropped++;
    await sleep(50);
  }
}

async function callOnce(method, url, { token, body, headers = {} } = {}) {
  try {
    const res = await fetch(`${BASE}${url}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
        ...headers,
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    let json;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, json, text };
  } catch (e) {
    return { status: 0, error: e instanceof Error ? `${e.message}${e.cause ? `: ${e.cause.message ?? e.cause}` : ""}` : String(e) };
  }
}

/**
 * POST /v1/tasks. When the dev proxy dropped an attempt (see DEV_PROXY_503) and the
 * retry answers 409 name_taken, the dropped attempt did reach the Worker: the task
 * exists, so it is looked up by name and counted as `answer_lost` (not hidden).
 */
export async function createTask(key, body) {
  const r = await call("POST", "/v1/tasks", { token: key, body });
  if (r.status === 409 && r.attempts > 1 && r.json?.error?.code === "name_taken") {
    const f = await call("GET", `/v1/tasks?q=${encodeURIComponent(body.name)}&limit=200`, { token: key });
    const t = f.json?.tasks?.find((x) => x.name === body.name);
    if (t) return { ...r, status: 201, id: t.id, answerLost: true };
  }
  return { ...r, id: r.json?.id };
}

/** A fresh API key in its own organization, so each scenario has its own totals. */
export async function apiKey(org) {
  const r = await call("POST", "/v1/api-keys", {
    token: ADMIN_TOKEN,
    body: { name: `bench ${org}`, org, scopes: ["tasks:read", "tasks:write"] },
  });
  if (r.status !== 201 || !r.json?.key) throw new Error(`could not create an API key for ${org}: ${r.status} ${r.text ?? r.error}`);
  return r.json.key;
}

/** Pages GET `route` with limit/offset until it is exhausted; checks `total` on every page. */
export async function listAll(route, key, field) {
  const items = [];
  const totals = new Set();
  const pageMs = [];
  for (let offset = 0; ; offset += 200) {
    const sep = route.includes("?") ? "&" : "?";
    const r = await call("GET", `${route}${sep}limit=200&offset=${offset}`, { token: key });
    if (r.status !== 200) throw new Error(`GET ${route} offset ${offset} answered ${r.status}: ${r.text ?? r.error}`);
    pageMs.push(r.ms);
    totals.add(r.json.total);
    items.push(...r.json[field]);
    if (r.json[field].length < 200) break;
  }
  return { items, totals: [...totals], pages: pageMs.length, pageMs: percentiles(pageMs) };
}
