import { describe, expect, it } from "vitest";
import { STATUS_OF } from "../../src/api/errors";
import { call } from "../helpers/api";

// Issue 11: every status a route can answer is documented, derived from the closed list of
// error codes and each face's status map.

type Operation = { tags?: string[]; responses: Record<string, { description: string }> };

async function operations(): Promise<[string, Operation][]> {
  const doc = (await call("GET", "/openapi.json")).body as { paths: Record<string, Record<string, Operation>> };
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([m, op]) => [`${m.toUpperCase()} ${path}`, op] as [string, Operation]),
  );
}

describe("the OpenAPI document's error responses", () => {
  it("every /v1 operation documents every status the core answers, naming the codes", async () => {
    const statuses = [...new Set(Object.values(STATUS_OF))].map(String).sort();
    const v1 = (await operations()).filter(([name]) => name.includes(" /v1/"));
    expect(v1.length).toBeGreaterThan(30);
    for (const [name, op] of v1) {
      expect(
        Object.keys(op.responses)
          .filter((s) => s >= "400")
          .sort(),
        name,
      ).toEqual(statuses);
    }
    const create = v1.find(([name]) => name === "POST /v1/tasks")?.[1];
    expect(create?.responses["400"]?.description).toContain("invalid_cron");
    expect(create?.responses["409"]?.description).toContain("name_taken");
    expect(create?.responses["500"]?.description).toContain("internal_error");
  });

  it("every dialect operation documents 401, 403, 404 (or 400 where folded), 429 and 500", async () => {
    const faces = (await operations()).filter(([name]) => !name.includes(" /v1/") && !name.endsWith(" /healthz"));
    expect(faces.length).toBeGreaterThan(30);
    for (const [name, op] of faces) {
      for (const status of ["400", "401", "403", "404", "429", "500"]) expect(op.responses, `${name} ${status}`).toHaveProperty(status);
    }
  });
});
