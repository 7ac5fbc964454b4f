import type { Probot } from "probot";
import { PULL_REQUEST_ACTIONS } from "./handled-events.js";
import {
  type HandlerOptions,
  onCheckRunRerequested,
  onCheckSuiteRerequested,
  onIssueCommentCreated,
  onPullRequest,
  onWorkflowRunCompleted,
} from "./handlers.js";
import { createWorkQueue, type WorkQueue } from "./work-queue.js";

export interface LabgateAppOptions {
  queue?: WorkQueue;
  clock?: () => Date;
}

/** The Probot application function; tests pass their own queue to wait for the queued work. */
export function createLabgateApp(options: LabgateAppOptions = {}) {
  return (app: Probot): void => {
    const o: HandlerOptions = {
      queue:
        options.queue ??
        createWorkQueue((err, key) => app.log.error({ err }, `labgate: work for ${key} failed`)),
      clock: options.clock ?? (() => new Date()),
    };
    app.on([...PULL_REQUEST_ACTIONS], onPullRequest(o));
    app.on("check_suite.rerequested", onCheckSuiteRerequested(o));
    app.on("check_run.rerequested", onCheckRunRerequested(o));
    app.on("issue_comment.created", onIssueCommentCreated(o));
    app.on("workflow_run.completed", onWorkflowRunCompleted(o));
  };
}
