/**
 * Time literals at compile time. The policy zone is Asia/Shanghai, a fixed +08:00 since 1991, so a
 * zone-less date or date-time is read at +08:00.
 */
const ZONE_OFFSET_MS = 8 * 3_600_000;

/** Epoch milliseconds of 00:00 (+08:00) on a `YYYY-MM-DD` date. */
export function dateToMs(date: string): number {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d) - ZONE_OFFSET_MS;
}

/** Epoch milliseconds of an ISO date-time; without an offset it is read at +08:00. */
export function dateTimeToMs(value: string): number {
  const hasZone = /(?:[zZ]|[+-]\d\d:\d\d)$/.test(value);
  const withSeconds = /T\d\d:\d\d(?:[zZ]|[+-]|$)/.test(value)
    ? value.replace(/(T\d\d:\d\d)/, "$1:00")
    : value;
  return Date.parse(hasZone ? withSeconds : `${withSeconds}+08:00`);
}

/** The instant as RFC 3339 at +08:00, e.g. `2022-03-09T00:00:00+08:00`. */
export function msToRfc3339(ms: number): string {
  return new Date(ms + ZONE_OFFSET_MS).toISOString().replace(/\.\d{3}Z$/, "+08:00");
}
