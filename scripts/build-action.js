// `npm run build:action`: bundles src/action/main.ts into action/dist/index.js, the file
// action/action.yml runs. One ESM file with every dependency inlined, so the action needs no
// `npm install` on the runner; CI rebuilds it and fails when the committed copy differs.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { build } from "esbuild";

// `--outdir DIR` builds elsewhere (the tests bundle the current source into a temp dir).
const at = process.argv.indexOf("--outdir");
const outdir =
  at > 0 ? `${process.argv[at + 1]}/` : new URL("../action/dist/", import.meta.url).pathname;
// Start clean, so a chunk left from an earlier build is never committed beside the new ones.
for (const f of safeList(outdir)) rmSync(`${outdir}${f}`, { recursive: true, force: true });
const src = (p) => new URL(`../src/${p}`, import.meta.url).pathname;
const result = await build({
  entryPoints: {
    index: src("action/main.ts"),
    // The chart renderer's worker thread: started by file name, so it is an entry of its own,
    // placed beside the chunk that starts it (checked below).
    "chunks/chart-worker": src("operations/results/chart-worker.ts"),
  },
  outdir,
  metafile: true,
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
// render-chart-svg starts `./chart-worker.js` beside its own file: fail the build, rather than
// fall back to rendering in the main thread unnoticed, if the chunk that holds it moved.
for (const file of Object.keys(result.metafile.outputs)) {
  if (!readFileSync(file, "utf8").includes('"./chart-worker.js"')) continue;
  if (!existsSync(`${dirname(file)}/chart-worker.js`))
    throw new Error(`${file} starts ./chart-worker.js, which the bundle does not have beside it`);
}
// The bundle is ESM whatever package.json encloses the checkout of the action.
writeFileSync(`${outdir}package.json`, `${JSON.stringify({ type: "module" }, null, 2)}\n`);

function safeList(dir) {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
