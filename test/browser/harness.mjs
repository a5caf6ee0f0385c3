// The browser tests' harness: the service started exactly as `npm start` starts it
// (scripts/start.mjs: migrations, wrangler dev, the minute ticker), on a free port with its
// own temporary state; a local sink for tasks to call; and Chromium from @sparticuz/chromium
// driven by puppeteer-core, with every page watched for console errors and for requests
// that leave localhost (those are blocked and reported).
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import chromium from "@sparticuz/chromium";
import puppeteer from "puppeteer-core";

const require = createRequire(import.meta.url);
export const ADMIN_TOKEN = "dev-admin-token"; // .dev.vars.example, which npm start copies

/** A port nothing listens on right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/**
 * `npm start` on a free port with a fresh --persist-to directory; resolves once /healthz
 * answers. `args` go on to wrangler dev (a bench raises the rate limit with --var).
 */
export async function startService(args = []) {
  const port = await freePort();
  const inspector = await freePort();
  const state = mkdtempSync(join(tmpdir(), "tasks-browser-state-"));
  const child = spawn(
    process.execPath,
    ["scripts/start.mjs", "--port", String(port), "--persist-to", state, "--inspector-port", String(inspector), ...args],
    { detached: true, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, CI: "true" } },
  );
  let log = "";
  const keep = (b) => {
    log = (log + b.toString()).slice(-20_000);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const base = `http://localhost:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`npm start exited (${child.exitCode}):\n${log}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error(`npm start did not answer within 120 s:\n${log}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  return {
    base,
    log: () => log,
    async stop() {
      try {
        process.kill(-child.pid, "SIGINT");
      } catch {
        /* already gone */
      }
      await new Promise((r) => {
        const t = setTimeout(() => {
          try {
            process.kill(-child.pid, "SIGKILL");
          } catch {
            /* gone */
          }
          r();
        }, 5000);
        child.once("exit", () => {
          clearTimeout(t);
          r();
        });
      });
      rmSync(state, { recursive: true, force: true });
    },
  };
}

/** A local HTTP endpoint that answers 200 and remembers each request. */
export async function startSink() {
  const calls = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => {
      calls.push({ method: req.method, url: req.url, headers: req.headers, body });
      res.end("hello from the sink");
    });
  });
  const port = await new Promise((r) => server.listen(0, "127.0.0.1", () => r(server.address().port)));
  return { url: `http://localhost:${port}/hook`, calls, stop: () => new Promise((r) => server.close(r)) };
}

/** Calls /v1 from Node (setup only: what the tests check goes through the browser). */
export async function v1(base, method, path, token, body, headers = {}) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { "content-type": "application/json" }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const json = text ? JSON.parse(text) : null;
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return json;
}

const LOCAL = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * Chromium with one watched page: `problems` collects console errors, page errors, dialogs
 * and requests that would leave localhost (each blocked).
 */
export async function openBrowser() {
  const browser = await puppeteer.launch({
    executablePath: await chromium.executablePath(),
    args: chromium.args,
    headless: true,
  });
  // Chromium logs every non-2xx/3xx answer as a console error ("Failed to load resource");
  // those are kept apart in `failed` (method, status, path), so a test can tell a deliberate
  // 400 (a form sent with errors) from an unexpected one, and `console` holds everything else.
  const problems = { console: [], offsite: [], dialogs: [], failed: [] };
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  await page.setRequestInterception(true);
  page.on("request", (req) => {
    const url = new URL(req.url());
    if (url.protocol === "data:" || LOCAL.has(url.hostname)) return req.continue();
    problems.offsite.push(req.url());
    return req.abort("blockedbyclient");
  });
  page.on("console", (m) => {
    if (m.type() === "error" && !m.text().startsWith("Failed to load resource: the server responded with a status of")) {
      problems.console.push(m.text());
    }
  });
  page.on("response", (r) => {
    if (r.status() >= 400) problems.failed.push(`${r.request().method()} ${r.status()} ${new URL(r.url()).pathname}`);
  });
  page.on("pageerror", (e) => problems.console.push(`pageerror: ${e.message}`));
  page.on("dialog", async (d) => {
    problems.dialogs.push(d.message());
    await d.accept();
  });
  return { browser, page, problems };
}

const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

/**
 * axe-core's serious and critical violations on the current page. axe is evaluated through
 * the DevTools protocol, which the page's CSP does not govern (it allows no inline script).
 */
export async function axeViolations(page) {
  await page.evaluate(AXE);
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(" ")) }));
  });
  return result.filter((v) => v.impact === "serious" || v.impact === "critical");
}

/**
 * Presses Tab until focus comes back round, and returns a description of every element it
 * reached, in order, plus every element a keyboard user should be able to reach.
 */
export async function tabThrough(page, max = 400) {
  await page.evaluate(() => {
    document.activeElement?.blur();
    window.scrollTo(0, 0);
  });
  const describe = () =>
    page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      const i = [...document.querySelectorAll("*")].indexOf(el);
      return `${i}:${el.tagName.toLowerCase()}:${(el.getAttribute("aria-label") || el.textContent || el.getAttribute("name") || "").trim().slice(0, 60)}`;
    });
  const reached = [];
  for (let n = 0; n < max; n++) {
    await page.keyboard.press("Tab");
    const d = await describe();
    if (d && reached[0] === d) break;
    if (d) reached.push(d);
  }
  const wanted = await page.evaluate(() =>
    [...document.querySelectorAll("a[href], button, input:not([type=hidden]), select, textarea, [tabindex]:not([tabindex='-1'])")]
      .filter((el) => !el.disabled && el.getClientRects().length > 0)
      .map((el) => {
        const i = [...document.querySelectorAll("*")].indexOf(el);
        return `${i}:${el.tagName.toLowerCase()}:${(el.getAttribute("aria-label") || el.textContent || el.getAttribute("name") || "").trim().slice(0, 60)}`;
      }),
  );
  return { reached, wanted };
}
