import { sign } from "@octokit/webhooks-methods";
import type { LoopbackGitHub } from "./loopback-github.js";

/** An entry of the app's delivery log, as `GET /app/hook/deliveries` lists it. */
export interface DeliveryLogEntry {
  id: number;
  guid: string;
  delivered_at: string;
  redelivery: boolean;
  status: string;
  status_code: number;
  event: string;
  action: string | null;
  installation_id: number | null;
  repository_id: number | null;
  /** Kept to send it again (GitHub keeps it too); not part of the listing. */
  body: string;
}

export interface WebhookSender {
  /** Every attempt, oldest first. */
  log: DeliveryLogEntry[];
  /** Delivery log ids the app asked to redeliver (`POST .../attempts`). */
  redeliveryAsks: number[];
  /** Where webhooks go (the app server's webhook URL). */
  target: string;
  /** Signs and posts one delivery as GitHub does; the HTTP status, or 0 when nothing answered. */
  send(event: string, payload: Record<string, any>, guid?: string): Promise<number>;
  /** Waits for the redeliveries asked so far to have been attempted. */
  settled(): Promise<void>;
}

/**
 * GitHub's side of webhooks for the loopback stand-in: signs deliveries with the app's secret,
 * records every attempt in the delivery log the app reads back, and sends a delivery again (same
 * `X-GitHub-Delivery`) when the app asks for it.
 */
export function webhookSender(gh: LoopbackGitHub, secret: string): WebhookSender {
  let nextId = 1;
  let guidSeq = 0;
  const inFlight = new Set<Promise<unknown>>();
  const s: WebhookSender = {
    log: [],
    redeliveryAsks: [],
    target: "",
    async send(event, payload, guid = `guid-${++guidSeq}-${event}`) {
      return attempt(event, JSON.stringify(payload), guid, false);
    },
    async settled() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };

  async function attempt(event: string, body: string, guid: string, redelivery: boolean) {
    const payload = JSON.parse(body);
    let status = 0;
    try {
      const res = await fetch(s.target, {
        method: "POST",
        body,
        headers: {
          "content-type": "application/json",
          "x-github-event": event,
          "x-github-delivery": guid,
          "x-hub-signature-256": await sign(secret, body),
        },
        // GitHub gives up after 10 s.
        signal: AbortSignal.timeout(10_000),
      });
      await res.text();
      status = res.status;
    } catch {
      status = 0;
    }
    s.log.push({
      id: nextId++,
      guid,
      delivered_at: new Date().toISOString(),
      redelivery,
      status:
        status === 0
          ? "failed to connect to host"
          : status < 300
            ? "OK"
            : `Invalid HTTP Response: ${status}`,
      status_code: status,
      event,
      action: payload.action ?? null,
      installation_id: payload.installation?.id ?? null,
      repository_id: payload.repository?.id ?? null,
      body,
    });
    return status;
  }

  gh.extraRoutes.push((req, path) => {
    if (req.method === "GET" && path === "/app/hook/deliveries")
      return [200, [...s.log].reverse().map(({ body: _b, ...entry }) => entry)];
    const m = path.match(/^\/app\/hook\/deliveries\/(\d+)\/attempts$/);
    if (req.method === "POST" && m) {
      const entry = s.log.find((e) => e.id === Number(m[1]));
      if (!entry) return [404, { message: "Not Found" }];
      s.redeliveryAsks.push(entry.id);
      const p = new Promise((r) => setTimeout(r, 20)).then(() =>
        attempt(entry.event, entry.body, entry.guid, true),
      );
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
      return [202, {}];
    }
    return undefined;
  });
  return s;
}
