import { Probot, ProbotOctokit } from "probot";
import { createLabgateApp } from "../../src/app/create-app.js";
import { inboxRuntime } from "../../src/app/inbox/inbox-runtime.js";
import type { StoredDelivery } from "../../src/app/inbox/inbox-store.js";
import { openInboxStore } from "../../src/app/inbox/open-inbox-store.js";
import { appTrust, encodeCodeReviewState } from "../../src/github/check-run-protocol.js";
import {
  type LoopbackGitHub,
  type LoopbackRepo,
  startLoopbackGitHub,
} from "../helpers/loopback-github.js";
import { pull, sha } from "../helpers/loopback-github-events.js";
import { exampleFiles, PRIVATE_KEY } from "./harness.js";

// A server's life against the loopback GitHub stand-in, in process: what it left in its inbox, a
// start on that data dir (the replay), and what GitHub holds afterwards.

export const APP_ID = 123;
export const HEAD = sha("a");

const started: LoopbackGitHub[] = [];

/** Closes every stand-in `greenPr` started (call it in afterEach). */
export async function closeLoopbacks(): Promise<void> {
  for (const g of started.splice(0)) await g.close();
}

/** A repository whose PR #1 head passed every gate (as this app recorded it earlier). */
export async function greenPr(opts: { gates?: boolean } = {}) {
  const repo: LoopbackRepo = {
    owner: "lab",
    name: "alpha",
    id: 501,
    installationId: 1,
    pulls: new Map([[1, pull(1, HEAD, "researcher")]]),
    files: exampleFiles(),
    roles: { maintainer: "write" },
  };
  const gh = await startLoopbackGitHub({
    appId: APP_ID,
    repos: [repo],
    chaos: { failShare: 0, rateLimitShare: 0, seed: 1 },
  });
  started.push(gh);
  if (opts.gates !== false)
    for (const name of ["labgate/definitions", "labgate/design-debate", "labgate/code-review"])
      gh.addCheckRun(repo, {
        name,
        head_sha: HEAD,
        status: "completed",
        conclusion: "success",
        external_id:
          name === "labgate/code-review" ? encodeCodeReviewState({ v: 1, dry_run: "passed" }) : "",
        output: { title: "reviewed earlier" },
        app: { id: APP_ID, slug: "labgate" },
      });
  return { gh, repo };
}

/** What a process left in its inbox on `dataDir` before it died: `deliveries`, not done. */
export function leftInInbox(dataDir: string, deliveries: Omit<StoredDelivery, "receivedAt">[]) {
  const opened = openInboxStore(dataDir, new Date());
  if (!opened.ok) throw new Error(opened.message);
  for (const d of deliveries) opened.store.record({ ...d, receivedAt: Date.now() });
  opened.store.close();
}

/**
 * A server start on `dataDir`: the app loads, replays its inbox, and is waited on. Octokit's retry
 * plugin is off unless `octokitRetry` (then it retries at once, as it would after its delay).
 */
export async function startOn(
  dataDir: string,
  github: LoopbackGitHub,
  opts: { octokitRetry?: boolean; attempts?: number } = {},
) {
  const opened = openInboxStore(dataDir, new Date());
  if (!opened.ok) throw new Error(opened.message);
  const inbox = inboxRuntime({
    store: opened.store,
    retry: { attempts: opts.attempts ?? 2, baseDelayMs: 0, maxDelayMs: 0 },
    redeliveryIntervalMs: 0,
  });
  const probot = new Probot({
    appId: APP_ID,
    privateKey: PRIVATE_KEY,
    secret: "test-secret",
    baseUrl: github.url,
    logLevel: "fatal",
    Octokit: ProbotOctokit.defaults((o: object) => ({
      ...o,
      retry: opts.octokitRetry ? { retryAfterBaseValue: 1 } : { enabled: false },
      throttle: { enabled: false },
    })),
  });
  await probot.load(createLabgateApp({ inbox, trust: appTrust(APP_ID) }));
  await inbox.idle();
  return { probot, inbox, store: opened.store };
}

/** The comments the app wrote. */
export const replies = (g: LoopbackGitHub) =>
  g.comments.filter((c) => c.user.type === "Bot").map((c) => c.body);
