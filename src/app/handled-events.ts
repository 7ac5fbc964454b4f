/** The webhook events the app acts on; app.yml subscribes to exactly their event names. */
export const PULL_REQUEST_ACTIONS = [
  "pull_request.opened",
  "pull_request.synchronize",
  "pull_request.reopened",
  "pull_request.ready_for_review",
] as const;
