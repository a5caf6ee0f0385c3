import { createRoute, z } from "@hono/zod-openapi";
import { requireScope } from "../../middleware/auth";
import { NetstacksErrorSchema } from "./errors";
import {
  AgentCreateBody,
  AgentUpdateBody,
  ListQuery,
  RunAcceptedSchema,
  ScheduleCreateBody,
  ScheduleUpdateBody,
  TaskListSchema,
  TaskSchema,
  ToggleBody,
} from "./map";
import { body, errorResponsesFor, json } from "../../openapi";
import { STATUS_OF } from "../../errors";

// Route contracts of both NetStacks sub-routers; the agent face has the same verbs with its own bodies.

const read = requireScope("tasks:read");
const write = requireScope("tasks:write");
const tags = ["Dialect: NetStacks (000)"];
const security = [{ bearer: [] }];

const errors = {
  ...errorResponsesFor(NetstacksErrorSchema, STATUS_OF, {
    describe: {
      invalid: "BAD_REQUEST (invalid cron, timezone or parameters) or INVALID_REQUEST (malformed JSON)",
      unauthorized: "UNAUTHORIZED, INVALID_TOKEN or TOKEN_EXPIRED",
      forbidden: "FORBIDDEN: the token lacks the scope",
      not_found: "TASK_NOT_FOUND (also another organization's task)",
      conflict: "CONFLICT: a task with the same name exists",
    },
  }),
  422: json(NetstacksErrorSchema, "VALIDATION_ERROR: the body does not have the documented shape"),
};
const IdParam = z.object({
  id: z
    .string()
    .max(100)
    .openapi({ param: { name: "id", in: "path" } }),
});

export function faceRoutes(base: "/api/tasks/schedules" | "/api/tasks/agent-schedules") {
  const agent = base === "/api/tasks/agent-schedules";
  const what = agent ? "agent schedule" : "scheduled task";
  // operationIds name the seed's resource: netstacksCreateSchedule, netstacksCreateAgentSchedule, …
  const noun = agent ? "AgentSchedule" : "Schedule";
  const one = `${base}/{id}`;
  return {
    createTaskRoute: createRoute({
      method: "post",
      path: base,
      operationId: `netstacksCreate${noun}`,
      tags,
      security,
      middleware: write,
      summary: `Create a ${what}`,
      request: { body: body(agent ? AgentCreateBody : ScheduleCreateBody) },
      responses: { 201: json(TaskSchema, "Created"), ...errors },
    }),
    listTasksRoute: createRoute({
      method: "get",
      path: base,
      operationId: `netstacksList${noun}s`,
      tags,
      security,
      middleware: read,
      summary: `List ${what}s`,
      request: { query: ListQuery },
      responses: { 200: json(TaskListSchema, "One page and the total"), ...errors },
    }),
    getTaskRoute: createRoute({
      method: "get",
      path: one,
      operationId: `netstacksGet${noun}`,
      tags,
      security,
      middleware: read,
      summary: `Get a ${what} with its execution history`,
      request: { params: IdParam },
      responses: { 200: json(TaskSchema, "The task with `executions`"), ...errors },
    }),
    updateTaskRoute: createRoute({
      method: "put",
      path: one,
      operationId: `netstacksUpdate${noun}`,
      tags,
      security,
      middleware: write,
      summary: `Update a ${what} (fields sent change, others stay)`,
      request: { params: IdParam, body: body(agent ? AgentUpdateBody : ScheduleUpdateBody) },
      responses: { 200: json(TaskSchema, "The task"), ...errors },
    }),
    deleteTaskRoute: createRoute({
      method: "delete",
      path: one,
      operationId: `netstacksDelete${noun}`,
      tags,
      security,
      middleware: write,
      summary: `Delete a ${what}`,
      request: { params: IdParam },
      responses: { 204: { description: "Deleted" }, ...errors },
    }),
    runTaskRoute: createRoute({
      method: "post",
      path: `${one}/run`,
      operationId: `netstacksRun${noun}`,
      tags,
      security,
      middleware: write,
      summary: "Run immediately (in the background)",
      request: { params: IdParam },
      responses: { 202: json(RunAcceptedSchema, "The execution, started"), ...errors },
    }),
    toggleTaskRoute: createRoute({
      method: "post",
      path: `${one}/toggle`,
      operationId: `netstacksToggle${noun}`,
      tags,
      security,
      middleware: write,
      summary: "Enable/disable (`{enabled}`; no body flips)",
      request: { params: IdParam, body: body(ToggleBody, false) },
      responses: { 200: json(TaskSchema, "The task"), ...errors },
    }),
  };
}
