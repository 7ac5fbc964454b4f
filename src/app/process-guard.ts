import type { Probot } from "probot";

/**
 * The last line of defence, not a code path: every promise the app stores has its own handler
 * (STYLE 18) and the chaos test shows this never fires. Should a bug leave one without, the server
 * logs it with the deliveries in progress and keeps serving (Node would otherwise exit, and every
 * later webhook would meet a closed port). Unfinished deliveries stay in the inbox either way.
 */
export function guardUnhandledRejections(
  log: Probot["log"],
  inbox: { inFlight(): string[] },
): () => void {
  const guard = (reason: unknown) => {
    log.error(
      { err: reason, deliveriesInProgress: inbox.inFlight() },
      `labgate: unhandled rejection while working on deliveries [${inbox.inFlight().join(", ")}] — a bug; the server keeps serving`,
    );
  };
  process.on("unhandledRejection", guard);
  return () => process.off("unhandledRejection", guard);
}
