/**
 * A new row's id in time order: a UUID of version 7 (RFC 9562), the time in milliseconds first, then the random bits
 * of `random` (a random v4 UUID from the injected id source). Used for outbound messages and their attempts, and for
 * what issuance writes (credential, recipient, event, due mark). Ids in time order keep a batch's new rows side by
 * side in the indexes keyed by them: random ids scattered every insert over the whole index, and each commit wrote a
 * page per row. An id source that gives no UUID is refused: its characters would not be random bits, and ids made in
 * the same millisecond would then be the same.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function timeOrderedId(at: Date, random: string): string {
  if (!UUID.test(random)) {
    throw new Error("timeOrderedId needs a random UUID from the id source");
  }
  const time = Math.max(0, Math.floor(at.getTime())).toString(16).padStart(12, "0").slice(-12);
  const bits = random.replaceAll("-", "").toLowerCase();
  // version 7; the variant bits (10xx) as the random UUID has them
  const variant = ((Number.parseInt(bits[16] ?? "8", 16) & 0x3) | 0x8).toString(16);
  return `${time.slice(0, 8)}-${time.slice(8)}-7${bits.slice(13, 16)}-${variant}${bits.slice(17, 20)}-${bits.slice(20, 32)}`;
}
