/**
 * Explanations: which atoms of a condition decided its value.
 *
 * The explainer walks the boolean structure of a compiled tree (`and`, `or`, `!`, `!!`, `if`, and
 * the quantifiers `some`/`all`/`none`) itself, with exactly json-logic-js's control flow, and asks an
 * atom evaluator for everything else, so the value it returns is the value the plain evaluation
 * gives (the decision tests check that). With the fast path the atom evaluator is the node's
 * closure; with the reference it is json-logic-js on the scope the reference would see.
 *
 * What decides:
 * - `and`: false → the first false conjunct; true → every conjunct. `or` dually.
 * - `!`, `!!`: the operand's atoms (the value flips).
 * - `if`: the conditions tried, then the branch taken.
 * - `some`: true → the first element that holds; false → every element. `all` and `none` likewise
 *   (`all x in L: P` compiles to `none` over `!P`). An empty list decides by itself: its atom is
 *   the list expression. When every element decided and the list is a constant (a lexicon, a
 *   literal) or longer than `MAX_ELEMENTS`, the quantifier itself is the atom.
 */
import type { Because, JsonValue } from "../decision.js";
import type { IrLetRef, IrSpan } from "../ir.js";
import { type CNode, type Env, type Frame, lookupSegments } from "../fast/compile.js";
import { truthy } from "../fast/std-ops.js";
import { formatDate, formatRfc3339, type Zone } from "../value/time.js";
import { setField, toJsonValue } from "./json-value.js";
import { NewBecause } from "./records.js";
import { renderLogic } from "./render-logic.js";

/** Lists longer than this are explained by the quantifier as a whole when every element decided. */
export const MAX_ELEMENTS = 32;

/** Evaluates one atom in the current data and environment. */
export type AtomEvaluator = (node: CNode, data: unknown, env: Env) => unknown;

/** The `let` a node is the value of, from its span (see `IrSpan.let`); `null` when none or malformed. */
export function letOfSpan(span: unknown): IrLetRef | null {
  if (typeof span !== "object" || span === null) return null;
  const l = (span as { let?: unknown }).let;
  if (typeof l !== "object" || l === null) return null;
  const { name, type } = l as Record<string, unknown>;
  return typeof name === "string" && name !== "" && typeof type === "string" ? { name, type } : null;
}

/** What an atom reads: fact paths, and the `let`s it uses (each shown by name, its paths not listed). */
interface Reads {
  paths: string[];
  /** Each let once, with the fact paths it reads itself. */
  lets: Array<{ let: IrLetRef; node: CNode; paths: string[] }>;
}

/**
 * What `node` reads outside the quantifiers it contains (their bound names excluded): the fact
 * paths, and the `let`s below it (`letOf` says which nodes are one) that are not constants, whose
 * own paths count only as the facts they point at.
 */
export function collectReads(node: CNode, letOf: (n: CNode) => IrLetRef | null = () => null): Reads {
  const paths = new Set<string>();
  const lets: Reads["lets"] = [];
  const visit = (n: CNode, inner: ReadonlySet<string>, top: boolean): void => {
    if (n.isConst) return;
    const l = top ? null : letOf(n);
    if (l !== null) {
      if (lets.some((x) => x.let.name === l.name)) return;
      // A let reads no bound name of the rule: its paths are facts, `$p`, or bound inside it.
      lets.push({ let: l, node: n, paths: collectReads(n).paths.filter((p) => !p.startsWith("$")) });
      return;
    }
    if (n.op === "var") {
      const k = n.kids[0];
      if (k && k.isConst && (typeof k.value === "string" || typeof k.value === "number") && k.value !== "") {
        const path = String(k.value);
        const first = path.split(".")[0] as string;
        if (!inner.has(first) && first !== "$lex" && first !== "$asOf") paths.add(path);
      }
      return;
    }
    if (n.quant) {
      visit(n.quant.list, inner, false);
      if (n.quant.bind !== null) visit(n.quant.body, new Set([...inner, n.quant.bind]), false);
      for (const k of n.kids.slice(2)) visit(k, inner, false);
      return;
    }
    for (const k of n.kids) visit(k, inner, false);
  };
  visit(node, new Set(), true);
  return { paths: [...paths], lets };
}

/** How a `let`'s value shows in `saw`: dates and date-times as the facts write them, else as is. */
function showFor(type: string, zone: Zone): (v: JsonValue) => JsonValue {
  if (type === "date")
    return (v) => (typeof v === "number" && Number.isSafeInteger(v) ? formatDate(v, zone) : v);
  if (type === "datetime")
    return (v) => (typeof v === "number" && Number.isSafeInteger(v) ? formatRfc3339(v, zone) : v);
  return (v) => v;
}

/** A fact path an atom reports, split and escaped once. */
interface PathInfo {
  path: string;
  /** The path split at its dots (what `var` reads). */
  segs: readonly string[];
  head: string;
  /** For a head that is not bound: the whole pointer (`/head/a/b`); `null` for a `$` head. */
  absolute: string | null;
  /** The escaped pointer of the segments after the head. */
  rest: string;
}

/** What the explainer keeps on a node it reports as an atom (`CNode.atom`), made on first use. */
interface AtomPlan {
  /** The spans the text was taken from (an explainer with other spans makes its own plan). */
  spans: Readonly<Record<string, IrSpan>>;
  text: string;
  paths: readonly PathInfo[];
  /** The `let`s the atom uses: shown in `saw` by name, their facts' pointers in `facts`. */
  lets: readonly LetInfo[];
}

/** A `let` an atom uses (see {@link AtomPlan}). */
interface LetInfo {
  name: string;
  node: CNode;
  /** Formats a value of the let's type for `saw` (dates as the facts write them). */
  show: (v: JsonValue) => JsonValue;
  /** The facts pointers of the paths it reads. */
  pointers: readonly string[];
  /** The key of its value in the decision's memo: the declaration's span. */
  key: string;
}

function pathInfo(path: string): PathInfo {
  const segs = path.split(".");
  const head = segs[0] as string;
  const rest = segs
    .slice(1)
    .map((s) => `/${escapeToken(s)}`)
    .join("");
  return { path, segs, head, absolute: head.startsWith("$") ? null : `/${escapeToken(head)}${rest}`, rest };
}

/**
 * A quantifier frame made by the explainer: it also knows where its element is in the facts (the
 * list's pointer and the index), so a pointer through it is built only when one is reported.
 */
interface ElementFrame extends Frame {
  readonly listPtr: string | null;
  readonly index: number;
}

function escapeToken(s: string): string {
  return s.indexOf("~") < 0 && s.indexOf("/") < 0 ? s : s.replace(/~/g, "~0").replace(/\//g, "~1");
}

/** Builds `because` lists for one bundle (`spans` gives the policy text of each node). */
export class Explainer {
  /**
   * `joins`: the atom evaluator is the nodes' closures, so an equi-join's index may say which
   * element decides (the reference's explainer evaluates every element itself).
   */
  constructor(
    private readonly spans: Readonly<Record<string, IrSpan>>,
    private readonly zone: Zone,
    private readonly atom: AtomEvaluator,
    private readonly joins = false,
  ) {}

  /** The paths of `var` reads as {@link PathInfo} (for quantifier lists), made once per path. */
  private pathInfos = new Map<string, PathInfo>();

  /**
   * The JSON pointer into the facts of a `var` path, following quantifier frames to the element
   * they bind; null for parameters, lexicons, the as-of instant and computed values.
   */
  private pointerOf(info: PathInfo, e: Env): string | null {
    if (info.absolute !== null) return info.absolute;
    for (let f: Env = e; f !== null; f = f.up) {
      if (f.name === info.head) {
        const listPtr = (f as Partial<ElementFrame>).listPtr;
        return listPtr === undefined || listPtr === null
          ? null
          : `${listPtr}/${(f as ElementFrame).index}${info.rest}`;
      }
    }
    return null;
  }

  /** The facts pointer of a quantifier's list, when it is a plain read (possibly defaulted with `??`). */
  private listPointer(n: CNode, e: Env): string | null {
    let node = n;
    if (node.op === "n.coalesce" && node.kids[0]) node = node.kids[0];
    if (node.op !== "var") return null;
    const k = node.kids[0];
    if (!k || !k.isConst || typeof k.value !== "string" || k.value === "") return null;
    let info = this.pathInfos.get(k.value);
    if (info === undefined) this.pathInfos.set(k.value, (info = pathInfo(k.value)));
    return this.pointerOf(info, e);
  }

  /** Evaluates `node` and appends the atoms that decided its value to `out`; returns the value. */
  walk(n: CNode, d: unknown, e: Env, out: Because[]): unknown {
    const kids = n.kids;
    switch (n.op) {
      case "and":
      case "or": {
        if (kids.length === 0) break;
        // Every conjunct's atoms go to `out`; when one decides, only its atoms are kept.
        const wantTrue = n.op === "or";
        const start = out.length;
        let cur: unknown;
        for (const k of kids) {
          const mark = out.length;
          cur = this.walk(k, d, e, out);
          if (truthy(cur) === wantTrue) {
            if (mark > start) out.splice(start, mark - start);
            return cur;
          }
        }
        return cur;
      }
      case "!":
      case "!!": {
        if (kids.length !== 1) break;
        const v = truthy(this.walk(kids[0] as CNode, d, e, out));
        return n.op === "!" ? !v : v;
      }
      case "if":
      case "?:": {
        if (kids.length === 0) break;
        let i = 0;
        for (; i < kids.length - 1; i += 2) {
          if (truthy(this.walk(kids[i] as CNode, d, e, out)))
            return this.walk(kids[i + 1] as CNode, d, e, out);
        }
        if (kids.length === i + 1) return this.walk(kids[i] as CNode, d, e, out);
        return null;
      }
      case "some":
      case "all":
      case "none":
        if (n.quant) return this.quantifier(n, d, e, out);
        break;
    }
    const v = this.atom(n, d, e);
    out.push(this.because(n, v, d, e));
    return v;
  }

  private quantifier(n: CNode, d: unknown, e: Env, out: Because[]): boolean {
    const q = n.quant as NonNullable<CNode["quant"]>;
    const xs = this.atom(q.list, d, e);
    const kind = n.op as "some" | "all" | "none";
    if (!Array.isArray(xs) || xs.length === 0) {
      out.push(this.because(q.list, xs, d, e));
      return kind === "none";
    }
    // The element that decides: the first that holds for some/none, the first that fails for all.
    const decidingTruth = kind !== "all";
    if (q.list.isConst || xs.length > MAX_ELEMENTS) {
      // Over a lexicon, a literal or a long list, "every element decided" is one atom: the
      // quantifier itself. Only when one element decides is it looked for.
      const v = truthy(this.atom(n, d, e));
      if (v !== (kind === "some")) {
        out.push(this.because(n, v, d, e));
        return v;
      }
      // One element decides. In a lexicon it is usually far down the list: it is found by plain
      // evaluation (the atom evaluator, as the walk would evaluate the body: same values, same
      // throws), and only it is explained.
      const at = this.decidingElement(n, xs, d, e, decidingTruth);
      if (at >= 0) {
        const listPtr = q.bind !== null ? this.listPointer(q.list, e) : null;
        this.walkElement(q, xs, at, listPtr, d, e, out);
        return kind === "some";
      }
    }
    // Every element's atoms go to `out`; when one decides, only its atoms are kept.
    const start = out.length;
    const listPtr = q.bind !== null ? this.listPointer(q.list, e) : null;
    for (let i = 0; i < xs.length; i++) {
      const mark = out.length;
      const v = this.walkElement(q, xs, i, listPtr, d, e, out);
      if (truthy(v) === decidingTruth) {
        if (mark > start) out.splice(start, mark - start);
        return kind === "some";
      }
    }
    return kind !== "some";
  }

  /** Walks quantifier `q`'s body on element `i` of `xs` (`listPtr`: the list's facts pointer). */
  private walkElement(
    q: NonNullable<CNode["quant"]>,
    xs: unknown[],
    i: number,
    listPtr: string | null,
    d: unknown,
    e: Env,
    out: Because[],
  ): unknown {
    if (q.bind === null) return this.walk(q.body, xs[i], null, out);
    const frame: ElementFrame = { name: q.bind, v: xs[i], up: e, listPtr, index: i };
    return this.walk(q.body, d, frame, out);
  }

  /**
   * The index of the first element of `xs` on which quantifier `n`'s body is `truthy` exactly when
   * `decidingTruth`, by plain evaluation; -1 when none is. An equi-join (`some` over constant lists
   * tested by a key) answers from its index without evaluating the body on every element.
   */
  private decidingElement(n: CNode, xs: unknown[], d: unknown, e: Env, decidingTruth: boolean): number {
    const q = n.quant as NonNullable<CNode["quant"]>;
    if (this.joins && q.join !== undefined && decidingTruth) {
      const at = q.join.firstElement(d, e);
      if (at >= 0) return at;
    }
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i];
      const v =
        q.bind !== null ? this.atom(q.body, d, { name: q.bind, v: x, up: e }) : this.atom(q.body, x, null);
      if (truthy(v) === decidingTruth) return i;
    }
    return -1;
  }

  /** The atom entry for `n` with value `v`. */
  because(n: CNode, v: unknown, d: unknown, e: Env): Because {
    const plan = this.planOf(n);
    const saw: Record<string, JsonValue> = {};
    const facts = new Array<string>();
    const paths = plan.paths;
    for (let i = 0; i < paths.length; i++) {
      const info = paths[i] as PathInfo;
      const ptr = this.pointerOf(info, e);
      if (ptr !== null && !facts.includes(ptr)) facts.push(ptr);
      // Paths come from the bundle; a `__proto__` path must still be a plain member.
      setField(saw, info.path, this.json(lookupSegments(d, e, info.segs, null)));
    }
    const lets = plan.lets;
    for (let i = 0; i < lets.length; i++) {
      const l = lets[i] as LetInfo;
      for (const ptr of l.pointers) if (!facts.includes(ptr)) facts.push(ptr);
      const v = this.letValue(l, d, e);
      if (v !== undefined) setField(saw, l.name, v);
    }
    return new NewBecause(n.ptr, plan.text, this.json(v), saw, facts);
  }

  /**
   * The value of a `let` in this decision (the same wherever it is used: a let reads no bound
   * name), computed once; `undefined` when it cannot be computed (the atom may not have needed it).
   */
  private letValue(l: LetInfo, d: unknown, e: Env): JsonValue | undefined {
    if (this.lets.has(l.key)) return this.lets.get(l.key);
    let v: JsonValue | undefined;
    try {
      v = l.show(this.json(this.atom(l.node, d, e)));
    } catch {
      v = undefined;
    }
    this.lets.set(l.key, v);
    return v;
  }

  /** The node's {@link AtomPlan}, made on first use. */
  private planOf(n: CNode): AtomPlan {
    const cached = n.atom as AtomPlan | null;
    if (cached !== null && cached.spans === this.spans) return cached;
    const reads = collectReads(n, (x) => this.letOf(x));
    const plan: AtomPlan = {
      spans: this.spans,
      text: this.text(n),
      paths: reads.paths.map(pathInfo),
      lets: reads.lets.map(({ let: l, node, paths }) => {
        const span = this.spans[node.ptr] as IrSpan;
        return {
          name: l.name,
          node,
          show: showFor(l.type, this.zone),
          pointers: paths.flatMap((p) => pathInfo(p).absolute ?? []),
          key: `${span.file}\0${span.start}`,
        };
      }),
    };
    n.atom = plan;
    return plan;
  }

  /** The `let` node `n` is the value of, from the span table. */
  private letOf(n: CNode): IrLetRef | null {
    return Object.prototype.hasOwnProperty.call(this.spans, n.ptr) ? letOfSpan(this.spans[n.ptr]) : null;
  }

  /**
   * Copies made during the current decision, by source object: a facts subtree read by several
   * atoms is copied once. Reset by `begin`.
   */
  private memo = new Map<object, JsonValue>();

  /** Starts a decision (forgets the previous decision's copies). */
  begin(): void {
    if (this.memo.size > 0) this.memo = new Map();
    if (this.lets.size > 0) this.lets = new Map();
  }

  /** The values of the `let`s shown in the current decision, by {@link LetInfo.key}. */
  private lets = new Map<string, JsonValue | undefined>();

  private json(v: unknown): JsonValue {
    if (v === null || typeof v !== "object") return toJsonValue(v);
    let out = this.memo.get(v);
    if (out === undefined) {
      out = toJsonValue(v);
      this.memo.set(v, out);
    }
    return out;
  }

  /** The policy text of a node, else a rendering of its IR. */
  private text(n: CNode): string {
    const span = Object.prototype.hasOwnProperty.call(this.spans, n.ptr) ? this.spans[n.ptr] : undefined;
    return span && typeof span.text === "string" ? span.text : renderLogic(n.logic);
  }
}
