/**
 * /dashboard: server-rendered pages (hono/jsx, which escapes every value) over the typed
 * /v1 client. The dashboard never touches the database or a service: each page calls /v1
 * in-process with the JWT from the session cookie, so /v1's auth, scopes, tenancy and
 * validation are the dashboard's too. Mutations are form POSTs that check Origin and
 * redirect (POST-redirect-GET). Styles and a small progressive-enhancement script are
 * Workers Static Assets under /dashboard/ (public/dashboard/). See README "Dashboard".
 */
import { Hono } from "hono";
import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { getCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import { log } from "../log";
import { ApiFailure, apiFor, ok } from "./api";
import type { DashEnv, Dispatch } from "./env";
import { validZone } from "./format/time";
import { Layout } from "./layout";
import { SignInPage, SignOutPage } from "./pages/sign-in";
import { PAGE_SIZE, TasksPage } from "./pages/tasks";
import type { TaskQuery } from "./pages/tasks";
import { registerAdminRoutes } from "./routes/admin";
import { registerFormRoutes } from "./routes/form";
import { registerRunRoutes } from "./routes/runs";
import { registerScheduleViews } from "./routes/schedule-views";
import { registerTaskRoutes } from "./routes/tasks";
import { ZONE_COOKIE, clearSession, sameOrigin, securityHeaders, sessionClaims, sessionToken, setSession } from "./security";

const SIGN_IN = "/dashboard/sign-in";

const str = (v: unknown) => (typeof v === "string" ? v.trim() : "");

/** The dashboard's router, mounted at /dashboard; `dispatch` sends its /v1 calls to the Worker's own app. */
export function createDashboard(dispatch: Dispatch) {
  const r = new Hono<DashEnv>();
  r.use("*", securityHeaders);
  r.use("*", bodyLimit({ maxSize: 64 * 1024, onError: (c) => c.text("The form is too large.", 413) }));
  r.use("*", sameOrigin);
  r.onError((err, c) => errorPage(c, err));

  r.get("/sign-in", (c) => c.html(<SignInPage />));
  r.post("/sign-in", async (c) => {
    const form = await c.req.parseBody();
    const key = str(form.api_key);
    const org = str(form.org);
    if (!key) return c.html(<SignInPage error="Enter an API key." org={org} />, 400);
    const api = apiFor(c, dispatch, key, org ? { "x-org-id": org } : {});
    const res = await api.POST("/v1/auth/token", {});
    if (!res.data) {
      const code = (res.error as { error?: { code?: string } } | undefined)?.error?.code;
      const message =
        code === "org_required"
          ? "The admin token acts for no organization: enter one under Organization."
          : res.response.status === 401
            ? "That API key is not valid (or has been revoked)."
            : "Signing in failed: the API refused the exchange.";
      return c.html(<SignInPage error={message} org={org} />, res.response.status === 401 ? 401 : 400);
    }
    setSession(c, res.data.access_token, res.data.expires_in);
    // The viewer's zone, from the form's hidden field (app.js fills it); it also keeps it current on later pages.
    if (str(form.tz)) c.header("Set-Cookie", zoneCookie(c, validZone(str(form.tz))), { append: true });
    return c.redirect("/dashboard", 303);
  });
  r.get("/sign-out", (c) => c.html(<SignOutPage />));
  r.post("/sign-out", (c) => {
    clearSession(c);
    return c.redirect(SIGN_IN, 303);
  });

  // Every other page needs a session.
  r.use("*", session(dispatch));

  r.get("/", async (c) => {
    const q = c.req.query();
    const query: TaskQuery = {
      status: str(q.status) || undefined,
      type: str(q.type) || undefined,
      q: str(q.q) || undefined,
      page: Math.max(1, Math.min(100_000, Number.parseInt(q.page ?? "1", 10) || 1)),
    };
    const [listed, queuedRuns] = await Promise.all([
      c.var.api.GET("/v1/tasks", {
        params: {
          query: {
            limit: PAGE_SIZE,
            offset: (query.page - 1) * PAGE_SIZE,
            recent_runs: 20,
            status: query.status as never,
            type: query.type as never,
            q: query.q,
          },
        },
      }),
      // A tick claims the coming minute ahead of time, after which a task's next_run_at is the
      // occurrence after it: the run already queued for its schedule is the one due next.
      c.var.api.GET("/v1/runs", { params: { query: { status: "queued", trigger: "schedule", limit: 200 } } }),
    ]);
    const list = ok(listed);
    const queued = new Map<string, string>();
    for (const run of ok(queuedRuns).runs) {
      const at = queued.get(run.task_id);
      if (at === undefined || run.scheduled_for < at) queued.set(run.task_id, run.scheduled_for);
    }
    const tasks = list.tasks.map((t) => {
      const at = queued.get(t.id);
      return at !== undefined && (t.next_run_at === null || at < t.next_run_at) ? { ...t, next_run_at: at } : t;
    });
    return c.html(
      <TasksPage viewer={c.var.viewer} query={query} tasks={tasks} total={list.total} now={Date.now()} done={c.req.query("done")} />,
    );
  });

  registerFormRoutes(r); // before /tasks/:id, so /tasks/new is the form
  registerTaskRoutes(r);
  registerRunRoutes(r);
  registerScheduleViews(r);
  registerAdminRoutes(r);

  r.all("*", (c) => c.html(<NotFoundPage c={c} />, 404));
  return r;
}

/** Reads the session cookie into a /v1 client and the viewer, or sends the browser to sign in. */
function session(dispatch: Dispatch) {
  return createMiddleware<DashEnv>(async (c, next) => {
    const token = sessionToken(c);
    if (!token) return c.redirect(SIGN_IN, 303);
    const claims = sessionClaims(token);
    c.set("api", apiFor(c, dispatch, token));
    c.set("viewer", { ...claims, zone: validZone(getCookie(c, ZONE_COOKIE)), admin: claims.scopes.includes("admin") });
    await next();
  });
}

function zoneCookie(c: Context<DashEnv>, zone: string): string {
  const secure = new URL(c.req.url).protocol === "https:" ? "; Secure" : "";
  return `${ZONE_COOKIE}=${encodeURIComponent(zone)}; Path=/dashboard; Max-Age=31536000; SameSite=Strict${secure}`;
}

function NotFoundPage(props: { c: Context<DashEnv> }) {
  return (
    <Layout title="Not found" viewer={props.c.get("viewer")}>
      <p>There is nothing here, or it belongs to another organization.</p>
      <p>
        <a href="/dashboard">Back to Tasks</a>
      </p>
    </Layout>
  );
}

/** An API refusal as a page: an expired session goes back to sign-in, "not found" stays "not found". */
function errorPage(c: Context<DashEnv>, err: unknown): Response | Promise<Response> {
  if (err instanceof ApiFailure) {
    if (err.status === 401) {
      clearSession(c);
      return c.redirect(SIGN_IN, 303);
    }
    if (err.status === 404) return c.html(<NotFoundPage c={c} />, 404);
    return c.html(
      <Layout title="Something went wrong" viewer={c.get("viewer")}>
        <p role="alert">{`${err.message} (${err.code})`}</p>
      </Layout>,
      err.status >= 400 && err.status < 600 ? (err.status as 400) : 500,
    );
  }
  log("error", "dashboard.error", { request_id: c.get("requestId"), error: err instanceof Error ? err.message : String(err) });
  return c.html(
    <Layout title="Something went wrong" viewer={c.get("viewer")}>
      <p role="alert">The dashboard failed to render this page. Request id: {c.get("requestId")}</p>
    </Layout>,
    500,
  );
}
