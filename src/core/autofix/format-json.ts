const LINE_WIDTH = 100;

/**
 * JSON with two-space indentation where arrays of scalars stay on one line when they fit in 100
 * columns (`"seeds": [1, 2, 3]`), as biome and prettier print JSON; objects always open up.
 */
export function formatJson(value: unknown): string {
  return `${print(value, 0, 0)}\n`;
}

function print(v: unknown, indent: number, used: number): string {
  if (v === null || typeof v !== "object") return JSON.stringify(v) ?? "null";
  const pad = " ".repeat(indent + 2);
  const end = " ".repeat(indent);
  if (Array.isArray(v)) {
    if (v.length === 0) return "[]";
    if (v.every((x) => x === null || typeof x !== "object")) {
      const flat = `[${v.map((x) => JSON.stringify(x)).join(", ")}]`;
      if (used + flat.length + 1 <= LINE_WIDTH) return flat;
    }
    return `[\n${v.map((x) => pad + print(x, indent + 2, pad.length)).join(",\n")}\n${end}]`;
  }
  const entries = Object.entries(v as Record<string, unknown>);
  if (entries.length === 0) return "{}";
  return `{\n${entries
    .map(([k, x]) => {
      const key = `${pad}${JSON.stringify(k)}: `;
      return key + print(x, indent + 2, key.length);
    })
    .join(",\n")}\n${end}}`;
}
