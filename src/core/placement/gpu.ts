/** One GPU as `nvidia-smi` reports it. */
export interface Gpu {
  index: number;
  name: string;
  total_mb: number;
  used_mb: number;
}

/**
 * Parses `nvidia-smi --query-gpu=index,name,memory.total,memory.used --format=csv,noheader,nounits`
 * (docs/runners.md). Lines that do not parse (a driver warning, "[N/A]") are skipped, not fatal.
 */
export function parseNvidiaSmi(text: string): Gpu[] {
  const gpus: Gpu[] = [];
  for (const line of text.split(/\r?\n/)) {
    const parts = line.split(",").map((p) => p.trim());
    if (parts.length < 4) continue;
    const [index, name, total, used] = parts as [string, string, string, string];
    const gpu = { index: Number(index), name, total_mb: Number(total), used_mb: Number(used) };
    if (
      Number.isInteger(gpu.index) &&
      Number.isFinite(gpu.total_mb) &&
      Number.isFinite(gpu.used_mb)
    )
      gpus.push(gpu);
  }
  return gpus;
}
