/**
 * A measured value with `decimals` decimals, rounded half up as people do on paper (4.335 → "4.34", 4.005 →
 * "4.01"), not as binary floating point would (4.335.toFixed(2) is "4.33"). The scaled value is first cut to 12
 * significant digits, which removes float noise from sums and means without changing any real digit.
 */
export function roundHalfUp(value: number, decimals = 2): string {
  const scale = 10 ** decimals;
  const scaled = Number((value * scale).toPrecision(12));
  return ((Math.sign(scaled) * Math.round(Math.abs(scaled))) / scale).toFixed(decimals);
}
