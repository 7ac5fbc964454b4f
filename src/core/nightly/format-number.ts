/** Four significant digits, no exponent for ordinary metric values. */
export function fmtNum(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return "0";
  const abs = Math.abs(x);
  if (abs >= 1e6 || abs < 1e-4) return x.toExponential(3);
  return String(Number(x.toPrecision(4)));
}

export function fmtSigned(x: number): string {
  return x > 0 ? `+${fmtNum(x)}` : fmtNum(x);
}

export function fmtPercent(x: number): string {
  const p = x * 100;
  return `${p > 0 ? "+" : ""}${p.toFixed(Math.abs(p) >= 10 ? 1 : 2)}%`;
}
