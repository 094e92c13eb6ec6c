/**
 * Norma's static types, as the checker sees them.
 *
 * INVARIANT: types are immutable values; compare them with `sameType`, never with `===`.
 */

export type ScalarKind =
  "boolean" | "integer" | "decimal" | "percent" | "money" | "date" | "datetime" | "duration" | "string";

/**
 * A type. `fractional-money` is money × a rational before an explicit rounding (`floor`, `ceil`,
 * `round`, `trunc`) turns it back into whole fen; `natural-days` is a count of calendar days that
 * can only be added to a date or date-time; `lexicon` is a named word list; `error` stands where a
 * type could not be computed (a diagnostic was already reported, so no cascade follows).
 */
export type Type =
  | { kind: ScalarKind; optional?: boolean; enum?: readonly string[] }
  | { kind: "list"; element: Type; optional?: boolean }
  | { kind: "record"; fields: ReadonlyMap<string, Type>; optional?: boolean; open?: boolean }
  | { kind: "fractional-money"; optional?: boolean }
  | { kind: "natural-days"; optional?: boolean }
  | { kind: "lexicon"; optional?: boolean }
  | { kind: "absent"; optional?: boolean }
  | { kind: "error"; optional?: boolean };

export const T = {
  boolean: { kind: "boolean" } as Type,
  integer: { kind: "integer" } as Type,
  decimal: { kind: "decimal" } as Type,
  percent: { kind: "percent" } as Type,
  money: { kind: "money" } as Type,
  date: { kind: "date" } as Type,
  datetime: { kind: "datetime" } as Type,
  duration: { kind: "duration" } as Type,
  string: { kind: "string" } as Type,
  fractionalMoney: { kind: "fractional-money" } as Type,
  naturalDays: { kind: "natural-days" } as Type,
  lexicon: { kind: "lexicon" } as Type,
  absent: { kind: "absent", optional: true } as Type,
  error: { kind: "error" } as Type,
  list(element: Type): Type {
    return { kind: "list", element };
  },
};

/** The same type marked as possibly absent. */
export function optional(t: Type): Type {
  return t.optional ? t : { ...t, optional: true };
}

/** The same type known to be present. */
export function required(t: Type): Type {
  if (!t.optional) return t;
  const copy = { ...t };
  delete copy.optional;
  return copy;
}

/** Whether two types are the same, ignoring optionality and enum restrictions. */
export function sameType(a: Type, b: Type): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === "list" && b.kind === "list") return sameType(a.element, b.element);
  if (a.kind === "record" && b.kind === "record") {
    if (a.fields.size !== b.fields.size) return false;
    for (const [k, v] of a.fields) {
      const w = b.fields.get(k);
      if (!w || !sameType(v, w)) return false;
    }
  }
  return true;
}

/** Numeric kinds that are exact rationals at run time. */
export function isRational(t: Type): boolean {
  return t.kind === "decimal" || t.kind === "percent";
}

/** Numeric kinds of any representation. */
export function isNumeric(t: Type): boolean {
  return t.kind === "integer" || t.kind === "decimal" || t.kind === "percent" || t.kind === "money";
}

/** Instants (both are epoch milliseconds at run time). */
export function isTime(t: Type): boolean {
  return t.kind === "date" || t.kind === "datetime";
}

/** How a type reads in a diagnostic: `money`, `list of string`, `string?`. */
export function showType(t: Type): string {
  let s: string;
  switch (t.kind) {
    case "list":
      s = `list of ${showType(t.element)}`;
      break;
    case "record":
      s = `{ ${[...t.fields].map(([k, v]) => `${k}: ${showType(v)}`).join(", ")} }`;
      if (s.length > 60) s = "record";
      break;
    case "fractional-money":
      s = "money with a fraction of a fen";
      break;
    case "natural-days":
      s = "natural days";
      break;
    case "absent":
      return "absent";
    default:
      s = t.kind;
  }
  return t.optional ? `${s}?` : s;
}

/** The common type of two branches (`if`, `??`, list items), or null when they do not agree. */
export function joinTypes(a: Type, b: Type): Type | null {
  if (a.kind === "error") return b;
  if (b.kind === "error") return a;
  if (a.kind === "absent") return optional(b);
  if (b.kind === "absent") return optional(a);
  const opt = a.optional || b.optional;
  // an empty list literal (`[]`, a list of `error`) takes the other side's element type
  if (a.kind === "list" && b.kind === "list") {
    if (b.element.kind === "error") return opt ? optional(required(a)) : required(a);
    if (a.element.kind === "error") return opt ? optional(required(b)) : required(b);
  }
  if (sameType(a, b)) {
    const base = a.kind === "list" || a.kind === "record" ? a : { kind: a.kind };
    return opt ? optional(base as Type) : required(base as Type);
  }
  if (isRational(a) && isRational(b)) return opt ? optional(T.decimal) : T.decimal;
  if (isRational(a) && b.kind === "integer") return opt ? optional(a) : required(a);
  if (isRational(b) && a.kind === "integer") return opt ? optional(b) : required(b);
  if (isTime(a) && isTime(b)) return opt ? optional(T.datetime) : T.datetime;
  return null;
}
