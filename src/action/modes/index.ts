import type { ActionMode } from "../action-mode.js";
import { aggregateMode } from "./aggregate.js";
import { appMode } from "./app.js";
import { autofixMode } from "./autofix.js";
import { autofixPlanMode } from "./autofix-plan.js";
import { autofixPushMode } from "./autofix-push.js";
import { dryRunMode } from "./dry-run.js";
import { nightlyCompareMode } from "./nightly-compare.js";
import { nightlyRunMode } from "./nightly-run.js";
import { planMode } from "./plan.js";
import { runMode } from "./run.js";

/** The action's modes (input `mode`). A new mode is one file in this folder and one line here. */
export const MODES: Record<string, ActionMode> = {
  plan: planMode,
  run: runMode,
  aggregate: aggregateMode,
  "dry-run": dryRunMode,
  "autofix-plan": autofixPlanMode,
  autofix: autofixMode,
  "autofix-push": autofixPushMode,
  "nightly-compare": nightlyCompareMode,
  "nightly-run": nightlyRunMode,
  app: appMode,
};
