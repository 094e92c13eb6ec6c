/**
 * String operations by code point, so `len("𠮷")` is 1 and ordering is Unicode order, not UTF-16
 * order.
 */

/** The number of code points in `s` (a lone surrogate counts as one). */
export function codePointLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/**
 * Compares two strings by code point: -1, 0 or 1. UTF-16 order differs from code-point order only
 * when the first differing units are a surrogate and a unit in U+E000–U+FFFF; that one case is
 * fixed up, so no string is decoded.
 */
export function compareCodePoints(a: string, b: string): -1 | 0 | 1 {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x !== y) {
      if (x >= 0xd800 && y >= 0xd800) {
        x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
        y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
      }
      return x < y ? -1 : 1;
    }
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

const UPPER_LATIN_RE = /[A-Z\uFF21-\uFF3A]/;
const UPPER_LATIN_G = /[A-Z\uFF21-\uFF3A]/g;

/**
 * `n.lower`: ASCII `A`–`Z` and full-width `Ａ`–`Ｚ` lower-cased; every other character unchanged
 * (locale-independent, unlike `toLowerCase`, which would also fold e.g. Greek or Turkish dotted I).
 */
export function lowerLatin(s: string): string {
  if (!UPPER_LATIN_RE.test(s)) return s;
  return s.replace(UPPER_LATIN_G, (c) => String.fromCharCode(c.charCodeAt(0) + 0x20));
}

/**
 * `n.trim`: `s` without leading and trailing white space as ECMAScript `String.prototype.trim`
 * defines it (Unicode `Zs`, line terminators, tab, BOM; so the ideographic space U+3000 too).
 */
export function trimSpace(s: string): string {
  return s.trim();
}
