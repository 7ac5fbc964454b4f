// `npm run bench`: runs every bench/*.bench.js in its own process (so peak RSS is its own)
// and prints their figures. Benchmarks print ratios against baselines measured in the same run.
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";

const only = process.argv[2];
const dir = new URL(".", import.meta.url);
for (const f of readdirSync(dir)
  .filter((f) => f.endsWith(".bench.js"))
  .sort()) {
  if (only && !f.includes(only)) continue;
  console.log(`\n## ${f}`);
  execFileSync(process.execPath, ["--expose-gc", new URL(f, dir).pathname], { stdio: "inherit" });
}
