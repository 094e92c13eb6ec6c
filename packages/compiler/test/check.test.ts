import { mkdtempSync, writeFileSync, mkdirSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SourceText } from "@norma/lang";
import { buildBundle } from "../src/index.js";

const REPO = join(import.meta.dirname, "../../..");
const SEEDS = join(REPO, "../shared/seeds");
const FIL_SHA = "649c3141206613c60496dc4eff5f747ab4ddb7f6537ea0c3117b27f9f22d68bb";

const HEADER = `policy test.policy "测试" reads facts@1

source FIL file "001_15365efda3bcd81e.txt" sha256 "${FIL_SHA}" edited 2022-01-14
`;

/** A rule with the given condition (and optional extra clauses), citing a real line. */
function rule(when: string, extra = "", id = "test.rule"): string {
  return `
rule ${id} "测试规则"
  implements FIL-7
  cite FIL:43 "境外非企业主体小程序无预上线流程"
  when ${when}
  then flag "x"${extra}
`;
}

let counter = 0;
function build(text: string, files: Record<string, string> = {}, sources: string | null = null) {
  const dir = mkdtempSync(join(tmpdir(), "norma-check-"));
  copyFileSync(join(REPO, "policies/norms.yaml"), join(dir, "norms.yaml"));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  const file = join(dir, `p${counter++}.norma`);
  writeFileSync(file, text);
  const out = buildBundle([file], { root: dir, sourcesDir: sources });
  const src = new SourceText("x", text);
  return {
    ...out,
    codes: out.diagnostics.map((d) => d.code),
    at: (code: string) => {
      const d = out.diagnostics.find((x) => x.code === code);
      if (!d) return null;
      const p = src.position(d.span.start);
      return { line: p.line, column: p.column, help: d.help, message: d.message, severity: d.severity };
    },
  };
}

describe("the checker resolves names and types against the facts schema", () => {
  it("accepts a well-typed rule", () => {
    const r = build(HEADER + rule(`entity.type == "overseas_non_enterprise" and filing is present`));
    expect(r.diagnostics).toEqual([]);
    expect(r.value.bundle?.rules).toHaveLength(1);
  });

  it("check/unknown-field: an unknown root name, with a did-you-mean", () => {
    const r = build(HEADER + rule(`entiti.type == "enterprise"`));
    const d = r.at("check/unknown-field");
    expect(d).toMatchObject({ line: 8, column: 8 });
    expect(d?.help).toBe("did you mean `entity`?");
  });

  it("check/unknown-field: an unknown nested field suggests a real sibling", () => {
    const r = build(HEADER + rule(`entity.tpye == "enterprise"`));
    expect(r.at("check/unknown-field")?.help).toBe("did you mean `type`?");
  });

  it("check/unknown-enum-value: a value the schema never allows", () => {
    const r = build(HEADER + rule(`entity.type == "overseas_non_enterprize"`));
    expect(r.at("check/unknown-enum-value")?.help).toBe("did you mean `overseas_non_enterprise`?");
  });

  it("check/type-mismatch: money compared with a date", () => {
    const r2 = build(HEADER + rule(`trade is present and (any m in trade.gmvByMonth: m.gmv > 2022-01-01)`));
    const d = r2.at("check/type-mismatch");
    expect(d?.message).toBe("cannot compare money with date");
  });

  it("check/type-mismatch: a percent added to a string", () => {
    const r = build(HEADER + rule(`length(nickname + 10%) > 3`));
    expect(r.at("check/type-mismatch")?.message).toBe("cannot apply `+` to string and percent");
  });

  it("check/type-mismatch: money compared with a bare number gets a unit hint", () => {
    const r = build(HEADER + rule(`trade is present and (any m in trade.gmvByMonth: m.gmv > 100)`));
    expect(r.at("check/type-mismatch")?.help).toContain("yuan");
  });

  it("narrowing also applies to an optional parameter or let", () => {
    const text = `${HEADER}
param cap: money?
  = 20_000 yuan
${rule("cap is present and (trade is present and (any m in trade.gmvByMonth: m.gmv > cap))")}`;
    expect(build(text).codes).toEqual([]);
    expect(build(text.replace("cap is present and ", "")).codes).toContain("check/maybe-absent");
  });

  it("check/maybe-absent: an optional field used in an ordering comparison", () => {
    const r = build(HEADER + rule(`filing.notifiedAt < as_of`));
    const d = r.at("check/maybe-absent");
    expect(d?.message).toBe("`filing.notifiedAt` may be absent here");
    expect(d?.help).toContain("is present");
  });

  it("narrowing: `is present` on the left of `and` makes the field present on the right", () => {
    const r = build(HEADER + rule(`filing is present and filing.notifiedAt + 7 natural days <= as_of`));
    expect(r.codes).toEqual([]);
  });

  it("check/needs-rounding: money times a percent must be rounded explicitly", () => {
    const r = build(
      HEADER + rule(`trade is present and (any m in trade.gmvByMonth: m.gmv * 10% > 20_000 yuan)`),
    );
    expect(r.codes).toContain("check/needs-rounding");
    const ok = build(
      HEADER + rule(`trade is present and (any m in trade.gmvByMonth: floor(m.gmv * 10%) > 20_000 yuan)`),
    );
    expect(ok.codes).toEqual([]);
  });

  it("check/missing-citation and check/missing-norm", () => {
    const text = `${HEADER}
rule bare.rule
  when true
  then flag "x"
`;
    const r = build(text);
    expect(r.codes).toContain("check/missing-citation");
    expect(r.codes).toContain("check/missing-norm");
  });

  it("check/unknown-source: citing a source that is not declared", () => {
    const text = HEADER + rule("true").replace("cite FIL:43", "cite FLI:43");
    const r = build(text);
    expect(r.at("check/unknown-source")?.help).toBe("did you mean `FIL`?");
  });

  it("check/unknown-norm: a norm id that is not in the catalogue", () => {
    const r = build(HEADER + rule("true").replace("FIL-7", "FIL-77"));
    expect(r.codes).toContain("check/unknown-norm");
  });

  it("check/unknown-function with a did-you-mean, and check/arity", () => {
    expect(build(HEADER + rule(`lenght(nickname) > 3`)).at("check/unknown-function")?.help).toBe(
      "did you mean `length`?",
    );
    expect(build(HEADER + rule(`length(nickname, nickname) > 3`)).codes).toContain("check/arity");
  });

  it("lexicons: unknown name, missing file, invalid file, and a valid one", () => {
    const unknown = build(HEADER + rule(`nickname contains any of diseases`));
    expect(unknown.codes).toContain("check/unknown-field");
    const missing = build(
      `${HEADER}\nlexicon diseases from "nope.yaml"\n${rule("nickname contains any of diseases")}`,
    );
    expect(missing.codes).toContain("check/lexicon-not-found");
    const invalid = build(
      `${HEADER}\nlexicon diseases from "d.yaml"\n${rule("nickname contains any of diseases")}`,
      {
        "d.yaml": "purpose: x\nwords: oops\n",
      },
    );
    expect(invalid.codes).toContain("check/lexicon-invalid");
    const ok = build(`${HEADER}\nlexicon diseases from "d.yaml"\n${rule("nickname in diseases")}`, {
      "d.yaml": "purpose: disease names\nsource: OPS:8\nwords: [糖尿病, 癌症]\n",
    });
    expect(ok.codes).toEqual([]);
    expect(ok.value.bundle?.lexicons.diseases).toEqual(["糖尿病", "癌症"]);
  });

  it("params: overlapping and gapped versions are errors; contiguous ones are fine", () => {
    const param = (a: string, b: string) => `${HEADER}
param cap: money
  = 20_000 yuan effective ${a}
  = 30_000 yuan effective ${b}
${rule("trade is present and (any m in trade.gmvByMonth: m.gmv > cap)")}`;
    expect(build(param("until 2024-01-01", "from 2023-06-01")).codes).toContain("check/param-overlap");
    expect(build(param("until 2024-01-01", "from 2024-02-01")).codes).toContain("check/param-gap");
    expect(build(param("until 2024-01-01", "from 2024-01-01")).codes).toEqual([]);
  });

  it("warnings: unused definitions and conditions that can never hold", () => {
    const r = build(
      `${HEADER}\nlet unused = 3\n${rule(`entity.type == "enterprise" and entity.type == "individual"`)}`,
    );
    expect(
      r.diagnostics
        .filter((d) => d.severity === "warning")
        .map((d) => d.code)
        .sort(),
    ).toEqual(["check/never-holds", "check/unused"]);
    expect(r.value.bundle).not.toBeNull();
  });

  it("check/used-before-declared: declarations cannot refer to later ones", () => {
    const r = build(`${HEADER}\nlet a = b + 1\nlet b = 2\n${rule("a > 1")}`);
    expect(r.codes).toContain("check/used-before-declared");
  });

  it("check/shadowed-name: a bound variable cannot hide another name", () => {
    const r = build(HEADER + rule(`any nickname in categories: nickname == "社交/直播"`));
    expect(r.codes).toContain("check/shadowed-name");
  });

  it("check/non-constant-pattern: glob patterns must be literal", () => {
    const r = build(HEADER + rule(`any c in categories: c matches nickname`));
    expect(r.codes).toContain("check/non-constant-pattern");
  });

  it("check/duplicate: two rules with one id", () => {
    const r = build(HEADER + rule("true") + rule("true"));
    expect(r.codes).toContain("check/duplicate");
  });

  it("check/unknown-schema", () => {
    const r = build(HEADER.replace("facts@1", "facts@9") + rule("true"));
    expect(r.codes).toContain("check/unknown-schema");
  });

  it("citations verify against the seeds: a wrong quote, a wrong line, a changed file", () => {
    const ok = build(HEADER + rule("true"), {}, SEEDS);
    expect(ok.codes).toEqual([]);
    const wrongLine = build(HEADER + rule("true").replace("FIL:43", "FIL:41"), {}, SEEDS);
    expect(wrongLine.at("check/quote-not-found")?.help).toBe("it occurs on line 43");
    const outOfRange = build(HEADER + rule("true").replace("FIL:43", "FIL:4300"), {}, SEEDS);
    expect(outOfRange.codes).toContain("check/line-out-of-range");
    const changed = build(HEADER.replace(FIL_SHA, "0".repeat(64)) + rule("true"), {}, SEEDS);
    expect(changed.codes).toContain("check/source-changed");
  });

  it("declaration problems: bad pins, empty quotes and labels, empty ranges, shadowed fields", () => {
    expect(build(HEADER.replace(FIL_SHA, "abc") + rule("true")).codes).toContain("check/invalid-sha256");
    const url = `${HEADER}\nsource DOC url "ftp://x" retrieved 2026-11-01\n${rule("true")}`;
    expect(build(url).codes).toContain("check/invalid-url");
    expect(build(HEADER + rule("true").replace('"境外非企业主体小程序无预上线流程"', '" "')).codes).toContain(
      "check/empty-quote",
    );
    expect(build(HEADER + rule("true").replace('flag "x"', 'flag ""')).codes).toContain("check/empty-label");
    expect(
      build(
        HEADER +
          rule("true", "", "r.a").replace("when", "effective from 2024-01-01 until 2023-01-01\n  when"),
      ).codes,
    ).toContain("check/empty-effective-range");
    expect(build(`${HEADER}\nlet nickname = 3\n${rule("nickname > 1")}`).codes).toContain(
      "check/shadowed-field",
    );
  });

  it("expression problems: rounding whole money, members of lists, huge numbers, needless presence tests", () => {
    const w = build(HEADER + rule("trade is present and (any m in trade.gmvByMonth: floor(m.gmv) > 1 yuan)"));
    expect(w.codes).toEqual(["check/needless-rounding"]);
    expect(w.at("check/needless-rounding")?.severity).toBe("warning");
    expect(build(HEADER + rule("categories.length > 1")).codes).toContain("check/not-a-record");
    expect(build(HEADER + rule("length(nickname) > 99999999999999999999")).codes).toContain(
      "check/number-too-large",
    );
    expect(build(HEADER + rule("nickname is present")).codes).toEqual(["check/never-absent"]);
  });

  it("files: a missing source directory entry and an unreadable policy", () => {
    const r = build(HEADER + rule("true"), {}, "/nonexistent-norma-seeds");
    expect(r.codes).toContain("check/source-not-found");
    const missing = buildBundle(["/nonexistent/x.norma"], { root: "/nonexistent", normsFile: null });
    expect(missing.diagnostics.map((d) => d.code)).toEqual(["check/unreadable-file"]);
    const dir = mkdtempSync(join(tmpdir(), "norma-norms-"));
    writeFileSync(join(dir, "norms.yaml"), "norms: [FIL-1, FIL-2]\n");
    writeFileSync(join(dir, "p.norma"), HEADER + rule("true"));
    const badCatalogue = buildBundle([join(dir, "p.norma")], { root: dir });
    expect(badCatalogue.diagnostics.map((d) => d.code)).toContain("check/norms-invalid");
  });

  it("compiles money, percent, natural days and quantifiers into the documented IR", () => {
    const text = `${HEADER}
rule test.deposit "押金"
  implements FIL-7
  cite FIL:43 "境外非企业主体小程序无预上线流程"
  when trade is present
  then assess due = min(floor(sum m in trade.gmvByMonth: m.gmv) * 10%, 20_000 yuan)
`;
    const r = build(
      text.replace(
        "floor(sum m in trade.gmvByMonth: m.gmv) * 10%",
        "floor((sum m in trade.gmvByMonth: m.gmv) * 10%)",
      ),
    );
    expect(r.codes).toEqual([]);
    const value = r.value.bundle!.rules[0]!.effect.value;
    expect(value).toEqual({
      min: [
        {
          "n.mulr": [
            {
              "n.sum": [
                { map: [{ "n.bind": ["$m", { var: "trade.gmvByMonth" }] }, { var: "$m.gmv" }] },
                "int",
              ],
            },
            { "n.dec": ["10", "100"] },
            "floor",
          ],
        },
        2000000,
      ],
    });
    const window = build(HEADER + rule("filing is present and as_of >= filing.notifiedAt + 7 natural days"));
    expect(JSON.stringify(window.value.bundle!.rules[0]!.when)).toContain(
      '{"n.plus_natural_days":[{"n.time":[{"var":"filing.notifiedAt"}]},7]}',
    );
    const spans = window.value.bundle!.spans;
    expect(Object.values(spans).map((s) => s.text)).toContain("as_of >= filing.notifiedAt + 7 natural days");
  });
});
