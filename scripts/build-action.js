// `npm run build:action`: bundles src/action/main.ts into action/dist/index.js, the file
// action/action.yml runs. One ESM file with every dependency inlined, so the action needs no
// `npm install` on the runner; CI rebuilds it and fails when the committed copy differs.
import { readdirSync, rmSync, writeFileSync } from "node:fs";
import { build } from "esbuild";

// `--outdir DIR` builds elsewhere (the tests bundle the current source into a temp dir).
const at = process.argv.indexOf("--outdir");
const outdir =
  at > 0 ? `${process.argv[at + 1]}/` : new URL("../action/dist/", import.meta.url).pathname;
// Start clean, so a chunk left from an earlier build is never committed beside the new ones.
for (const f of safeList(outdir)) rmSync(`${outdir}${f}`, { recursive: true, force: true });
await build({
  entryPoints: [new URL("../src/action/main.ts", import.meta.url).pathname],
  outdir,
  entryNames: "index",
  // Each mode loads its operation with import(), so `run` does not parse the charting and
  // artifact code that only `aggregate` needs: code splitting puts them in their own chunks.
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  // Bundled CommonJS dependencies call require() for Node built-ins; ESM has none, so give them one.
  banner: {
    js: "import { createRequire as __labgateCreateRequire } from 'node:module';\nconst require = __labgateCreateRequire(import.meta.url);",
  },
  legalComments: "none",
  // Resolve node_modules by its path, not its target: same output from a checkout whose
  // node_modules is a symlink (a worktree) as from a plain `npm ci`.
  preserveSymlinks: true,
  minify: true,
  sourcemap: false,
  logLevel: "warning",
});
// The bundle is ESM whatever package.json encloses the checkout of the action.
writeFileSync(`${outdir}package.json`, `${JSON.stringify({ type: "module" }, null, 2)}\n`);

function safeList(dir) {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
