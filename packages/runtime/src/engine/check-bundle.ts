/**
 * Checks that a value is a well-formed bundle before anything is compiled, reporting every problem
 * with a JSON pointer into the bundle. A bundle that passes (no error diagnostics) can be compiled
 * and evaluated without the runtime meeting a shape it does not expect.
 *
 * Codes (stable): `load/syntax`, `load/too-deep`, `load/shape`, `load/format`, `load/zone`,
 * `load/hash`, `load/duplicate`, `load/effective`, `load/param-overlap`, `load/unknown-operation`,
 * `load/arity`, `load/argument`, `load/bind-name`, `load/unbound-name`, `load/unknown-param`,
 * `load/unknown-lexicon`, `load/lexicon`, `load/span`, `load/object-literal`, `load/param-value`.
 */
import micromatch from "micromatch";
import { CMP_OPERATORS, CUSTOM_OP_ARITY, GLOB_OPTIONS, isCustomOp } from "../ops/custom.js";
import { isFormatType } from "../ops/format.js";
import { decFromParts, isRoundingMode } from "../value/rational.js";
import { parseTime, resolveZone, SHANGHAI } from "../value/time.js";
import { escapePointer } from "../fast/compile.js";
import { STANDARD_OPS } from "../fast/std-ops.js";
import { letOfSpan } from "./explain.js";

/** One problem with a bundle. Message style: lowercase, no final period, user input in backticks. */
export interface LoadDiagnostic {
  /** Stable code, `load/…` (listed in the module comment of `check-bundle.ts` and in `docs/ir.md`). */
  code: string;
  severity: "error" | "warning";
  message: string;
  /** JSON pointer into the bundle (`""`: the whole bundle). */
  pointer: string;
  help?: string;
}

export { STANDARD_OPS };

const STANDARD = new Set(STANDARD_OPS);
const QUANTIFIERS = new Set(["some", "all", "none", "filter", "map"]);
const RESERVED_BIND = new Set(["$asOf", "$p", "$lex"]);
const EFFECT_KINDS = new Set(["reject", "require", "allow", "flag", "advise", "assess"]);
const HASH_RE = /^sha256:[0-9a-f]{64}$/;

/** The largest nesting a bundle may have (logic trees from the compiler stay far below). */
export const MAX_BUNDLE_DEPTH = 256;

function levenshtein(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0] as number;
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j] as number;
      dp[j] = Math.min(
        (dp[j] as number) + 1,
        (dp[j - 1] as number) + 1,
        prev + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      prev = tmp;
    }
  }
  return dp[b.length] as number;
}

function suggest(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = levenshtein(name, c);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best !== undefined && bestD <= Math.max(1, Math.floor(name.length / 3))
    ? `did you mean \`${best}\`?`
    : undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isLogicNode(v: unknown): v is Record<string, unknown> {
  return isObject(v) && Object.keys(v).length === 1;
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "an object";
  if (typeof v === "string") return `the string \`${v.length > 40 ? v.slice(0, 39) + "…" : v}\``;
  return `\`${String(v)}\``;
}

interface LogicScope {
  bound: readonly string[];
}

/** Collects the diagnostics of one bundle check. */
class BundleChecker {
  readonly diagnostics: LoadDiagnostic[] = [];
  private params = new Set<string>();
  private lexicons = new Set<string>();

  error(pointer: string, code: string, message: string, help?: string): void {
    this.diagnostics.push(
      help === undefined
        ? { code, severity: "error", message, pointer }
        : { code, severity: "error", message, pointer, help },
    );
  }

  warning(pointer: string, code: string, message: string, help?: string): void {
    this.diagnostics.push(
      help === undefined
        ? { code, severity: "warning", message, pointer }
        : { code, severity: "warning", message, pointer, help },
    );
  }

  private expect(ok: boolean, pointer: string, what: string, v: unknown): boolean {
    if (!ok) this.error(pointer, "load/shape", `expected ${what}, found ${describe(v)}`);
    return ok;
  }

  private string(o: Record<string, unknown>, key: string, ptr: string, nullable = false): boolean {
    const v = o[key];
    return this.expect(
      typeof v === "string" || (nullable && v === null),
      `${ptr}/${key}`,
      nullable ? "a string or null" : "a string",
      v,
    );
  }

  private stringList(o: Record<string, unknown>, key: string, ptr: string): void {
    const v = o[key];
    if (!this.expect(Array.isArray(v), `${ptr}/${key}`, "a list of strings", v)) return;
    (v as unknown[]).forEach((s, i) =>
      this.expect(typeof s === "string", `${ptr}/${key}/${i}`, "a string", s),
    );
  }

  private citations(o: Record<string, unknown>, ptr: string): void {
    const v = o.citations;
    const p = `${ptr}/citations`;
    if (!this.expect(Array.isArray(v), p, "a list of citations", v)) return;
    (v as unknown[]).forEach((c, i) => {
      const cp = `${p}/${i}`;
      if (!this.expect(isObject(c), cp, "a citation `{source, line, quote}`", c)) return;
      const cit = c as Record<string, unknown>;
      this.string(cit, "source", cp);
      this.string(cit, "quote", cp);
      this.expect(
        Number.isSafeInteger(cit.line) && (cit.line as number) >= 1,
        `${cp}/line`,
        "a line number (1 or more)",
        cit.line,
      );
    });
  }

  private effective(o: Record<string, unknown>, ptr: string): void {
    const e = o.effective;
    const p = `${ptr}/effective`;
    if (!this.expect(isObject(e), p, "an effective window `{from, until}`", e)) return;
    const w = e as Record<string, unknown>;
    const ok = (x: unknown) => x === null || Number.isSafeInteger(x);
    this.expect(ok(w.from), `${p}/from`, "epoch milliseconds or null", w.from);
    this.expect(ok(w.until), `${p}/until`, "epoch milliseconds or null", w.until);
    if (typeof w.from === "number" && typeof w.until === "number" && !(w.from < w.until)) {
      this.error(p, "load/effective", "the effective window is empty: `from` is not before `until`");
    }
  }

  check(b: unknown): void {
    if (!isObject(b)) {
      this.error("", "load/shape", `expected a bundle object, found ${describe(b)}`);
      return;
    }
    if (b.format !== "norma-bundle/1") {
      this.error(
        "/format",
        "load/format",
        `unknown bundle format ${describe(b.format)}`,
        "this runtime reads `norma-bundle/1`",
      );
    }
    if (typeof b.hash !== "string" || !HASH_RE.test(b.hash)) {
      this.error(
        "/hash",
        "load/hash",
        `expected \`sha256:\` and 64 lowercase hex digits, found ${describe(b.hash)}`,
      );
    }
    if (typeof b.zone !== "string")
      this.error("/zone", "load/zone", `expected a zone name, found ${describe(b.zone)}`);
    else if (resolveZone(b.zone) === null) {
      this.error(
        "/zone",
        "load/zone",
        `zone \`${b.zone}\` is not supported`,
        "the runtime implements fixed-offset zones only: `Asia/Shanghai` (+08:00 since 1991), `UTC`, or an offset like `+08:00`",
      );
    }
    this.policies(b.policies);
    this.lexiconTable(b.lexicons);
    this.paramTable(b.params);
    this.ruleTable(b.rules, b.policies);
    this.spanTable(b.spans);
  }

  private policies(v: unknown): void {
    if (!this.expect(Array.isArray(v), "/policies", "a list of policies", v)) return;
    const ids = new Set<string>();
    (v as unknown[]).forEach((p, i) => {
      const ptr = `/policies/${i}`;
      if (!this.expect(isObject(p), ptr, "a policy object", p)) return;
      const pol = p as Record<string, unknown>;
      if (this.string(pol, "id", ptr)) {
        if (ids.has(pol.id as string))
          this.error(`${ptr}/id`, "load/duplicate", `policy \`${pol.id as string}\` appears twice`);
        ids.add(pol.id as string);
      }
      this.string(pol, "title", ptr);
      this.string(pol, "file", ptr);
      this.string(pol, "schema", ptr);
      this.expect(Array.isArray(pol.sources), `${ptr}/sources`, "a list of sources", pol.sources);
    });
  }

  private lexiconTable(v: unknown): void {
    if (!this.expect(isObject(v), "/lexicons", "an object of lexicons", v)) return;
    for (const [name, words] of Object.entries(v as Record<string, unknown>)) {
      const ptr = `/lexicons/${escapePointer(name)}`;
      this.lexicons.add(name);
      if (!this.expect(Array.isArray(words), ptr, "a list of words", words)) continue;
      (words as unknown[]).forEach((w, i) => {
        if (typeof w !== "string" || w === "")
          this.error(
            `${ptr}/${i}`,
            "load/lexicon",
            `a lexicon word must be a non-empty string, found ${describe(w)}`,
          );
      });
    }
  }

  private paramTable(v: unknown): void {
    if (!this.expect(Array.isArray(v), "/params", "a list of parameters", v)) return;
    const list = v as unknown[];
    list.forEach((p) => {
      if (isObject(p) && typeof p.name === "string") this.params.add(p.name);
    });
    const seen = new Set<string>();
    list.forEach((p, i) => {
      const ptr = `/params/${i}`;
      if (!this.expect(isObject(p), ptr, "a parameter object", p)) return;
      const par = p as Record<string, unknown>;
      if (this.string(par, "name", ptr)) {
        if (seen.has(par.name as string))
          this.error(`${ptr}/name`, "load/duplicate", `parameter \`${par.name as string}\` appears twice`);
        seen.add(par.name as string);
      }
      this.string(par, "type", ptr);
      if (!this.expect(Array.isArray(par.versions), `${ptr}/versions`, "a list of versions", par.versions))
        return;
      const windows: Array<{ from: number; until: number; i: number }> = [];
      (par.versions as unknown[]).forEach((ver, j) => {
        const vp = `${ptr}/versions/${j}`;
        if (!this.expect(isObject(ver), vp, "a parameter version `{effective, value, citations}`", ver))
          return;
        const vv = ver as Record<string, unknown>;
        this.effective(vv, vp);
        this.citations(vv, vp);
        this.logic(vv.value, `${vp}/value`, { bound: [] });
        const e = vv.effective as Record<string, unknown> | undefined;
        if (isObject(e)) {
          const from = typeof e.from === "number" ? e.from : -Infinity;
          const until = typeof e.until === "number" ? e.until : Infinity;
          windows.push({ from, until, i: j });
        }
      });
      windows.sort((a, b) => a.from - b.from);
      for (let k = 1; k < windows.length; k++) {
        const a = windows[k - 1] as { from: number; until: number; i: number };
        const c = windows[k] as { from: number; until: number; i: number };
        if (c.from < a.until) {
          this.error(
            `${ptr}/versions/${c.i}/effective`,
            "load/param-overlap",
            `versions ${a.i} and ${c.i} of parameter \`${String(par.name)}\` are both in force at some instant`,
            "at most one version may be in force at any instant",
          );
        }
      }
    });
  }

  private effect(v: unknown, ptr: string, bound: readonly string[]): void {
    if (!this.expect(isObject(v), ptr, "an effect object", v)) return;
    const e = v as Record<string, unknown>;
    if (typeof e.kind !== "string" || !EFFECT_KINDS.has(e.kind)) {
      this.error(
        `${ptr}/kind`,
        "load/shape",
        `unknown effect ${describe(e.kind)}`,
        "effects are `reject`, `require`, `allow`, `flag`, `advise`, `assess`",
      );
    }
    this.string(e, "label", ptr);
    this.string(e, "valueType", ptr, true);
    if (e.value !== null) this.logic(e.value, `${ptr}/value`, { bound });
    else if (e.kind === "assess")
      this.error(`${ptr}/value`, "load/shape", "an `assess` effect needs a value");
    if (e.message !== null) this.logic(e.message, `${ptr}/message`, { bound });
  }

  private ruleTable(v: unknown, policies: unknown): void {
    if (!this.expect(Array.isArray(v), "/rules", "a list of rules", v)) return;
    const policyIds = new Set(
      Array.isArray(policies)
        ? policies
            .filter(isObject)
            .map((p) => p.id)
            .filter((id): id is string => typeof id === "string")
        : [],
    );
    const ids = new Set<string>();
    (v as unknown[]).forEach((r, i) => {
      const ptr = `/rules/${i}`;
      if (!this.expect(isObject(r), ptr, "a rule object", r)) return;
      const rule = r as Record<string, unknown>;
      if (this.string(rule, "id", ptr)) {
        const id = rule.id as string;
        if (id === "") this.error(`${ptr}/id`, "load/shape", "a rule id must not be empty");
        if (ids.has(id)) this.error(`${ptr}/id`, "load/duplicate", `rule \`${id}\` appears twice`);
        ids.add(id);
      }
      this.string(rule, "title", ptr, true);
      if (this.string(rule, "policy", ptr) && !policyIds.has(rule.policy as string)) {
        this.warning(
          `${ptr}/policy`,
          "load/shape",
          `rule names policy \`${rule.policy as string}\`, which the bundle does not list`,
        );
      }
      this.stringList(rule, "norms", ptr);
      this.citations(rule, ptr);
      this.effective(rule, ptr);
      this.logic(rule.when, `${ptr}/when`, { bound: [] });
      this.effect(rule.effect, `${ptr}/effect`, []);
      if (
        !this.expect(
          Array.isArray(rule.exceptions),
          `${ptr}/exceptions`,
          "a list of exceptions",
          rule.exceptions,
        )
      )
        return;
      (rule.exceptions as unknown[]).forEach((x, j) => {
        const xp = `${ptr}/exceptions/${j}`;
        if (!this.expect(isObject(x), xp, "an exception object", x)) return;
        const ex = x as Record<string, unknown>;
        if (this.string(ex, "id", xp)) {
          if (ids.has(ex.id as string))
            this.error(`${xp}/id`, "load/duplicate", `id \`${ex.id as string}\` appears twice`);
          ids.add(ex.id as string);
        }
        this.string(ex, "title", xp, true);
        this.stringList(ex, "norms", xp);
        this.citations(ex, xp);
        this.logic(ex.when, `${xp}/when`, { bound: [] });
        if (ex.effect !== null) this.effect(ex.effect, `${xp}/effect`, []);
      });
    });
  }

  private spanTable(v: unknown): void {
    if (v === undefined) return;
    if (!this.expect(isObject(v), "/spans", "an object of spans", v)) return;
    for (const [key, span] of Object.entries(v as Record<string, unknown>)) {
      const s = span as Record<string, unknown>;
      const ok =
        isObject(span) &&
        typeof s.file === "string" &&
        typeof s.text === "string" &&
        [s.start, s.end, s.line, s.column].every((n) => Number.isSafeInteger(n)) &&
        (s.let === undefined || letOfSpan(s) !== null);
      if (!ok) this.warning(`/spans/${escapePointer(key)}`, "load/span", "malformed span (ignored)");
    }
  }

  /** Checks one logic tree; `bound` holds the names bound by enclosing `n.bind` quantifiers. */
  logic(v: unknown, ptr: string, s: LogicScope): void {
    if (v === null || typeof v === "string" || typeof v === "boolean") return;
    if (typeof v === "number") {
      if (!Number.isFinite(v)) this.error(ptr, "load/shape", "numbers in a bundle must be finite");
      return;
    }
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) this.logic(v[i], `${ptr}/${i}`, s);
      return;
    }
    if (typeof v !== "object") {
      this.error(ptr, "load/shape", `a bundle holds JSON only, found ${typeof v}`);
      return;
    }
    const keys = Object.keys(v);
    if (keys.length !== 1) {
      this.warning(
        ptr,
        "load/object-literal",
        `an object with ${keys.length} keys is a literal in JSON Logic, not an operation`,
      );
      for (const k of keys) this.logic((v as Record<string, unknown>)[k], `${ptr}/${escapePointer(k)}`, s);
      return;
    }
    const op = keys[0] as string;
    const raw = (v as Record<string, unknown>)[op];
    const args = Array.isArray(raw) ? raw : [raw];
    const opPtr = `${ptr}/${escapePointer(op)}`;
    const ap = Array.isArray(raw) ? (i: number) => `${opPtr}/${i}` : () => opPtr;
    if (!STANDARD.has(op) && !isCustomOp(op)) {
      this.error(
        ptr,
        "load/unknown-operation",
        `unknown operation \`${op}\``,
        suggest(op, [...STANDARD, ...Object.keys(CUSTOM_OP_ARITY)]),
      );
      return;
    }
    if (isCustomOp(op)) {
      const [min, max] = CUSTOM_OP_ARITY[op] as readonly [number, number];
      if (args.length < min || args.length > max) {
        const want = min === max ? `${min}` : max > 1000 ? `at least ${min}` : `${min} to ${max}`;
        this.error(
          ptr,
          "load/arity",
          `\`${op}\` takes ${want} argument${min === 1 && max === 1 ? "" : "s"}, found ${args.length}`,
        );
      }
    }
    if (QUANTIFIERS.has(op)) {
      const bind = bindOf(args[0]);
      const filterBind =
        op === "map" && isLogicNode(args[0]) && Array.isArray(args[0].filter)
          ? bindOf(args[0].filter[0])
          : null;
      this.logic(args[0], ap(0), s);
      const name = bind?.name ?? filterBind?.name ?? null;
      const inner = name !== null ? { bound: [...s.bound, name] } : { bound: [] };
      for (let i = 1; i < args.length; i++) this.logic(args[i], ap(i), i === 1 ? inner : s);
      return;
    }
    for (let i = op === "var" ? 1 : 0; i < args.length; i++) this.logic(args[i], ap(i), s);
    if (op === "var" || op.startsWith("n.")) this.constants(op, args, ap, ptr, s);
  }

  private constants(
    op: string,
    args: unknown[],
    ap: (i: number) => string,
    ptr: string,
    s: LogicScope,
  ): void {
    const c = (i: number): unknown => args[i];
    switch (op) {
      case "var": {
        const path = c(0);
        if (isLogicNode(path) || Array.isArray(path)) this.logic(path, ap(0), s);
        if (typeof path !== "string" || !path.startsWith("$")) return;
        const [first, second] = path.split(".");
        if (first === "$asOf") return;
        if (first === "$p") {
          if (second === undefined || !this.params.has(second)) {
            this.error(
              ap(0),
              "load/unknown-param",
              `no parameter \`${second ?? ""}\` in the bundle`,
              suggest(second ?? "", this.params),
            );
          }
          return;
        }
        if (first === "$lex") {
          if (second === undefined || !this.lexicons.has(second)) {
            this.error(
              ap(0),
              "load/unknown-lexicon",
              `no lexicon \`${second ?? ""}\` in the bundle`,
              suggest(second ?? "", this.lexicons),
            );
          }
          return;
        }
        if (!s.bound.includes(first as string)) {
          this.error(
            ap(0),
            "load/unbound-name",
            `\`${first as string}\` is not bound here`,
            "a `$` name is `$asOf`, `$p.<param>`, `$lex.<lexicon>` or a variable bound by an enclosing `n.bind`",
          );
        }
        return;
      }
      case "n.bind": {
        const name = c(0);
        if (typeof name !== "string" || !name.startsWith("$") || name.length < 2) {
          this.error(
            ap(0),
            "load/bind-name",
            `a bound name is a constant string starting with \`$\`, found ${describe(name)}`,
          );
        } else if (RESERVED_BIND.has(name)) {
          this.error(
            ap(0),
            "load/bind-name",
            `\`${name}\` is reserved`,
            "rename the variable (the compiler must not bind `$asOf`, `$p` or `$lex`)",
          );
        }
        return;
      }
      case "n.round":
        if (isConst(c(1)) && !isRoundingMode(c(1))) this.badMode(ap(1), c(1));
        return;
      case "n.mulr":
        if (isConst(c(2)) && !isRoundingMode(c(2))) this.badMode(ap(2), c(2));
        return;
      case "n.sum":
        if (isConst(c(1)) && c(1) !== "int" && c(1) !== "dec") {
          this.error(ap(1), "load/argument", `\`n.sum\` adds \`int\` or \`dec\`, found ${describe(c(1))}`);
        }
        return;
      case "n.cmp":
        if (isConst(c(0)) && !CMP_OPERATORS.includes(c(0) as string)) {
          this.error(
            ap(0),
            "load/argument",
            `unknown comparison ${describe(c(0))}`,
            `use one of ${CMP_OPERATORS.map((o) => `\`${o}\``).join(", ")}`,
          );
        }
        return;
      case "n.glob": {
        const p = c(1);
        if (!isConst(p)) return;
        const list = typeof p === "string" ? [p] : p;
        if (!Array.isArray(list)) {
          this.error(ap(1), "load/argument", `glob patterns are a list of strings, found ${describe(p)}`);
          return;
        }
        list.forEach((pat, i) => {
          const pp = typeof p === "string" ? ap(1) : `${ap(1)}/${i}`;
          if (typeof pat !== "string" || pat === "") {
            this.error(pp, "load/argument", `a glob pattern is a non-empty string, found ${describe(pat)}`);
            return;
          }
          try {
            micromatch.makeRe(pat, GLOB_OPTIONS);
          } catch (e) {
            this.error(
              pp,
              "load/argument",
              `glob pattern \`${pat}\` does not compile: ${(e as Error).message}`,
            );
          }
        });
        return;
      }
      case "n.fmt":
        if (isConst(c(1)) && !isFormatType(c(1))) {
          this.warning(
            ap(1),
            "load/argument",
            `\`n.fmt\` does not know type ${describe(c(1))}; values will be shown as they are`,
          );
        }
        return;
      case "n.time":
        if (typeof c(0) === "string" && parseTime(c(0), SHANGHAI) === null) {
          this.error(
            ap(0),
            "load/argument",
            `${describe(c(0))} is not an RFC 3339 date-time with offset nor a date`,
          );
        }
        return;
      case "n.dec":
        if (isConst(c(0)) && isConst(c(1)) && decFromParts(c(0), c(1)) === null) {
          this.error(ptr, "load/argument", "`n.dec` takes two integer strings with a non-zero denominator");
        }
        return;
      case "n.record":
        if (args.length % 2 !== 0) this.error(ptr, "load/arity", "`n.record` takes key, value pairs");
        for (let i = 0; i < args.length; i += 2) {
          if (typeof args[i] !== "string")
            this.error(ap(i), "load/argument", `a record key is a string, found ${describe(args[i])}`);
        }
        return;
    }
  }

  private badMode(ptr: string, v: unknown): void {
    this.error(
      ptr,
      "load/argument",
      `unknown rounding mode ${describe(v)}`,
      "modes are `floor`, `ceil`, `trunc`, `half_up`, `half_even`",
    );
  }
}

/** True when `x` is a literal (a scalar or a list of scalars), so a constant argument can be checked. */
function isConst(x: unknown): boolean {
  return (
    x === null ||
    typeof x !== "object" ||
    (Array.isArray(x) && x.every((y) => y === null || typeof y !== "object"))
  );
}

function bindOf(v: unknown): { name: string } | null {
  if (!isLogicNode(v) || !Array.isArray(v["n.bind"])) return null;
  const name = (v["n.bind"] as unknown[])[0];
  return typeof name === "string" ? { name } : null;
}

/** Checks `value` as a bundle; returns every problem found (errors and warnings). */
export function checkBundle(value: unknown): LoadDiagnostic[] {
  const c = new BundleChecker();
  c.check(value);
  return c.diagnostics;
}
