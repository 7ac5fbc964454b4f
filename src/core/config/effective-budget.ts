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

/** Where the config's budget lives, as a message names it. */
export const CONFIG_FILE = ".github/labgate.yml";

/**
 * What a message adds after the effective budget when the config's figure caps a higher one in
 * definitions.json: ` from .github/labgate.yml, which caps the definitions' 1000` (the cap would
 * otherwise look like a bug); "" otherwise.
 */
export function budgetCapNote(
  definitionsGpuHours: number | undefined,
  configGpuHours: number | undefined,
  fmt: (n: number) => string = String,
): string {
  const cap = effectiveBudget(definitionsGpuHours, configGpuHours);
  return cap && !cap.fromDefinitions && definitionsGpuHours !== undefined
    ? ` from ${CONFIG_FILE}, which caps the definitions' ${fmt(definitionsGpuHours)}`
    : "";
}

/** The effective budget as a message writes it: `100 GPU-hours`, with `budgetCapNote`. */
export function budgetText(
  definitionsGpuHours: number | undefined,
  configGpuHours: number | undefined,
  fmt: (n: number) => string = String,
): string | undefined {
  const cap = effectiveBudget(definitionsGpuHours, configGpuHours);
  if (!cap) return undefined;
  return `${fmt(cap.gpuHours)} GPU-hours${budgetCapNote(definitionsGpuHours, configGpuHours, fmt)}`;
}
