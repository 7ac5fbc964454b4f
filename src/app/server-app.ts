import type { Probot } from "probot";
import { providerFromEnv } from "../llm/provider-from-env.js";
import { createLabgateApp } from "./create-app.js";
import { inboxRuntime } from "./inbox/inbox-runtime.js";
import { openInboxStore } from "./inbox/open-inbox-store.js";
import { guardUnhandledRejections } from "./process-guard.js";
import { readServerConfig } from "./server-config.js";

/**
 * The app as `probot run` serves it: refuses to start without a real webhook secret, opens the
 * durable inbox under LABGATE_DATA_DIR (replaying what it holds unfinished) and keeps serving
 * through an unexpected rejection.
 */
export function createServerApp(env: NodeJS.ProcessEnv) {
  return (app: Probot, extra?: { addHandler?: (h: never) => void }): void => {
    const cfg = readServerConfig(env);
    if (!cfg.ok) refuse(cfg.message);
    const opened = openInboxStore(cfg.config.dataDir, new Date());
    if (!opened.ok) refuse(opened.message);
    if (opened.movedAside) {
      const m = opened.movedAside;
      app.log.error(
        { inbox: m.path, movedTo: m.to, reason: m.reason },
        `labgate: the inbox ${m.path} could not be read (${m.reason}); it was moved aside to ${m.to} and a new inbox started. Deliveries it held unfinished are not replayed: the fetch-back asks GitHub for the failed ones, and a PR missing its checks gets them again with "Re-run" on the labgate checks.`,
      );
    }
    const inbox = inboxRuntime({
      store: opened.store,
      retry: cfg.config.retry,
      redeliveryIntervalMs: cfg.config.redeliveryIntervalMs,
    });
    guardUnhandledRejections(app.log, inbox);
    app.log.info(`labgate: inbox ${opened.store.path}`);
    // The design debate's language-model reviewer, from this environment (none when unset).
    const provider = providerFromEnv(env);
    createLabgateApp({ inbox, ...(provider ? { provider } : {}) })(app, extra);
  };
}

function refuse(message: string): never {
  console.error(message);
  process.exit(1);
}
