import { Context, type Probot } from "probot";
import { appTrust, type CheckTrust } from "../github/check-run-protocol.js";
import type { OctokitLike } from "../github/octokit.js";
import { providerFromEnv } from "../llm/provider-from-env.js";
import type { ReviewProvider } from "../llm/review-provider.js";
import { PULL_REQUEST_ACTIONS } from "./handled-events.js";
import {
  type HandlerOptions,
  onCheckRunRerequested,
  onCheckSuiteRerequested,
  onIssueCommentCreated,
  onPullRequest,
  onWorkflowRunCompleted,
} from "./handlers.js";
import type { InboxRuntime } from "./inbox/inbox-runtime.js";
import type { StoredDelivery } from "./inbox/inbox-store.js";
import { type FailedPayload, reportWorkFailure } from "./inbox/report-work-failure.js";
import { createWorkQueue, type WorkQueue } from "./work-queue.js";

export interface LabgateAppOptions {
  queue?: WorkQueue;
  clock?: () => Date;
  /**
   * The server's durable inbox: every delivery the app acts on is stored before its 2xx and worked
   * on from the store. Without it (handler tests, Actions mode, whose workflow run is its own
   * record) the handlers queue their work directly.
   */
  inbox?: InboxRuntime;
  /** Whose check runs count (check-run-protocol.ts); by default this app's, from APP_ID. */
  trust?: CheckTrust;
  /**
   * The design debate's language-model reviewer; by default the one the environment configures
   * (`providerFromEnv`: LABGATE_LLM_BASE_URL and LABGATE_LLM_MODEL), none when unset.
   */
  provider?: ReviewProvider;
}

type Handler = (o: HandlerOptions) => (context: never) => Promise<void>;

/** What the wiring reads of any payload. */
interface PayloadHead {
  action?: string;
  repository?: unknown;
  installation?: { id?: number };
}

/** Which handler takes which event: the one table both ways of running the app use. */
const ROUTES: readonly (readonly [readonly string[], Handler])[] = [
  [PULL_REQUEST_ACTIONS, onPullRequest as Handler],
  [["check_suite.rerequested"], onCheckSuiteRerequested as Handler],
  [["check_run.rerequested"], onCheckRunRerequested as Handler],
  [["issue_comment.created"], onIssueCommentCreated as Handler],
  [["workflow_run.completed"], onWorkflowRunCompleted as Handler],
];

/** The handler for an event, if the app acts on it. */
export function routeOf(name: string, action: string | undefined): Handler | undefined {
  return ROUTES.find(
    ([events]) => events.includes(name) || events.includes(`${name}.${action}`),
  )?.[1];
}

/** The Probot application function; tests pass their own queue to wait for the queued work. */
export function createLabgateApp(options: LabgateAppOptions = {}) {
  return (app: Probot, extra?: { addHandler?: (h: never) => void }): void => {
    const clock = options.clock ?? (() => new Date());
    const trust = options.trust ?? appTrust(process.env.APP_ID);
    const provider = options.provider ?? providerFromEnv(process.env);
    if (!options.inbox) {
      const o: HandlerOptions = {
        queue:
          options.queue ??
          createWorkQueue((err, key) => app.log.error({ err }, `labgate: work for ${key} failed`)),
        clock,
        trust,
        provider,
      };
      for (const [events, handler] of ROUTES) app.on(events as never, handler(o));
      return;
    }
    const inbox = options.inbox;
    inbox.start({
      app,
      open: async (d: StoredDelivery) => {
        const octokit = await app.auth(d.installationId);
        const context = new Context(
          { id: d.id, name: d.name, payload: d.payload } as never,
          octokit as never,
          app.log.child({ name: "event", id: d.id }) as never,
        );
        const payload = d.payload as PayloadHead;
        return {
          route: async (lane) => {
            await routeOf(d.name, payload.action)?.({ queue: lane, clock, trust, provider })(
              context as never,
            );
          },
          reportFailure: async (f) => {
            if (!payload.repository) return;
            const shown = await reportWorkFailure(
              {
                octokit: octokit as unknown as OctokitLike,
                repo: context.repo(),
                log: context.log,
                clock,
                trust,
              },
              d.name,
              d.payload as FailedPayload,
              f,
            );
            context.log.info(`labgate: failure of ${d.id} shown as ${shown}`);
          },
        };
      },
      handled: (name, action) => routeOf(name, action) !== undefined,
      ...(extra?.addHandler ? { addHandler: extra.addHandler } : {}),
    });
    // Stored before the response: @octokit/webhooks answers 200 only after every handler of
    // `receive` resolved, and this one writes synchronously (a failed write answers 500, and
    // GitHub's delivery log keeps it for the fetch-back).
    app.onAny(async (context) => {
      const payload = context.payload as PayloadHead;
      if (!routeOf(context.name, payload.action)) return;
      inbox.receive({
        id: context.id,
        name: context.name,
        payload,
        installationId: payload.installation?.id,
        receivedAt: clock().getTime(),
      });
    });
  };
}
