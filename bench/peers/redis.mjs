// A throwaway redis-server for BullMQ: loopback only, a free port, no persistence
// (no RDB snapshots, no AOF), so nothing is written outside the temp directory and
// Redis does no disk work our engine would not be charged for either way.
import { createWriteStream } from "node:fs";
import net from "node:net";
import path from "node:path";
import { sleep } from "../load/util.mjs";
import { daemon, freePort, stopChild, track, which } from "./system.mjs";

/** Starts redis-server; resolves to { port, stop() } once it answers PING. */
export async function startRedis(dir) {
  const bin = which("redis-server");
  if (!bin) throw new Error("redis-server not found");
  const port = await freePort();
  const logStream = createWriteStream(path.join(dir, "redis.log"));
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir];
  const child = daemon(bin, args, logStream);
  for (let i = 0; i < 50; i++) {
    if (await ping(port)) return { port, stop: track(() => stopChild(child).then(() => logStream.end())) };
    await sleep(100);
  }
  await stopChild(child);
  throw new Error(`redis-server did not answer on ${port}; see ${dir}/redis.log`);
}

function ping(port) {
  return new Promise((resolve) => {
    const s = net.connect(port, "127.0.0.1");
    s.once("error", () => resolve(false));
    s.once("connect", () => s.write("PING\r\n"));
    s.once("data", (d) => {
      s.destroy();
      resolve(d.toString().startsWith("+PONG"));
    });
  });
}
