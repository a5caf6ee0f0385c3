import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, cronTask, jwt, newOrg, tenant } from "../helpers/api";

// Issue 10, item 2: with ALLOW_PRIVATE_TARGETS unset (as in the test pool), a URL the
// edge would call that points at a private, loopback, link-local or metadata address is
// refused when the task (or project) is written: 400 naming the field, in each face's
// own error shape, and nothing is written. Faces 002, 003 and 004 carry no URL (their
// callbacks go to WORKFLOW_ENDPOINT_URL or an agent endpoint set by the operator).

const FIX = "use a public address (ALLOW_PRIVATE_TARGETS=true allows it in development)";

/** The six notations, IPv6 loopback and a trailing dot, with the address each means. */
const NOTATIONS: [string, string][] = [
  ["http://169.254.169.254/latest/meta-data/", "169.254.169.254"],
  ["http://127.0.0.1/", "127.0.0.1"],
  ["http://[::ffff:127.0.0.1]/", "[::ffff:7f00:1]"],
  ["http://2130706433/", "127.0.0.1"],
  ["http://0x7f000001/", "127.0.0.1"],
  ["http://10.0.0.1/", "10.0.0.1"],
  ["http://[::1]:8080/hook", "[::1]"],
  ["http://localhost./hook", "localhost."],
];

const v1Total = async (key: string) => (await call("GET", "/v1/tasks", { token: key })).body.total as number;

/** POSTs a /v1 task and expects the refusal naming exactly `paths`. */
async function refusedOnV1(key: string, over: Record<string, unknown>, paths: string[]) {
  const r = await call("POST", "/v1/tasks", { token: key, body: cronTask(over) });
  expect(r.status, JSON.stringify(r.body)).toBe(400);
  expect(r.body.error.code).toBe("private_target");
  expect(r.body.error.details.map((d: { path: string }) => d.path)).toEqual(paths);
  for (const p of paths) expect(r.body.error.message).toContain(`${p}: `);
  expect(r.body.error.message).toContain(FIX);
  return r.body.error;
}

describe("/v1: private targets are refused when a task is written", () => {
  it.each(NOTATIONS)("parameters.url %s is a 400 naming the field, the address and the fix; nothing is written", async (url, host) => {
    const { key } = await tenant();
    const error = await refusedOnV1(key, { parameters: { url } }, ["parameters.url"]);
    expect(error.message).toMatch(/^parameters\.url: /);
    expect(error.message).toContain(url);
    expect(error.message).toContain("is a private or loopback address");
    // A notation that hides the address (decimal, hex, IPv4-mapped) is spelled out.
    if (!url.includes(host)) expect(error.message).toContain(`(${host})`);
    expect(error.details[0].message).toContain(FIX);
    expect(await v1Total(key)).toBe(0);
  });

  it("every URL the edge calls is checked, each error path in bracket notation", async () => {
    const { key } = await tenant();
    const ok = "https://example.com/ok";
    await refusedOnV1(key, { type: "workflow", parameters: { callback_type: "webhook", callback_id: "c", url: "http://127.0.0.1/" } }, [
      "parameters.url",
    ]);
    await refusedOnV1(key, { type: "health_check", parameters: { targets: [{ url: ok }, { url: "http://10.0.0.1/" }] } }, [
      "parameters.targets[1].url",
    ]);
    await refusedOnV1(key, { type: "health_check", parameters: { targets: [{ url: ok }], alert: { url: "http://[::1]/" } } }, [
      "parameters.alert.url",
    ]);
    await refusedOnV1(key, { type: "backup", parameters: { sources: [{ url: "http://169.254.169.254/" }] } }, [
      "parameters.sources[0].url",
    ]);
    await refusedOnV1(
      key,
      { type: "backup", parameters: { sources: [{ url: ok }, { url: "http://0x7f000001/" }], run_on: "edge", device_ids: ["d1"] } },
      ["parameters.sources[1].url"],
    );
    await refusedOnV1(key, { on_failure_url: "http://2130706433/" }, ["on_failure_url"]);
    await refusedOnV1(key, { on_success_url: "http://localhost./x" }, ["on_success_url"]);
    // All at once: every offending field is named, in the order they appear.
    await refusedOnV1(
      key,
      {
        type: "health_check",
        parameters: { targets: [{ url: "http://127.0.0.1/" }, { url: ok }, { url: "http://10.0.0.1/" }] },
        on_success_url: "http://[::1]/",
      },
      ["parameters.targets[0].url", "parameters.targets[2].url", "on_success_url"],
    );
    expect(await v1Total(key)).toBe(0);
  });

  it("a backup a runner does (run_on: runner, or device_ids) may name private sources: the runner is on the user's network", async () => {
    const { key } = await tenant();
    const lan = "http://192.168.1.10/config";
    const runner = await call("POST", "/v1/tasks", {
      token: key,
      body: cronTask({ type: "backup", parameters: { sources: [{ url: lan }], run_on: "runner" } }),
    });
    expect(runner.status, JSON.stringify(runner.body)).toBe(201);
    const devices = await call("POST", "/v1/tasks", {
      token: key,
      body: cronTask({ type: "backup", parameters: { sources: [{ url: lan }], device_ids: ["r1"] } }),
    });
    expect(devices.status, JSON.stringify(devices.body)).toBe(201);
    // But its notification still goes out from the edge.
    await refusedOnV1(
      key,
      { type: "backup", parameters: { sources: [{ url: lan }], run_on: "runner" }, on_failure_url: "http://10.0.0.1/" },
      ["on_failure_url"],
    );
  });

  it("public addresses in the notations that look close are accepted", async () => {
    const { key } = await tenant();
    for (const url of [
      "https://example.com/",
      "http://8.8.8.8/",
      "http://134744072/",
      "http://172.32.0.1/",
      "https://localhost.example.com/",
      "http://[2606:4700:4700::1111]/",
    ]) {
      const r = await call("POST", "/v1/tasks", { token: key, body: cronTask({ parameters: { url } }) });
      expect(r.status, `${url}: ${JSON.stringify(r.body)}`).toBe(201);
    }
  });

  it("PUT and PATCH are checked too, and a refused edit leaves the task as it was", async () => {
    const { key } = await tenant();
    const created = await call("POST", "/v1/tasks", { token: key, body: cronTask() });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const patch = await call("PATCH", `/v1/tasks/${id}`, { token: key, body: { parameters: { url: "http://0x7f000001/" } } });
    expect(patch.status).toBe(400);
    expect(patch.body.error).toMatchObject({ code: "private_target", details: [{ path: "parameters.url" }] });
    const patchHook = await call("PATCH", `/v1/tasks/${id}`, { token: key, body: { on_failure_url: "http://169.254.169.254/" } });
    expect(patchHook.body.error).toMatchObject({ code: "private_target", details: [{ path: "on_failure_url" }] });
    const put = await call("PUT", `/v1/tasks/${id}`, {
      token: key,
      body: cronTask({
        name: created.body.name,
        type: "health_check",
        parameters: { targets: [{ url: "https://example.com/" }, { url: "http://[::ffff:127.0.0.1]/" }] },
      }),
    });
    expect(put.status).toBe(400);
    expect(put.body.error).toMatchObject({ code: "private_target", details: [{ path: "parameters.targets[1].url" }] });
    const after = await call("GET", `/v1/tasks/${id}`, { token: key });
    expect(after.body.parameters.url).toBe("https://example.com/hook");
    expect(after.body.on_failure_url).toBeNull();
    expect(after.body.updated_at).toBe(created.body.updated_at);
  });
});

describe("/v1/projects: a project's url is probed from the edge, so a private one is refused", () => {
  it("POST and PATCH answer 400 private_target on field url; nothing is written", async () => {
    const { key } = await tenant();
    const post = await call("POST", "/v1/projects", { token: key, body: { id: "web", name: "Web", url: "http://10.0.0.1/health" } });
    expect(post.status).toBe(400);
    expect(post.body.error).toMatchObject({ code: "private_target", details: [{ path: "url" }] });
    expect(post.body.error.message).toBe(`url: http://10.0.0.1/health is a private or loopback address; ${FIX}`);
    expect((await call("GET", "/v1/projects", { token: key })).body.projects).toEqual([]);
    const ok = await call("POST", "/v1/projects", { token: key, body: { id: "web", name: "Web", url: "https://web.example.com/" } });
    expect(ok.status).toBe(201);
    const patch = await call("PATCH", "/v1/projects/web", { token: key, body: { url: "http://[::1]/" } });
    expect(patch.status).toBe(400);
    expect(patch.body.error).toMatchObject({ code: "private_target", details: [{ path: "url" }] });
    expect((await call("GET", "/v1/projects/web", { token: key })).body.url).toBe("https://web.example.com/");
  });
});

describe("000 NetStacks: the refusal in NetStacks' error envelope", () => {
  const S = "/api/tasks/schedules";
  const user = async () => {
    const org = newOrg();
    return { org, token: await jwt({ org, scope: "tasks:read tasks:write", sub: "netops@example.net" }) };
  };
  const health = (targets: { name?: string; url: string }[]) => ({
    name: `hc-${crypto.randomUUID().slice(0, 6)}`,
    task_type: "health_check",
    cron_expression: "*/5 * * * *",
    timezone: "UTC",
    parameters: { targets },
  });

  it.each(NOTATIONS)("a health check target %s: 400 BAD_REQUEST naming parameters.targets[1].url; nothing is written", async (url) => {
    const { token } = await user();
    const r = await call("POST", S, {
      token,
      body: health([
        { name: "core-1", url: "https://core-1.example.net/health" },
        { name: "core-2", url },
      ]),
    });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({
      error: {
        code: "BAD_REQUEST",
        message: expect.stringContaining(`parameters.targets[1].url: ${url}`),
        status: 400,
        details: { field: "parameters.targets[1].url", message: expect.stringContaining(FIX) },
      },
    });
    expect((await call("GET", S, { token })).body.total).toBe(0);
  });

  it("an edge backup's source, and an edit through PUT, are refused the same way; a device backup is a runner's", async () => {
    const { token } = await user();
    const backup = { name: "cfg", task_type: "backup", cron_expression: "0 2 * * *", timezone: "UTC" };
    const edge = await call("POST", S, { token, body: { ...backup, parameters: { sources: [{ url: "http://169.254.169.254/latest" }] } } });
    expect(edge.status).toBe(400);
    expect(edge.body.error).toMatchObject({ code: "BAD_REQUEST", status: 400, details: { field: "parameters.sources[0].url" } });
    const devices = await call("POST", S, {
      token,
      body: { ...backup, parameters: { device_ids: ["r1"], sources: [{ url: "http://10.1.1.1/running-config" }] } },
    });
    expect(devices.status, JSON.stringify(devices.body)).toBe(201);
    const hc = await call("POST", S, { token, body: health([{ url: "https://core-1.example.net/health" }]) });
    expect(hc.status).toBe(201);
    const put = await call("PUT", `${S}/${hc.body.id}`, { token, body: { parameters: { targets: [{ url: "http://127.0.0.1/" }] } } });
    expect(put.status).toBe(400);
    expect(put.body.error).toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("parameters.targets[0].url: http://127.0.0.1/"),
      details: { field: "parameters.targets[0].url" },
    });
    expect((await call("GET", `${S}/${hc.body.id}`, { token })).body.parameters.targets).toEqual([
      { url: "https://core-1.example.net/health" },
    ]);
  });
});

describe("001 platform: the refusal in the platform's {success:false, error} envelope", () => {
  it("a connectivity check of a project whose url is private (stored before the rule) is refused; nothing is written", async () => {
    const { key, org } = await tenant();
    const now = Date.now();
    // /v1/projects refuses such a url now; a row written before the rule (or while allowed) still has one.
    await env.DB.prepare("INSERT INTO projects (org_id, id, name, url, created_at, updated_at) VALUES (?, 'legacy', 'Legacy', ?, ?, ?)")
      .bind(org, "http://0x7f000001/health", now, now)
      .run();
    const body = {
      name: "Legacy Health",
      enabled: true,
      type: "health-check",
      projectId: "legacy",
      cronExpression: "*/5 * * * *",
      timezone: "UTC",
      healthCheckConfig: { checkContainers: false, checkConnectivity: true },
    };
    const r = await call("POST", "/api/v1/tasks", { token: key, body });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({
      success: false,
      error: `parameters.targets[0].url: http://0x7f000001/health (127.0.0.1) is a private or loopback address; ${FIX}`,
    });
    expect((await call("GET", "/api/v1/tasks", { token: key })).body.tasks).toEqual([]);
    expect(await v1Total(key)).toBe(0);
    // The same check against a project with a public url is accepted.
    expect(
      (await call("POST", "/v1/projects", { token: key, body: { id: "web", name: "Web", url: "https://web.example.com/health" } })).status,
    ).toBe(201);
    expect((await call("POST", "/api/v1/tasks", { token: key, body: { ...body, projectId: "web" } })).status).toBe(201);
  });
});
