import type { Child } from "hono/jsx";
import type { components } from "../../client";
import { TASK_TYPES } from "../../domain/task";
import type { Viewer } from "../env";
import type { Field, FieldErrors, Values } from "../form/task-form";
import { OVERLAP, SCHEDULE_KINDS } from "../form/task-form";
import { Layout } from "../layout";
import { OccurrenceList } from "./task";

type Occurrence = components["schemas"]["Occurrence"];

const idOf = (f: string) => `f-${f.replace(/\./g, "-")}`;
const errIdOf = (f: string) => `e-${f.replace(/\./g, "-")}`;

const EXAMPLES: Record<string, string> = {
  http: '{"url": "https://example.com/hook", "method": "POST", "body": {"job": "rebuild"}}',
  health_check: '{"targets": [{"name": "home", "url": "https://example.com/"}]}',
  backup: '{"sources": [{"name": "router-1", "url": "https://config.example.com/router-1"}], "retention": 7}',
  agent_task: '{"prompt": "Summarise yesterday\'s incidents."}',
  workflow: '{"callback_type": "workflow", "callback_id": "report"}',
  custom_script: '{"command": "echo hello"}',
  container_update: '{"images": ["nginx:1.27"], "pull": true, "restart": true}',
};

type Ctx = { values: Values; errors: FieldErrors };

/** One labelled field with its hint and, when the API refused it, its error (linked by aria-describedby). */
function Input(props: { ctx: Ctx; field: Field; label: string; hint?: string; type?: string; multiline?: boolean; children?: Child }) {
  const { ctx, field } = props;
  const error = ctx.errors[field];
  const described = [props.hint && `${idOf(field)}-hint`, error && errIdOf(field)].filter(Boolean).join(" ") || undefined;
  const common = {
    id: idOf(field),
    name: field,
    "aria-invalid": error ? "true" : undefined,
    "aria-describedby": described,
    "data-preview": field.startsWith("schedule.") ? "" : undefined,
  };
  return (
    <div class={error ? "field invalid" : "field"}>
      <label for={idOf(field)}>{props.label}</label>
      {props.children ? (
        <select {...common}>{props.children}</select>
      ) : props.multiline ? (
        <textarea {...common} rows={5} spellcheck={false}>
          {ctx.values[field]}
        </textarea>
      ) : (
        <input {...common} type={props.type ?? "text"} value={ctx.values[field]} autocomplete="off" spellcheck={false} />
      )}
      {props.hint && (
        <small id={`${idOf(field)}-hint`} class="muted">
          {props.hint}
        </small>
      )}
      {error && (
        <p id={errIdOf(field)} class="error field-error">
          {error}
        </p>
      )}
    </div>
  );
}

const options = (values: readonly string[], chosen: string) =>
  values.map((o) => (
    <option value={o} selected={o === chosen}>
      {o}
    </option>
  ));

/** The preview of the form's schedule: its next runs, or the service's message for what is wrong with it. */
export function PreviewList(props: { occurrences?: Occurrence[]; error?: string; zone: string }) {
  return (
    <div id="schedule-preview" class="preview-box" aria-live="polite">
      {props.error ? (
        <p class="error">{props.error}</p>
      ) : !props.occurrences ? (
        <p class="muted">The next runs appear here as you type.</p>
      ) : props.occurrences.length === 0 ? (
        <p class="muted">No upcoming runs.</p>
      ) : (
        <OccurrenceList occurrences={props.occurrences} zone={props.zone} />
      )}
    </div>
  );
}

/** New task (`taskId` absent) or Edit task: every type and schedule kind, errors inline, a live preview. */
export function TaskFormPage(props: {
  viewer: Viewer;
  values: Values;
  errors: FieldErrors;
  taskId?: string;
  title: string;
  preview?: { occurrences?: Occurrence[]; error?: string };
}) {
  const ctx: Ctx = { values: props.values, errors: props.errors };
  const kind = props.values["schedule.kind"];
  const action = props.taskId ? `/dashboard/tasks/${encodeURIComponent(props.taskId)}/edit` : "/dashboard/tasks/new";
  const listed = Object.entries(props.errors);
  const zone = props.values["schedule.timezone"].trim() || "UTC";
  return (
    <Layout title={props.title} viewer={props.viewer} section="tasks">
      {listed.length > 0 && (
        <div class="error-summary" role="alert">
          <p>
            <strong>
              {listed.length === 1 ? "The task was not saved: 1 problem." : `The task was not saved: ${listed.length} problems.`}
            </strong>
          </p>
          <ul>
            {listed.map(([f, m]) => (
              <li>{f === "form" ? m : <a href={`#${idOf(f)}`}>{`${f}: ${m}`}</a>}</li>
            ))}
          </ul>
        </div>
      )}
      <form method="post" action={action} class="task-form" data-preview-url="/dashboard/preview">
        <fieldset>
          <legend>Task</legend>
          <Input ctx={ctx} field="name" label="Name" />
          <Input ctx={ctx} field="description" label="Description" />
          <Input ctx={ctx} field="type" label="Type">
            {options(TASK_TYPES, props.values.type)}
          </Input>
          <Input
            ctx={ctx}
            field="parameters"
            label="Parameters (JSON)"
            multiline
            hint={`e.g. ${EXAMPLES[props.values.type] ?? EXAMPLES.http}`}
          />
        </fieldset>
        <fieldset>
          <legend>Schedule</legend>
          <Input ctx={ctx} field="schedule.kind" label="Schedule kind">
            {options(SCHEDULE_KINDS, kind)}
          </Input>
          <div class="kind" data-kind="cron rrule" hidden={kind !== "cron" && kind !== "rrule" ? true : undefined}>
            <Input ctx={ctx} field="schedule.timezone" label="Time zone" hint="An IANA name, e.g. America/New_York" />
          </div>
          <div class="kind" data-kind="cron" hidden={kind !== "cron" ? true : undefined}>
            <Input
              ctx={ctx}
              field="schedule.expression"
              label="Cron expression"
              hint="5 fields: minute hour day-of-month month day-of-week"
            />
          </div>
          <div class="kind" data-kind="rrule" hidden={kind !== "rrule" ? true : undefined}>
            <Input ctx={ctx} field="schedule.rule" label="RRULE" hint="e.g. FREQ=WEEKLY;BYDAY=MO,WE;BYHOUR=9;BYMINUTE=0" />
            <Input ctx={ctx} field="schedule.dtstart" label="Start (local)" hint="YYYY-MM-DDTHH:MM, optional" />
            <Input
              ctx={ctx}
              field="schedule.also"
              label="Also (extra local date-times)"
              multiline
              hint="One per line, e.g. 2026-12-26T10:00"
            />
          </div>
          <div class="kind" data-kind="cron rrule" hidden={kind !== "cron" && kind !== "rrule" ? true : undefined}>
            <Input
              ctx={ctx}
              field="schedule.except"
              label="Except (local dates or date-times)"
              multiline
              hint="One per line, e.g. 2026-12-25"
            />
            <Input ctx={ctx} field="schedule.dst.gap" label="When a run falls in a DST gap">
              {options(["shift", "skip"], props.values["schedule.dst.gap"] || "shift")}
            </Input>
            <Input ctx={ctx} field="schedule.dst.repeat" label="When a run falls in a repeated hour">
              {options(["auto", "first", "both"], props.values["schedule.dst.repeat"] || "auto")}
            </Input>
          </div>
          <div class="kind" data-kind="once" hidden={kind !== "once" ? true : undefined}>
            <Input ctx={ctx} field="schedule.at" label="At (ISO-8601 instant)" hint="e.g. 2027-01-01T09:00:00Z" />
          </div>
          <div class="kind" data-kind="delayed" hidden={kind !== "delayed" ? true : undefined}>
            <Input ctx={ctx} field="schedule.delay_seconds" label="Delay (seconds)" type="number" />
          </div>
          <div class="kind" data-kind="event" hidden={kind !== "event" ? true : undefined}>
            <Input ctx={ctx} field="schedule.event" label="Event name" />
          </div>
          <h2 id="preview-heading">Next runs</h2>
          <PreviewList occurrences={props.preview?.occurrences} error={props.preview?.error} zone={zone} />
          <button type="submit" name="intent" value="preview" class="secondary">
            Preview schedule
          </button>
        </fieldset>
        <fieldset>
          <legend>Running</legend>
          <Input ctx={ctx} field="timeout_seconds" label="Timeout (seconds)" type="number" />
          <Input ctx={ctx} field="retry.max_retries" label="Retries" type="number" />
          <Input ctx={ctx} field="overlap_policy" label="When the previous run is still going">
            {options(OVERLAP, props.values.overlap_policy || "skip")}
          </Input>
        </fieldset>
        <button type="submit" name="intent" value="save">
          {props.taskId ? "Save task" : "Create task"}
        </button>
      </form>
    </Layout>
  );
}
