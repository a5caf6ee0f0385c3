// The target scenario C's http tasks call. Counting calls here, outside the service,
// is what proves "exactly once": the API's own run records could agree with each
// other and still hide a duplicate delivery.
import { createServer } from "node:http";
import { now } from "./util.mjs";

/**
 * A local HTTP target: counts calls per task id (X-Task-Id) and remembers run ids and
 * times. Resolves to { srv, port, calls: Map<taskId, [{at, runId, attempt, signed}]>, total }.
 */
export function startSink() {
  const calls = new Map(); // task id -> [{at, runId, attempt}]
  let total = 0;
  const srv = createServer((req, res) => {
    const at = now();
    req.resume();
    req.on("end", () => {
      const taskId = req.headers["x-task-id"] ?? "(none)";
      const entry = { at, runId: req.headers["x-run-id"], attempt: req.headers["x-attempt"], signed: Boolean(req.headers["x-signature"]) };
      if (!calls.has(taskId)) calls.set(taskId, []);
      calls.get(taskId).push(entry);
      total++;
      res.writeHead(200, { "content-type": "text/plain" });
      res.end("ok");
    });
  });
  srv.keepAliveTimeout = 5000;
  return new Promise((resolve) =>
    srv.listen(0, "127.0.0.1", () =>
      resolve({
        srv,
        port: srv.address().port,
        calls,
        get total() {
          return total;
        },
      }),
    ),
  );
}
