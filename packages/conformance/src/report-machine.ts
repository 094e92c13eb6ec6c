/**
 * Machine-readable reports: JSON (everything the text report says, as data) and JUnit XML (one
 * `testsuite` per case file, one `testcase` per case × evaluator) for CI dashboards.
 */
import { renderDiff, palette } from "./diff.js";
import type { CaseResult, SuiteResult } from "./runner.js";

/** The run as plain JSON data (no Maps, no bundle). */
export function toJsonReport(result: SuiteResult): unknown {
  return {
    summary: { ...result.counts, ok: result.ok },
    evaluators: result.evaluators,
    citationsVerified: result.citations.verified,
    sourcesDir: result.sourcesDir,
    problems: result.problems,
    caseFileErrors: result.caseFileErrors,
    policies: {
      dir: result.policies.dir,
      built: result.policies.built,
      fileCount: result.policies.fileCount,
      bundleHash: result.policies.bundle?.hash ?? null,
      diagnostics: result.policies.diagnostics.map(({ rendered: _rendered, ...d }) => d),
    },
    cases: result.cases.map((r) => ({
      id: r.case.id,
      kind: r.case.kind,
      title: r.case.title,
      file: r.case.file,
      line: r.case.location.line,
      column: r.case.location.column,
      status: r.status,
      skip: r.case.skip,
      cite: r.case.cite,
      norms: r.norms,
      rules: r.rules,
      failures: [
        ...r.problems.map((f) => ({ evaluator: null, ...f })),
        ...r.runs.flatMap((run) => run.failures.map((f) => ({ evaluator: run.evaluator, ...f }))),
      ],
    })),
    coverage: result.coverage,
    citations: result.citations.records,
  };
}

/** Escapes text for XML content and attributes, dropping characters XML 1.0 cannot hold. */
export function escapeXml(s: string): string {
  let clean = "";
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    const allowed =
      c === 0x9 ||
      c === 0xa ||
      c === 0xd ||
      (c >= 0x20 && c <= 0xd7ff) ||
      (c >= 0xe000 && c <= 0xfffd) ||
      c >= 0x10000;
    if (allowed) clean += ch;
  }
  return clean
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

function failureText(r: CaseResult, evaluator: string): { message: string; body: string } | null {
  const failures = [...r.problems, ...(r.runs.find((x) => x.evaluator === evaluator)?.failures ?? [])];
  if (r.status !== "failed" || failures.length === 0) return null;
  const p = palette(false);
  const body = failures
    .map((f) => {
      const where =
        f.index >= 0 ? `expect[${f.index}] (line ${r.case.expectLocations[f.index]?.line ?? "?"})` : "case";
      return `${where}: ${f.message}\n${f.expected === null && f.actual === null ? "" : renderDiff(f.expected, f.actual, p, "  ")}`;
    })
    .join("\n");
  return { message: failures.map((f) => f.message).join("; "), body };
}

/** The run as JUnit XML. */
export function toJunit(result: SuiteResult): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  let errors = 0;
  let skipped = 0;
  for (const file of result.files) {
    const classname = escapeXml(`${result.dir}/${file.file}`);
    const body: string[] = [];
    let t = 0;
    let f = 0;
    let e = 0;
    let s = 0;
    if (file.errors.length) {
      t++;
      e++;
      const text = file.errors
        .map(
          (x) =>
            `${file.file}:${x.line}:${x.column} ${x.pointer || "/"}: ${x.message}${x.help ? ` (help: ${x.help})` : ""}`,
        )
        .join("\n");
      body.push(`    <testcase classname="${classname}" name="(case file)">`);
      body.push(
        `      <error type="case-file" message="${escapeXml(`${file.errors.length} error(s) in the case file`)}">${escapeXml(text)}</error>`,
      );
      body.push("    </testcase>");
    }
    for (const r of result.cases.filter((x) => x.case.file === file.file)) {
      for (const ev of result.evaluators) {
        t++;
        const name = escapeXml(`${r.case.id} [${ev}]`);
        if (r.status === "skipped") {
          s++;
          body.push(
            `    <testcase classname="${classname}" name="${name}"><skipped message="${escapeXml(r.case.skip ?? "")}"/></testcase>`,
          );
          continue;
        }
        const fail = failureText(r, ev);
        if (!fail) {
          body.push(`    <testcase classname="${classname}" name="${name}"/>`);
          continue;
        }
        f++;
        body.push(`    <testcase classname="${classname}" name="${name}">`);
        body.push(
          `      <failure type="assertion" message="${escapeXml(fail.message)}">${escapeXml(fail.body)}</failure>`,
        );
        body.push("    </testcase>");
      }
    }
    tests += t;
    failures += f;
    errors += e;
    skipped += s;
    suites.push(
      `  <testsuite name="${classname}" tests="${t}" failures="${f}" errors="${e}" skipped="${s}">`,
      ...body,
      "  </testsuite>",
    );
  }
  const policyErrors = result.policies.diagnostics.filter((d) => d.severity === "error");
  const citationFailures = result.citations.failures;
  if (policyErrors.length || citationFailures.length || result.citations.records.length) {
    const body: string[] = [];
    let t = 0;
    let e = 0;
    if (policyErrors.length) {
      t++;
      e++;
      body.push(`    <testcase classname="policies" name="build">`);
      body.push(
        `      <error type="policy" message="${policyErrors.length} error(s)">${escapeXml(policyErrors.map((d) => d.rendered).join("\n"))}</error>`,
      );
      body.push("    </testcase>");
    }
    for (const c of result.citations.records) {
      t++;
      const name = escapeXml(`${c.from} ${c.owner} cite ${c.source}:${c.line}`);
      if (c.status === "verified") body.push(`    <testcase classname="citations" name="${name}"/>`);
      else if (c.status === "external")
        body.push(
          `    <testcase classname="citations" name="${name}"><skipped message="${escapeXml(c.detail ?? "external page")}"/></testcase>`,
        );
      else if (c.status === "not-verified")
        body.push(
          `    <testcase classname="citations" name="${name}"><skipped message="citations were NOT verified (no --sources)"/></testcase>`,
        );
      else {
        e++;
        body.push(
          `    <testcase classname="citations" name="${name}"><error type="${c.status}" message="${escapeXml(c.detail ?? c.status)}">${escapeXml(`${c.at}: "${c.quote}"`)}</error></testcase>`,
        );
      }
    }
    const s = result.citations.records.filter(
      (c) => c.status === "external" || c.status === "not-verified",
    ).length;
    tests += t;
    errors += e;
    skipped += s;
    suites.push(
      `  <testsuite name="policies and citations" tests="${t}" failures="0" errors="${e}" skipped="${s}">`,
      ...body,
      "  </testsuite>",
    );
  }
  out.push(
    `<testsuites name="norma conformance" tests="${tests}" failures="${failures}" errors="${errors}" skipped="${skipped}">`,
    ...suites,
    "</testsuites>",
  );
  return out.join("\n") + "\n";
}
