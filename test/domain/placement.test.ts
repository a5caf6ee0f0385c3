import { describe, expect, it } from "vitest";
import { placementOf } from "../../src/domain/placement";
import { validateParameters } from "../../src/domain/parameters";

// Where each task's runs execute: the edge, a runner on the user's hosts, or both.
describe("placementOf", () => {
  const at = (type: string, parameters: Record<string, unknown>) => placementOf({ type: type as never, parameters });
  it.each([
    ["http", { url: "https://x.example" }, { edge: true, runner: false }],
    ["agent_task", { prompt: "p" }, { edge: true, runner: false }],
    ["workflow", { callback_type: "workflow", callback_id: "w" }, { edge: true, runner: false }],
    ["custom_script", { command: "true" }, { edge: false, runner: true }],
    ["container_update", { pull: true, restart: true }, { edge: false, runner: true }],
    ["backup", { sources: [{ url: "https://x.example" }] }, { edge: true, runner: false }],
    ["backup", { device_ids: ["r1"] }, { edge: false, runner: true }],
    ["backup", { sources: [{ url: "https://x.example" }], device_ids: ["r1"] }, { edge: false, runner: true }],
    ["backup", { sources: [{ url: "https://x.example" }], device_ids: ["r1"], run_on: "edge" }, { edge: true, runner: false }],
    ["backup", { run_on: "runner" }, { edge: false, runner: true }],
    ["backup", { sources: [{ url: "https://x.example" }], run_on: "runner" }, { edge: false, runner: true }],
    ["health_check", { targets: [{ url: "https://x.example" }] }, { edge: true, runner: false }],
    ["health_check", { targets: [{ url: "https://x.example" }], check_containers: true }, { edge: true, runner: true }],
    ["health_check", { targets: [], check_containers: true }, { edge: false, runner: true }],
  ])("%s %j → %j", (type, parameters, expected) => {
    expect(at(type, parameters)).toEqual(expected);
  });

  it("the parameters refuse what nothing could run: a backup or health check with nothing to do", () => {
    expect(() => validateParameters("backup", {})).toThrow(/sources \(copied by the edge\), device_ids, or run_on/);
    expect(() => validateParameters("backup", { run_on: "edge", device_ids: ["r1"] })).toThrow(/run_on: "edge" needs sources/);
    expect(() => validateParameters("health_check", { targets: [] })).toThrow(/at least one target \(or check_containers: true/);
    expect(validateParameters("health_check", { targets: [], check_containers: true })).toEqual({ targets: [], check_containers: true });
    expect(validateParameters("backup", { run_on: "runner" })).toEqual({ run_on: "runner" });
  });
});
