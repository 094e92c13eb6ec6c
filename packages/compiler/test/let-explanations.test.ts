/**
 * A `let` is compiled in place wherever a rule uses its name; the span table marks each such node
 * with the let's name and type, so an explanation shows `名称 = value` instead of the facts the let
 * reads (and still points at those facts).
 */
import { mkdtempSync, writeFileSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadBundle, type Bundle, type Decision, type DecideOptions } from "@norma/runtime";
import { buildBundle } from "../src/index.js";

const REPO = join(import.meta.dirname, "../../..");
const FIL_SHA = "649c3141206613c60496dc4eff5f747ab4ddb7f6537ea0c3117b27f9f22d68bb";

const POLICY = `policy test.lets "名称" reads facts@1

source FIL file "001_15365efda3bcd81e.txt" sha256 "${FIL_SHA}" edited 2022-01-14

let 昵称 = trim(nickname)
let 同一昵称 = 昵称
let 截止 = (filing.notifiedAt ?? as_of) + 7 natural days
let 词表 = ["甲", "乙"]

rule test.nickname "昵称"
  implements FIL-7
  cite FIL:43 "境外非企业主体小程序无预上线流程"
  when 同一昵称 == "观澜" and not (昵称 in 词表)
  then flag "x"

rule test.deadline "截止"
  implements FIL-7
  cite FIL:43 "境外非企业主体小程序无预上线流程"
  when filing is present and as_of >= 截止
  then flag "y"

rule test.bound "类目"
  implements FIL-7
  cite FIL:43 "境外非企业主体小程序无预上线流程"
  when any c in categories: c == 昵称
  then flag "z"
`;

function bundle(): Bundle {
  const dir = mkdtempSync(join(tmpdir(), "norma-lets-"));
  copyFileSync(join(REPO, "policies/norms.yaml"), join(dir, "norms.yaml"));
  const file = join(dir, "lets.norma");
  writeFileSync(file, POLICY);
  const out = buildBundle([file], { root: dir, sourcesDir: null });
  expect(out.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return out.value.bundle!;
}

const B = bundle();
const FACTS = {
  nickname: "  观澜 ",
  categories: ["工具/效率", "观澜"],
  filing: { notifiedAt: "2022-03-01T23:50:00+08:00" },
};

function decide(evaluator: DecideOptions["evaluator"], b: Bundle = B): Decision {
  const loaded = loadBundle(b, { validateFacts: null });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.diagnostics));
  const r = loaded.value.decide(FACTS, { asOf: "2022-03-09T00:00:00+08:00", evaluator });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.decision;
}

const because = (d: Decision, rule: string) => d.rules.find((r) => r.rule === rule)!.because;

describe("explanations name the lets a condition uses", () => {
  it("marks each use of a let in the span table with the name the rule wrote and the let's type", () => {
    const lets = Object.values(B.spans)
      .map((s) => s.let)
      .filter((l) => l !== undefined);
    // 同一昵称 is 昵称 itself: the name the rule used wins; a constant list is marked too
    expect(lets).toEqual(
      expect.arrayContaining([
        { name: "同一昵称", type: "string" },
        { name: "昵称", type: "string" },
        { name: "截止", type: "datetime" },
        { name: "词表", type: "list" },
      ]),
    );
    expect(lets.filter((l) => l.name === "昵称")).toHaveLength(2);
  });

  it.each(["compiled", "fast", "reference"] as const)(
    "shows a let's value under its name and points at the facts it reads (%s)",
    (evaluator) => {
      const d = decide(evaluator);
      const nick = because(d, "test.nickname");
      expect(nick.map((b) => [b.text, b.saw, b.facts])).toEqual([
        ['同一昵称 == "观澜"', { 同一昵称: "观澜" }, ["/nickname"]],
        // a constant let shows no value: its words are in the policy
        ["(昵称 in 词表)", { 昵称: "观澜" }, ["/nickname"]],
      ]);
      // a date-time let shows as the facts write one, not as epoch milliseconds: 7 natural days
      // from 1 March 23:50 end at the start of 9 March
      expect(because(d, "test.deadline").at(-1)).toMatchObject({
        text: "as_of >= 截止",
        saw: { 截止: "2022-03-09T00:00:00+08:00" },
        facts: ["/filing/notifiedAt"],
      });
      // inside a quantifier: the bound element by its path, the let by its name
      expect(because(d, "test.bound")).toEqual([
        expect.objectContaining({ saw: { $c: "观澜", 昵称: "观澜" }, facts: ["/categories/1", "/nickname"] }),
      ]);
    },
  );

  it("gives the same explained decision with every evaluator", () => {
    const [a, b, c] = (["compiled", "fast", "reference"] as const).map((e) => decide(e));
    const strip = (d: Decision) => ({ ...d, engine: null });
    expect(strip(b!)).toEqual(strip(a!));
    expect(strip(c!)).toEqual(strip(a!));
  });

  it("without the marks (an older bundle) shows the facts the let reads, as before", () => {
    const spans = Object.fromEntries(
      Object.entries(B.spans).map(([k, s]) => {
        const { let: _, ...rest } = s;
        return [k, rest];
      }),
    );
    const d = decide("compiled", { ...B, spans });
    expect(because(d, "test.nickname")[0]!.saw).toEqual({ nickname: "  观澜 " });
  });

  it("ignores a malformed mark, with a load warning", () => {
    const spans = structuredClone(B.spans);
    const key = Object.keys(spans).find((k) => spans[k]!.let?.name === "同一昵称")!;
    (spans[key] as unknown as { let: unknown }).let = { name: 3 };
    const loaded = loadBundle({ ...B, spans }, { validateFacts: null });
    if (!loaded.ok) throw new Error("refused");
    expect(loaded.diagnostics).toEqual([
      expect.objectContaining({
        code: "load/span",
        pointer: `/spans/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`,
      }),
    ]);
    const r = loaded.value.decide(FACTS, { asOf: "2022-03-09T00:00:00+08:00" });
    if (!r.ok) throw new Error("refused");
    expect(because(r.decision, "test.nickname")[0]!.saw).toEqual({ nickname: "  观澜 " });
  });
});
