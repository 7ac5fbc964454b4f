import { spawnSync } from "node:child_process";

// CLI and action tests spawn the real `bin/labgate.js`, which runs the compiled dist/.
// Build once so they exercise the current source. tsc emits even with type errors; those are
// `npm run typecheck`'s to report, so a type error elsewhere does not hide every test result.
export default function setup(): void {
  const r = spawnSync(
    process.execPath,
    ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"],
    {
      encoding: "utf8",
    },
  );
  if (r.status !== 0)
    process.stderr.write(
      `[global-setup] tsc reported errors (dist/ still emitted):\n${r.stdout.slice(0, 4000)}\n`,
    );
}
