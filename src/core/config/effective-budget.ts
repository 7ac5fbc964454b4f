/**
 * The GPU-hour budget a campaign is held to: the config's `budget.gpu_hours` (the default
 * branch's, in the app: docs/security.md, "Policy comes from the default branch") caps it, and
 * `definitions.json`'s own `budget.gpu_hours` may only lower it. `fromDefinitions` says whether the
 * definitions' figure is the one that binds (where a finding should point).
 */
export function effectiveBudget(
  definitionsGpuHours: number | undefined,
  configGpuHours: number | undefined,
): { gpuHours: number; fromDefinitions: boolean } | undefined {
  if (definitionsGpuHours === undefined)
    return configGpuHours === undefined
      ? undefined
      : { gpuHours: configGpuHours, fromDefinitions: false };
  if (configGpuHours !== undefined && configGpuHours < definitionsGpuHours)
    return { gpuHours: configGpuHours, fromDefinitions: false };
  return { gpuHours: definitionsGpuHours, fromDefinitions: true };
}
