/** One entry of the app's webhook delivery log (`GET /app/hook/deliveries`), the fields used. */
export interface HookDelivery {
  id: number;
  guid: string;
  delivered_at: string;
  status_code: number;
  event: string;
  action?: string | null;
}

export interface RedeliveryView {
  /** Deliveries at or after this time (ms) are looked at. */
  since: number;
  /** The inbox holds this delivery id (stored, so GitHub got its 2xx or will redeliver it). */
  known(guid: string): boolean;
  /** When a redelivery of this id was last asked for (ms), if ever. */
  askedAt(guid: string): number | undefined;
  /**
   * The delivery log id that ask named, if known. GitHub logs each attempt under a new, higher
   * id, so a failed attempt with a higher id came after the ask, whatever the clocks say.
   */
  askedId?(guid: string): number | undefined;
  /** The app acts on this event. */
  handled(event: string, action: string | undefined): boolean;
}

/**
 * The deliveries to ask GitHub to send again: failed (no 2xx) since `since`, for an event the
 * app acts on, that the inbox never stored, and not asked for since their latest failed attempt.
 * One per delivery id — GitHub logs every attempt, and a redelivery keeps the id — oldest first.
 * A redelivery GitHub attempted after our ask and that failed too (the server was not listening
 * yet, a timeout) is asked for again at the next look, so no missed delivery is given up on while
 * GitHub still holds it; one that is still pending is not asked twice. No I/O.
 */
export function pickRedeliveries(
  log: readonly HookDelivery[],
  view: RedeliveryView,
): HookDelivery[] {
  const picked = new Map<string, HookDelivery>();
  const succeeded = new Set(log.filter((d) => isOk(d.status_code)).map((d) => d.guid));
  const lastFailed = new Map<string, number>();
  const lastFailedId = new Map<string, number>();
  for (const d of log)
    if (!isOk(d.status_code)) {
      lastFailed.set(d.guid, Math.max(lastFailed.get(d.guid) ?? 0, Date.parse(d.delivered_at)));
      lastFailedId.set(d.guid, Math.max(lastFailedId.get(d.guid) ?? 0, d.id));
    }
  for (const d of log) {
    if (isOk(d.status_code) || succeeded.has(d.guid)) continue;
    if (Date.parse(d.delivered_at) < view.since) continue;
    if (!view.handled(d.event, d.action ?? undefined)) continue;
    if (view.known(d.guid) || picked.has(d.guid)) continue;
    const askedAt = view.askedAt(d.guid);
    const askedId = view.askedId?.(d.guid);
    // A failed attempt after the ask: a higher log id than the one asked for, or (without the
    // id) a later time. The ask is noted only once GitHub accepted it, and the attempt it
    // triggers can fail (server not listening yet) before that note's clock reading.
    const failedSince =
      askedId !== undefined
        ? (lastFailedId.get(d.guid) ?? 0) > askedId
        : (lastFailed.get(d.guid) ?? 0) > (askedAt ?? 0);
    if (askedAt !== undefined && !failedSince) continue;
    picked.set(d.guid, d);
  }
  return [...picked.values()].sort(
    (a, b) => Date.parse(a.delivered_at) - Date.parse(b.delivered_at),
  );
}

const isOk = (status: number) => status >= 200 && status < 300;
