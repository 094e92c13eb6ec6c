import { describe, expect, it } from "vitest";
import {
  civilFromDays,
  DAY,
  dayStart,
  daysFromCivil,
  formatDate,
  formatDateTime,
  formatRfc3339,
  HOUR,
  monthOf,
  naturalDaysBetween,
  parseTime,
  plusNaturalDays,
  prevMonthOf,
  resolveZone,
  SHANGHAI,
} from "../../src/value/time.js";

const t = (s: string) => parseTime(s, SHANGHAI) as number;

describe("zones", () => {
  it("supports fixed offsets only", () => {
    expect(resolveZone("Asia/Shanghai")?.offset).toBe(8 * HOUR);
    expect(resolveZone("UTC")?.label).toBe("+00:00");
    expect(resolveZone("-05:30")?.offset).toBe(-(5 * HOUR + 30 * 60_000));
    expect(resolveZone("Europe/Paris")).toBeNull();
    expect(resolveZone("America/New_York")).toBeNull();
    expect(resolveZone("+24:00")).toBeNull();
    expect(resolveZone("toString")).toBeNull();
  });
});

describe("n.time", () => {
  it.each([
    ["2022-03-01T23:50:00+08:00", Date.UTC(2022, 2, 1, 15, 50)],
    ["2022-03-01T15:50:00Z", Date.UTC(2022, 2, 1, 15, 50)],
    ["2022-03-01t15:50:00.1239z", Date.UTC(2022, 2, 1, 15, 50, 0, 123)],
    ["2022-03-01T10:50:00-05:00", Date.UTC(2022, 2, 1, 15, 50)],
    ["2022-03-01", Date.UTC(2022, 1, 28, 16)],
    ["2024-02-29", Date.UTC(2024, 1, 28, 16)],
    ["0001-01-01", Date.UTC(2000, 0, 1, 0) - 730119 * DAY - 8 * HOUR],
  ])("parses %s", (text, ms) => {
    expect(parseTime(text, SHANGHAI)).toBe(ms);
  });

  it.each([
    "2022-03-01T23:50:00",
    "2022-03-01T23:50+08:00",
    "2022-03-01 23:50:00+08:00",
    "2023-02-29",
    "2022-13-01",
    "2022-04-31T00:00:00Z",
    "2022-03-01T24:00:00Z",
    "2022-03-01T23:59:60Z",
    "2022-03-01T00:00:00+24:00",
    "22-03-01",
    "",
  ])("refuses %j", (text) => {
    expect(parseTime(text, SHANGHAI)).toBeNull();
  });

  it("refuses non-strings", () => {
    expect(parseTime(1646149800000, SHANGHAI)).toBeNull();
    expect(parseTime(null, SHANGHAI)).toBeNull();
  });
});

describe("civil days", () => {
  it("round-trips across centuries and leap years", () => {
    for (const [y, m, d] of [
      [1970, 1, 1],
      [2000, 2, 29],
      [1900, 3, 1],
      [2100, 12, 31],
      [1, 1, 1],
    ] as const) {
      expect(civilFromDays(daysFromCivil(y, m, d))).toEqual({ y, m, d });
    }
    expect(daysFromCivil(1970, 1, 1)).toBe(0);
  });
});

describe("natural days (FIL:33, 7个自然日)", () => {
  const notice = t("2022-03-01T23:50:00+08:00");
  const end = plusNaturalDays(notice, 7, SHANGHAI) as number;

  it("the window of a notice at 23:50 on 1 March ends at 00:00 on 9 March (+08:00)", () => {
    expect(formatRfc3339(end, SHANGHAI)).toBe("2022-03-09T00:00:00+08:00");
  });

  it("at the window's last second it has not ended; one second later it has", () => {
    const lastSecond = t("2022-03-08T23:59:59+08:00");
    const firstAfter = t("2022-03-09T00:00:00+08:00");
    expect(lastSecond >= end).toBe(false);
    expect(firstAfter >= end).toBe(true);
  });

  it("the 7×24 h reading (not chosen) would end at 23:50 on 8 March", () => {
    const hoursEnd = notice + 7 * 24 * HOUR;
    expect(formatRfc3339(hoursEnd, SHANGHAI)).toBe("2022-03-08T23:50:00+08:00");
    const lastSecond = t("2022-03-08T23:49:59+08:00");
    const firstAfter = t("2022-03-08T23:50:00+08:00");
    expect(lastSecond >= hoursEnd).toBe(false);
    expect(firstAfter >= hoursEnd).toBe(true);
    // Between the two ends the readings disagree: the chosen one says the window is still open.
    expect(firstAfter >= end).toBe(false);
  });

  it("counts from the day after the notice, in the zone, not in UTC", () => {
    // 00:10 on 2 March in Shanghai is still 1 March in UTC; the window still ends at 00:00 on 10 March.
    const early = t("2022-03-02T00:10:00+08:00");
    expect(formatRfc3339(plusNaturalDays(early, 7, SHANGHAI) as number, SHANGHAI)).toBe(
      "2022-03-10T00:00:00+08:00",
    );
    expect(plusNaturalDays(notice, 0, SHANGHAI)).toBe(t("2022-03-02"));
    expect(plusNaturalDays(notice, 1.5, SHANGHAI)).toBeNull();
    expect(plusNaturalDays(null, 7, SHANGHAI)).toBeNull();
  });

  it("n.natural_days_between counts calendar days in the zone, either way", () => {
    expect(naturalDaysBetween(notice, t("2022-03-09T00:00:00+08:00"), SHANGHAI)).toBe(8);
    expect(naturalDaysBetween(notice, t("2022-03-01T00:00:00+08:00"), SHANGHAI)).toBe(0);
    expect(naturalDaysBetween(t("2022-03-09"), notice, SHANGHAI)).toBe(-8);
    expect(naturalDaysBetween("x", notice, SHANGHAI)).toBeNull();
  });
});

describe("days and months", () => {
  it("n.day is midnight in the zone", () => {
    expect(dayStart(t("2022-03-01T23:50:00+08:00"), SHANGHAI)).toBe(t("2022-03-01"));
    expect(dayStart(t("2022-03-01T00:00:00+08:00"), SHANGHAI)).toBe(t("2022-03-01"));
    expect(dayStart(1.5, SHANGHAI)).toBeNull();
  });

  it("n.month and n.prev_month use the zone's calendar", () => {
    const lateUtc = t("2022-01-31T20:00:00Z"); // 1 February 04:00 in Shanghai
    expect(monthOf(lateUtc, SHANGHAI)).toBe("2022-02");
    expect(prevMonthOf(lateUtc, SHANGHAI)).toBe("2022-01");
    expect(prevMonthOf(t("2022-01-15"), SHANGHAI)).toBe("2021-12");
    expect(monthOf("2022-01", SHANGHAI)).toBeNull();
  });

  it("formats for people and for RFC 3339", () => {
    const x = t("2022-03-09T07:05:09.120+08:00");
    expect(formatDate(x, SHANGHAI)).toBe("2022-03-09");
    expect(formatDateTime(x, SHANGHAI)).toBe("2022-03-09 07:05:09 +08:00");
    expect(formatDateTime(t("2022-03-09"), SHANGHAI)).toBe("2022-03-09 00:00 +08:00");
    expect(formatRfc3339(x, SHANGHAI)).toBe("2022-03-09T07:05:09.120+08:00");
  });
});
