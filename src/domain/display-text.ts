/**
 * Characters no display text of ours may hold: control characters (C0, DEL, C1), lone surrogates, noncharacters
 * (U+FDD0–U+FDEF, U+FFFE, U+FFFF and their twins in every plane; XML cannot carry some of them, so neither the badge
 * SVG nor the share card could be drawn) and bidi override or isolate controls (they can disguise how a name reads).
 */
const UNDRAWABLE = /[\p{Cc}\p{Cs}\p{Noncharacter_Code_Point}\u202A-\u202E\u2066-\u2069]/gu;

/** Whether a text holds a character no display text may hold (see UNDRAWABLE). */
export function hasUndrawableCharacter(text: string): boolean {
  UNDRAWABLE.lastIndex = 0;
  return UNDRAWABLE.test(text);
}

/**
 * The text without the characters no display text may hold (tabs and line breaks become spaces): what the share card
 * and certificate draw. Names are checked on the way in; this is the last defence, so that a credential stored with
 * such a name (before the rule, or by another path) still has files that can be drawn.
 */
export function drawableText(text: string): string {
  return text.replace(/[\t\n\r]/g, " ").replace(UNDRAWABLE, "");
}
