import type { OctokitLike } from "../../github/octokit.js";
import type { InboxStore } from "./inbox-store.js";
import { type HookDelivery, pickRedeliveries } from "./pick-redeliveries.js";

export interface MissedDeliveriesDeps {
  /** Authenticated as the app (JWT), not as an installation: the delivery log is the app's. */
  appOctokit: Pick<OctokitLike, "request">;
  store: InboxStore;
  handled(event: string, action: string | undefined): boolean;
  now: () => number;
}

export interface MissedDeliveriesLimits {
  /** Pages of 100 log entries read at most, newest first. */
  maxPages: number;
  /** How far back to look when the inbox has finished nothing yet (ms). */
  firstLookbackMs: number;
  /** Looked at before the last finished delivery's receipt too, for clocks and ordering (ms). */
  slackMs: number;
}

export const DEFAULT_MISSED_LIMITS: MissedDeliveriesLimits = {
  maxPages: 10,
  firstLookbackMs: 60 * 60 * 1000,
  slackMs: 10 * 60 * 1000,
};

/**
 * Reads the app's webhook delivery log and asks GitHub to send again every delivery that failed
 * while this server was down or unreachable, since the last one it finished — once each: what was
 * asked is remembered in the inbox.
 * https://docs.github.com/en/webhooks/using-webhooks/handling-failed-webhook-deliveries
 */
export async function fetchMissedDeliveries(
  deps: MissedDeliveriesDeps,
  limits: MissedDeliveriesLimits = DEFAULT_MISSED_LIMITS,
): Promise<{ asked: string[] }> {
  const last = deps.store.lastFinishedReceivedAt();
  const since = last === undefined ? deps.now() - limits.firstLookbackMs : last - limits.slackMs;
  const log: HookDelivery[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < limits.maxPages; page++) {
    const res = await deps.appOctokit.request("GET /app/hook/deliveries", {
      per_page: 100,
      ...(cursor ? { cursor } : {}),
    });
    const entries = res.data as HookDelivery[];
    log.push(...entries);
    cursor = nextCursor(res.headers.link);
    const oldest = entries.at(-1);
    if (!cursor || !oldest || Date.parse(oldest.delivered_at) < since) break;
  }
  const picked = pickRedeliveries(log, {
    since,
    known: (guid) => deps.store.knows(guid),
    askedAt: (guid) => deps.store.redeliveryAskedAt(guid),
    askedId: (guid) => deps.store.redeliveryAskedId(guid),
    handled: deps.handled,
  });
  const asked: string[] = [];
  for (const d of picked) {
    await deps.appOctokit.request("POST /app/hook/deliveries/{delivery_id}/attempts", {
      delivery_id: d.id,
    });
    // Noted once GitHub accepted it; a failed ask is asked again at the next look. (A crash
    // between the two asks twice, which is harmless: a redelivery of pending or completed work
    // is not worked on twice.)
    deps.store.noteRedeliveryAsked(d.guid, d.id, deps.now());
    asked.push(d.guid);
  }
  return { asked };
}

/** The `cursor` of the log's next page, from its `Link` header. */
function nextCursor(link: string | undefined): string | undefined {
  const next = link?.split(",").find((part) => /rel="next"/.test(part));
  const url = next?.match(/<([^>]+)>/)?.[1];
  return url ? (new URL(url).searchParams.get("cursor") ?? undefined) : undefined;
}
