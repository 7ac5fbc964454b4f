/** One CSV field per RFC 4180: quoted only when it holds a comma, quote, or line break. */
export function csvField(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return "";
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const csvLine = (fields: readonly (string | number | boolean | null | undefined)[]) =>
  `${fields.map(csvField).join(",")}\n`;
