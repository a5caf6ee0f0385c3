import { afterEach, describe, expect, it, vi } from "vitest";
import { isPrivateTarget } from "../../src/executors/safety";
import { call, createTask, tenant } from "../helpers/api";
import { captureQueue, deliver, runsOf, target } from "../helpers/engine";

// Outbound safety (issue 6, "Security"): what the Worker calls on a task's behalf, and
// what it answers with the text targets send back.

afterEach(() => vi.restoreAllMocks());

describe("isPrivateTarget: every notation of a private address", () => {
  // Each is parsed by the WHATWG URL parser first, as fetch would.
  it.each([
    "http://127.0.0.1/",
    "http://127.1/",
    "http://0177.0.0.1/",
    "http://0x7f.0.0.1/",
    "http://0x7f000001/",
    "http://2130706433/",
    "http://017700000001/",
    "http://localhost/",
    "http://LOCALHOST./",
    "http://app.localhost/",
    "http://localhost.:8787/",
    "http://10.0.0.1/",
    "http://172.16.0.1/",
    "http://172.31.255.255/",
    "http://192.168.1.1/",
    "http://100.64.0.1/",
    "http://169.254.169.254/latest/meta-data/",
    "http://metadata.google.internal/",
    "http://instance-data.ec2.internal/",
    "http://0.0.0.0/",
    "http://0/",
    "http://255.255.255.255/",
    "http://224.0.0.1/",
    "http://198.18.0.1/",
    "http://[::1]/",
    "http://[::]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:7f00:1]/",
    "http://[::ffff:169.254.169.254]/",
    "http://[::127.0.0.1]/",
    "http://[64:ff9b::127.0.0.1]/",
    "http://[64:ff9b::a9fe:a9fe]/",
    "http://[fe80::1]/",
    "http://[fc00::1]/",
    "http://[fd12:3456::1]/",
    "http://[ff02::1]/",
  ])("%s is private", (raw) => {
    expect(isPrivateTarget(new URL(raw))).toBe(true);
  });

  it.each([
    "https://example.com/",
    "http://8.8.8.8/",
    "http://134744072/",
    "http://172.32.0.1/",
    "http://100.128.0.1/",
    "http://169.255.0.1/",
    "http://[2606:4700:4700::1111]/",
    "http://[64:ff9b::808:808]/",
    "https://localhost.example.com/",
    "https://internal.example.com/",
  ])("%s is public", (raw) => {
    expect(isPrivateTarget(new URL(raw))).toBe(false);
  });
});

describe("redirects, header injection, reflected bodies", () => {
  it("a redirect to a metadata address is not followed: one call, recorded as the target's answer", async () => {
    const { key } = await tenant();
    const q = captureQueue();
    const sink = target(() => new Response(null, { status: 302, headers: { location: "http://169.254.169.254/latest/meta-data/iam/" } }));
    const t = await createTask(key, { parameters: { url: "https://example.com/hook" }, retry: { max_retries: 0 } });
    await call("POST", `/v1/tasks/${t.id}/run`, { token: key });
    await deliver(...q.take(t.id).map((m) => m.body));
    expect(sink.calls.map((c) => [c.url, c.init.redirect])).toEqual([["https://example.com/hook", "manual"]]);
    const [run] = await runsOf(t.id);
    expect(run?.status).toBe("failed");
    expect(String(run?.error)).toMatch(/302/);
  });

  it("a header value with a line break, or a header name that is not a token, is refused at creation and nothing is written", async () => {
    const { key } = await tenant();
    for (const headers of [{ "X-A": "ok\r\nX-Injected: 1" }, { "X-A": "ok\nHost: evil" }, { "X-A: b": "c" }, { "": "empty" }]) {
      const r = await call("POST", "/v1/tasks", {
        token: key,
        body: {
          name: "inject",
          type: "http",
          schedule: { kind: "cron", expression: "*/5 * * * *", timezone: "UTC" },
          parameters: { url: "https://example.com/", headers },
        },
      });
      expect(r.status, JSON.stringify(headers)).toBe(400);
      expect(r.body.error.code).toBe("invalid_parameters");
    }
    expect((await call("GET", "/v1/tasks", { token: key })).body.total).toBe(0);
  });

  it("a target's HTML is never served as HTML: answers are JSON with nosniff, the body inside a JSON string", async () => {
    const { key } = await tenant();
    const q = captureQueue();
    const evil = `<script>alert(document.cookie)</script>"}`;
    target(() => new Response(evil, { status: 500, headers: { "content-type": "text/html" } }));
    const t = await createTask(key, { parameters: { url: "https://example.com/hook" }, retry: { max_retries: 0 } });
    const run = await call("POST", `/v1/tasks/${t.id}/run`, { token: key });
    await deliver(...q.take(t.id).map((m) => m.body));
    const r = await call("GET", `/v1/runs/${run.body.id}`, { token: key });
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toMatch(/^application\/json/);
    expect(r.headers.get("x-content-type-options")).toBe("nosniff");
    expect(JSON.stringify(r.body)).toContain("alert(document.cookie)"); // kept as data, inside JSON strings
    // Errors and unknown routes carry nosniff too.
    expect((await call("GET", "/v1/nope", { token: key })).headers.get("x-content-type-options")).toBe("nosniff");
    expect((await call("GET", "/api/tasks/schedules/x", {})).headers.get("x-content-type-options")).toBe("nosniff");
  });
});
