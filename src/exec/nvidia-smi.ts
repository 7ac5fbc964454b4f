import { execa } from "execa";
import { type Gpu, parseNvidiaSmi } from "../core/placement/gpu.js";

const QUERY_GPUS = [
  "--query-gpu=index,name,memory.total,memory.used",
  "--format=csv,noheader,nounits",
];
const QUERY_APPS = ["--query-compute-apps=pid,used_memory", "--format=csv,noheader,nounits"];

/**
 * The machine's GPUs (docs/runners.md query), or null when there is no `nvidia-smi` or it fails (no
 * driver, no GPU): the runner then uses CPU slots. PATH is the given env's, so tests put a fake
 * `nvidia-smi` first on it.
 */
export async function queryGpus(env: NodeJS.ProcessEnv): Promise<Gpu[] | null> {
  const out = await nvidiaSmi(QUERY_GPUS, env);
  if (out === null) return null;
  const gpus = parseNvidiaSmi(out);
  return gpus.length > 0 ? gpus : null;
}

/** GPU memory used per process id, MB (`nvidia-smi --query-compute-apps=pid,used_memory`). */
export async function queryComputeApps(env: NodeJS.ProcessEnv): Promise<Map<number, number>> {
  const used = new Map<number, number>();
  const out = await nvidiaSmi(QUERY_APPS, env);
  if (out === null) return used;
  for (const line of out.split(/\r?\n/)) {
    const [pid, mb] = line.split(",").map((s) => Number(s.trim()));
    if (Number.isInteger(pid) && Number.isFinite(mb))
      used.set(pid as number, (used.get(pid as number) ?? 0) + (mb as number));
  }
  return used;
}

async function nvidiaSmi(args: string[], env: NodeJS.ProcessEnv): Promise<string | null> {
  const r = await execa("nvidia-smi", args, {
    env,
    extendEnv: false,
    reject: false,
    timeout: 15_000,
    stdin: "ignore",
  });
  return r.failed || r.exitCode !== 0 ? null : String(r.stdout);
}
