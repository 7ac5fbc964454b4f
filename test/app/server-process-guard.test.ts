import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

describe("the process guard (a last line of defence the chaos test shows is never needed)", () => {
  it("an unhandled rejection is logged with the deliveries in progress, and the process keeps running", () => {
    // A real Node process with a real unhandled rejection: without the guard, Node 20 exits 1.
    const script = (guarded: boolean) => `
      import { guardUnhandledRejections } from "./dist/app/process-guard.js";
      const log = { error: (obj, msg) => console.log(JSON.stringify({ msg, deliveries: obj.deliveriesInProgress, err: String(obj.err) })) };
      if (${guarded}) guardUnhandledRejections(log, { inFlight: () => ["guid-7"] });
      Promise.reject(new Error("boom"));
      setTimeout(() => console.log("still serving"), 50);
    `;
    const run = (guarded: boolean) =>
      spawnSync(process.execPath, ["--input-type=module", "-e", script(guarded)], {
        encoding: "utf8",
      });
    const unguarded = run(false);
    expect(unguarded.status).toBe(1);
    expect(unguarded.stdout).not.toMatch(/still serving/);

    const guarded = run(true);
    expect(guarded.status).toBe(0);
    const [line, alive] = guarded.stdout.trim().split("\n");
    expect(JSON.parse(line as string)).toEqual({
      msg: "labgate: unhandled rejection while working on deliveries [guid-7] — a bug; the server keeps serving",
      deliveries: ["guid-7"],
      err: "Error: boom",
    });
    expect(alive).toBe("still serving");
  });
});
