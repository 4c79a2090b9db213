/**
 * A small deterministic generator (mulberry32) for tests: the same draws on every run, so that an assertion about
 * spread or mix never fails by chance on one run in thousands.
 */
export function seededRandom(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The same generator in the shape of the services' `randomInt`: an integer in [0, max). */
export function seededRandomInt(seed: number): (max: number) => number {
  const next = seededRandom(seed);
  return (max) => Math.floor(next() * max);
}
