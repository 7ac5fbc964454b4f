import { DEFAULT_CONFIG } from "../../core/config/config-schema.js";
import { parseConfig } from "../../core/config/parse-config.js";
import { runJobTimeoutMinutes } from "../../core/plan/job-time-limit.js";

/** The dispatch workflow, whose run job's time limit follows `dispatch.max_job_hours`. */
export const DISPATCH_WORKFLOW = ".github/workflows/labgate-dispatch.yml";

/**
 * `dispatch.max_job_hours` of the config init writes (the defaults where the text is not valid:
 * `labgate validate` names the problem).
 */
export function maxJobHoursOf(configText: string): number {
  const parsed = parseConfig(".github/labgate.yml", configText);
  return (parsed.ok ? parsed.config : DEFAULT_CONFIG).dispatch.max_job_hours;
}

/**
 * The dispatch workflow with its `run` job's `timeout-minutes` written from `maxJobHours`
 * (`runJobTimeoutMinutes`), so the plan's waves and the job's time limit agree. Only the line
 * inside the `run:` job changes; a template without one comes back unchanged.
 */
export function withRunJobTimeout(workflow: string, maxJobHours: number): string {
  const lines = workflow.split("\n");
  let inRun = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (/^ {2}[\w-]+:\s*(#.*)?$/.test(line)) inRun = /^ {2}run:/.test(line);
    if (inRun && /^ {4}timeout-minutes: *\d+/.test(line)) {
      lines[i] = line.replace(/\d+/, String(runJobTimeoutMinutes(maxJobHours)));
      break;
    }
  }
  return lines.join("\n");
}
