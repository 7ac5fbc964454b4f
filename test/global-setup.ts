import { execFileSync } from "node:child_process";

// CLI tests spawn the real `bin/labgate.js`, which runs the compiled dist/.
// Build once so they always exercise the current source.
export default function setup(): void {
  execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], {
    stdio: "inherit",
  });
}
