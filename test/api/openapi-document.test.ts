import { describe, expect, it } from "vitest";
import { call } from "../helpers/api";

// Issue 14: the document's metadata a newcomer and a client generator read: where the API
// runs, under which license, and what each group of operations is for.

type Doc = {
  openapi: string;
  info: { license?: { name?: string; identifier?: string; url?: string } };
  servers?: { url: string; description?: string; variables?: Record<string, { default: string; description?: string }> }[];
  tags?: { name: string; description?: string }[];
  paths: Record<string, Record<string, { tags?: string[] }>>;
};

const doc = async () => (await call("GET", "/openapi.json")).body as Doc;

describe("the OpenAPI document's metadata", () => {
  it("is OpenAPI 3.1", async () => {
    expect((await doc()).openapi).toBe("3.1.0");
  });

  it("lists the local development server first, then a documented placeholder for the deployed one", async () => {
    const servers = (await doc()).servers ?? [];
    expect(servers[0]?.url).toBe("http://localhost:8787");
    const deployed = servers[1];
    expect(deployed?.url).toMatch(/^https:\/\/.*\{(\w+)\}/);
    const variable = /\{(\w+)\}/.exec(deployed?.url ?? "")?.[1] ?? "";
    expect(deployed?.variables?.[variable]?.default).toBeTruthy();
    expect(deployed?.variables?.[variable]?.description).toBeTruthy();
    for (const s of servers) expect(s.description, s.url).toBeTruthy();
  });

  it("names a license, with an SPDX identifier or a URL", async () => {
    const license = (await doc()).info.license;
    expect(license?.name).toBeTruthy();
    expect(license?.identifier ?? license?.url).toBeTruthy();
  });

  it("describes every tag, and every tag it describes is used by an operation", async () => {
    const d = await doc();
    const declared = new Map((d.tags ?? []).map((t) => [t.name, t.description ?? ""]));
    const used = new Set(Object.values(d.paths).flatMap((methods) => Object.values(methods).flatMap((op) => op.tags ?? [])));
    expect(used.size).toBeGreaterThan(10);
    for (const tag of used) expect(declared.get(tag), tag).toMatch(/\S{3}/);
    expect([...declared.keys()].filter((t) => !used.has(t))).toEqual([]);
  });
});
