/**
 * Instants, calendar days and natural days in the bundle's zone.
 *
 * Instants are epoch milliseconds. Only fixed-offset zones are supported: `Asia/Shanghai` has been
 * UTC+08:00 without daylight saving since 1991-09-15, so a fixed offset is exact for every date the
 * policies speak about. Civil dates are computed with integer arithmetic (Hinnant's
 * days-from-civil), never through `Date`, so there is no two-digit-year or host-zone surprise.
 */

/** A millisecond. */
export const SECOND = 1000;
/** Milliseconds in a minute. */
export const MINUTE = 60 * SECOND;
/** Milliseconds in an hour. */
export const HOUR = 60 * MINUTE;
/** Milliseconds in a (24-hour) day. */
export const DAY = 24 * HOUR;

/** A fixed-offset zone: `offset` is added to UTC to get local time. */
export interface Zone {
  /** The name as the bundle gave it (`Asia/Shanghai`). */
  name: string;
  /** Milliseconds east of UTC (`+08:00` is 28 800 000). */
  offset: number;
  /** The offset as RFC 3339 writes it (`+08:00`). */
  label: string;
}

const NAMED_ZONES: Record<string, number> = {
  "Asia/Shanghai": 8 * HOUR,
  UTC: 0,
  "Etc/UTC": 0,
};

const OFFSET_RE = /^([+-])(\d{2}):(\d{2})$/;

function offsetLabel(offset: number): string {
  const sign = offset < 0 ? "-" : "+";
  const a = Math.abs(offset) / MINUTE;
  return `${sign}${pad2(Math.floor(a / 60))}:${pad2(a % 60)}`;
}

/**
 * The zone named `name`: `Asia/Shanghai` (+08:00), `UTC`, `Etc/UTC`, or a fixed offset `±HH:MM`.
 * Any other name gives `null`: zones with daylight saving or historical offset changes are not
 * supported, so a bundle naming one is refused at load rather than evaluated wrongly.
 */
export function resolveZone(name: string): Zone | null {
  const named = Object.prototype.hasOwnProperty.call(NAMED_ZONES, name) ? NAMED_ZONES[name] : undefined;
  if (named !== undefined) return { name, offset: named, label: offsetLabel(named) };
  const m = OFFSET_RE.exec(name);
  if (!m) return null;
  const h = Number(m[2]);
  const mi = Number(m[3]);
  if (h > 23 || mi > 59) return null;
  const offset = (m[1] === "-" ? -1 : 1) * (h * HOUR + mi * MINUTE);
  return { name, offset, label: offsetLabel(offset) };
}

/** The zone every bundle uses today. */
export const SHANGHAI: Zone = resolveZone("Asia/Shanghai") as Zone;

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function pad(n: number, width: number): string {
  const s = String(Math.abs(n)).padStart(width, "0");
  return n < 0 ? `-${s}` : s;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (month 1–12). */
export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The proleptic Gregorian date of a day number (inverse of `daysFromCivil`). */
export function civilFromDays(z: number): { y: number; m: number; d: number } {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return { y: yoe + era * 400 + (m <= 2 ? 1 : 0), m, d };
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME_RE =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/**
 * `n.time`: the instant of an RFC 3339 date-time with an offset
 * (`2022-03-01T23:50:00+08:00`, fractional seconds truncated to milliseconds), or of a date
 * `YYYY-MM-DD` at 00:00 in `zone`. Anything else, including leap second 60 and impossible dates
 * (`2023-02-29`), gives `null`.
 */
export function parseTime(text: unknown, zone: Zone): number | null {
  if (typeof text !== "string" || text.length > 40) return null;
  let m = DATE_RE.exec(text);
  if (m) {
    const y = Number(m[1]);
    const mo = Number(m[2]);
    const d = Number(m[3]);
    if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return null;
    return daysFromCivil(y, mo, d) * DAY - zone.offset;
  }
  m = DATETIME_RE.exec(text);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const h = Number(m[4]);
  const mi = Number(m[5]);
  const s = Number(m[6]);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 59) return null;
  let offset = 0;
  if (m[8] === undefined) {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 23 || om > 59) return null;
    offset = (m[9] === "-" ? -1 : 1) * (oh * HOUR + om * MINUTE);
  }
  const ms = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, "0"));
  return daysFromCivil(y, mo, d) * DAY + h * HOUR + mi * MINUTE + s * SECOND + ms - offset;
}

/** True when `t` can be an instant: a safe integer. */
export function isInstant(t: unknown): t is number {
  return Number.isSafeInteger(t);
}

/** The local day number (days since 1970-01-01 in `zone`) of instant `t`. */
export function localDay(t: number, zone: Zone): number {
  return Math.floor((t + zone.offset) / DAY);
}

/** `n.day`: 00:00 in `zone` of the calendar day of `t`; `null` when `t` is not an instant. */
export function dayStart(t: unknown, zone: Zone): number | null {
  if (!isInstant(t)) return null;
  return localDay(t, zone) * DAY - zone.offset;
}

/**
 * `n.plus_natural_days`: 00:00 in `zone` of the day `n + 1` calendar days after the day of `t`, the
 * end of the `n`-th natural day when the day of `t` itself is not counted (civil-code counting: a
 * period in days starts on the next day). A notice at 2022-03-01T23:50+08:00 plus 7 natural days is
 * 2022-03-09T00:00+08:00. `null` when `t` is not an instant or `n` not a safe integer.
 */
export function plusNaturalDays(t: unknown, n: unknown, zone: Zone): number | null {
  if (!isInstant(t) || !Number.isSafeInteger(n)) return null;
  const out = (localDay(t, zone) + (n as number) + 1) * DAY - zone.offset;
  return Number.isSafeInteger(out) ? out : null;
}

/** `n.natural_days_between`: calendar days from the day of `a` to the day of `b` in `zone` (may be negative). */
export function naturalDaysBetween(a: unknown, b: unknown, zone: Zone): number | null {
  if (!isInstant(a) || !isInstant(b)) return null;
  return localDay(b, zone) - localDay(a, zone) + 0;
}

/** `n.month`: `YYYY-MM` of the month of `t` in `zone`. */
export function monthOf(t: unknown, zone: Zone): string | null {
  if (!isInstant(t)) return null;
  const c = civilFromDays(localDay(t, zone));
  return `${pad(c.y, 4)}-${pad2(c.m)}`;
}

/** `n.prev_month`: `YYYY-MM` of the month before the month of `t` in `zone` (the last full month). */
export function prevMonthOf(t: unknown, zone: Zone): string | null {
  if (!isInstant(t)) return null;
  const c = civilFromDays(localDay(t, zone));
  return c.m === 1 ? `${pad(c.y - 1, 4)}-12` : `${pad(c.y, 4)}-${pad2(c.m - 1)}`;
}

function parts(t: number, zone: Zone) {
  const local = t + zone.offset;
  const day = Math.floor(local / DAY);
  const inDay = local - day * DAY;
  const c = civilFromDays(day);
  // Fields listed, not spread: a spread here was most of the cost of formatting an instant.
  return {
    y: c.y,
    m: c.m,
    d: c.d,
    hh: Math.floor(inDay / HOUR),
    mm: Math.floor((inDay % HOUR) / MINUTE),
    ss: Math.floor((inDay % MINUTE) / SECOND),
    ms: inDay % SECOND,
  };
}

/** `YYYY-MM-DD` of instant `t` in `zone`. */
export function formatDate(t: number, zone: Zone): string {
  const p = parts(t, zone);
  return `${pad(p.y, 4)}-${pad2(p.m)}-${pad2(p.d)}`;
}

/** `YYYY-MM-DD HH:mm +08:00` (seconds shown only when not zero), for people. */
export function formatDateTime(t: number, zone: Zone): string {
  const p = parts(t, zone);
  const secs = p.ss !== 0 || p.ms !== 0 ? `:${pad2(p.ss)}` : "";
  return `${pad(p.y, 4)}-${pad2(p.m)}-${pad2(p.d)} ${pad2(p.hh)}:${pad2(p.mm)}${secs} ${zone.label}`;
}

/** RFC 3339 in `zone`: `2022-03-09T00:00:00+08:00` (milliseconds shown only when not zero). */
export function formatRfc3339(t: number, zone: Zone): string {
  const p = parts(t, zone);
  const ms = p.ms !== 0 ? `.${String(p.ms).padStart(3, "0")}` : "";
  return `${pad(p.y, 4)}-${pad2(p.m)}-${pad2(p.d)}T${pad2(p.hh)}:${pad2(p.mm)}:${pad2(p.ss)}${ms}${zone.label}`;
}
