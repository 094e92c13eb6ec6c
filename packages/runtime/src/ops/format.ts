/**
 * `n.fmt`: values as people read them in messages and in decisions' `display` fields.
 */
import {
  formatRational,
  isRational,
  numberToRational,
  Rational,
  digitsWithPoint,
} from "../value/rational.js";
import { DAY, formatDate, formatDateTime, HOUR, MINUTE, SECOND, type Zone } from "../value/time.js";

/** The type names `n.fmt` understands (a trailing `?` and `list of T` are accepted too). */
export const FORMAT_TYPES: readonly string[] = [
  "boolean",
  "string",
  "integer",
  "money",
  "decimal",
  "percent",
  "date",
  "datetime",
  "duration",
  "list",
];

/** True when `type` is a type name `n.fmt` can render (`money`, `integer?`, `list of date`, …). */
export function isFormatType(type: unknown): type is string {
  if (typeof type !== "string") return false;
  let t = type.endsWith("?") ? type.slice(0, -1) : type;
  while (t.startsWith("list of ")) t = t.slice("list of ".length);
  return FORMAT_TYPES.includes(t) || t.startsWith("{");
}

/** `1234567` as `1,234,567` (digits only). */
function groupThousands(digits: string): string {
  const n = digits.length;
  if (n <= 3) return digits;
  let out = digits.slice(0, ((n - 1) % 3) + 1);
  for (let i = out.length; i < n; i += 3) out += `,${digits.slice(i, i + 3)}`;
  return out;
}

/** Integer fen as `¥12,345.60` (`-¥0.05` below zero); `null` unless a safe integer. */
export function formatMoney(fen: unknown): string | null {
  if (!Number.isSafeInteger(fen)) return null;
  const f = fen as number;
  const a = Math.abs(f);
  const yuan = Math.floor(a / 100);
  const cents = a % 100;
  return `${f < 0 ? "-" : ""}¥${groupThousands(String(yuan))}.${cents < 10 ? "0" : ""}${cents}`;
}

/**
 * A decimal rational as digits: exact when it terminates within `places` decimals, else rounded
 * half-even to `places` (trailing zeros removed).
 */
function formatDecimal(r: Rational, places: number): string {
  const exact = formatRational(r, places);
  if (exact !== null) return exact;
  const n = r.bn;
  const d = r.bd;
  const neg = n < 0n;
  const scaled = (neg ? -n : n) * 10n ** BigInt(places);
  let q = scaled / d;
  const rem = scaled % d;
  if (2n * rem > d || (2n * rem === d && q % 2n === 1n)) q += 1n;
  return digitsWithPoint(neg, q, places);
}

/** A percent rational (`1/10`) as `10%`; up to 4 decimals of a percent. */
export function formatPercent(value: unknown): string | null {
  const r = numberToRational(value);
  if (r === null) return null;
  return `${formatDecimal(Rational.big(r.bn * 100n, r.bd) as Rational, 4)}%`;
}

const DURATION_UNITS: Array<[number, string]> = [
  [DAY, "天"],
  [HOUR, "小时"],
  [MINUTE, "分钟"],
  [SECOND, "秒"],
  [1, "毫秒"],
];

/** Milliseconds as `7天`, `1天2小时`, `30分钟` (largest units first, zero parts left out). */
export function formatDuration(ms: unknown): string | null {
  if (!Number.isSafeInteger(ms)) return null;
  let rest = Math.abs(ms as number);
  if (rest === 0) return "0秒";
  const out: string[] = [];
  for (const [size, unit] of DURATION_UNITS) {
    const k = Math.floor(rest / size);
    if (k > 0) {
      out.push(`${k}${unit}`);
      rest -= k * size;
    }
  }
  return ((ms as number) < 0 ? "-" : "") + out.join("");
}

function formatPlain(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "boolean") return value ? "是" : "否";
  if (isRational(value)) return formatDecimal(value, 6);
  if (Array.isArray(value)) {
    let out = "";
    for (let i = 0; i < value.length; i++) out += (i === 0 ? "" : "、") + formatPlain(value[i]);
    return out;
  }
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return String(value);
  return JSON.stringify(value) ?? "";
}

/** The renderer of each type name (after `?` and `list of` are taken off); `value` is not null. */
const RENDERERS: Readonly<Record<string, (value: unknown, zone: Zone) => string | null>> = {
  money: (v) => formatMoney(v),
  percent: (v) => formatPercent(v),
  decimal: (v) => {
    const r = numberToRational(v);
    return r === null ? null : formatDecimal(r, 6);
  },
  integer: (v) => (Number.isSafeInteger(v) ? String(v) : null),
  date: (v, zone) => (Number.isSafeInteger(v) ? formatDate(v as number, zone) : null),
  datetime: (v, zone) => (Number.isSafeInteger(v) ? formatDateTime(v as number, zone) : null),
  duration: (v) => formatDuration(v),
  boolean: (v) => (typeof v === "boolean" ? formatPlain(v) : null),
  string: (v) => (typeof v === "string" ? v : null),
  list: (v) => (Array.isArray(v) ? formatPlain(v) : null),
};

/**
 * The renderer of `type` (see {@link formatValue}), chosen once: a decision's `display` and an
 * `n.fmt` with a constant type do not read the type name again for every value.
 * `formatterFor(type, zone)(value)` is `formatValue(value, type, zone)`.
 */
export function formatterFor(type: unknown, zone: Zone): (value: unknown) => string | null {
  if (typeof type !== "string") return () => null;
  const t = type.endsWith("?") ? type.slice(0, -1) : type;
  if (t.startsWith("list of ")) {
    const item = formatterFor(t.slice("list of ".length), zone);
    return (value) => {
      if (!Array.isArray(value)) return null;
      const items: string[] = [];
      for (const x of value) items.push(item(x) ?? "");
      return items.join("、");
    };
  }
  const render = Object.prototype.hasOwnProperty.call(RENDERERS, t) ? RENDERERS[t] : undefined;
  if (render === undefined)
    return (value) => (value === null || value === undefined ? null : formatPlain(value));
  return (value) => (value === null || value === undefined ? null : render(value, zone));
}

/**
 * `n.fmt(value, type)`: the value as people read it. `money` `¥12,345.60`; `percent` `10%`;
 * `decimal` up to 6 decimals; `integer` plain digits; `date` `2022-03-09`; `datetime`
 * `2022-03-09 00:00 +08:00`; `duration` `7天`; `boolean` `是`/`否`; `list`/`list of T` items
 * joined with `、`. `null` when `value` is `null` or does not have the type.
 */
export function formatValue(value: unknown, type: unknown, zone: Zone): string | null {
  return formatterFor(type, zone)(value);
}
