/**
 * The auditor's report: one self-contained HTML page (inline CSS, no scripts, no external assets).
 * Per norm, grouped by source document: its summary, the rules that implement it with their
 * citations and the cited source lines (with line numbers, quote highlighted), the cases that
 * exercise it with pass/fail, then coverage tables, failures and citation verification.
 *
 * INVARIANT: every piece of text that comes from a policy, a case, a seed file or the engine goes
 * through `esc` (the page must render `<script>` in a quote as text).
 */
import { readSource } from "@norma/compiler";
import type { CitationRecord } from "./citations.js";
import type { NormCoverage } from "./coverage.js";
import { diffValues } from "./diff.js";
import { mergeFailures } from "./report-text.js";
import type { CaseResult, SuiteResult } from "./runner.js";

/** Escapes text for HTML content and attribute values. */
export function esc(s: unknown): string {
  return String(s)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

const STYLE = `
:root { --ink:#1d2330; --muted:#5b6475; --line:#d9dee7; --bg:#f6f7f9; --ok:#1f7a3f; --okbg:#e3f4e8; --bad:#b42318; --badbg:#fde7e5; --warn:#8a5a00; --warnbg:#fdf1d6; --info:#2f4d8a; --infobg:#e6ecf8; }
* { box-sizing: border-box; }
body { margin:0; background:var(--bg); color:var(--ink); font:15px/1.55 -apple-system,"Segoe UI",Roboto,"Helvetica Neue","PingFang SC","Noto Sans CJK SC","Noto Sans SC","Microsoft YaHei",sans-serif; }
main { max-width: 1160px; margin: 0 auto; padding: 28px 32px 64px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 21px; margin: 40px 0 12px; padding-bottom: 6px; border-bottom: 2px solid var(--line); }
h3 { font-size: 17px; margin: 0; }
h4 { font-size: 13px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); margin: 14px 0 6px; }
p { margin: 6px 0; }
a { color: var(--info); }
code, .mono { overflow-wrap: anywhere; }
td, p { overflow-wrap: break-word; }
table.fixed { table-layout: fixed; }
code, pre, .mono { font-family: "SFMono-Regular", Menlo, Consolas, "Noto Sans Mono CJK SC", monospace; font-size: 13px; }
.sub { color: var(--muted); }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr)); gap: 12px; margin: 18px 0; }
.card { background:#fff; border:1px solid var(--line); border-radius:8px; padding:12px 14px; }
.card .n { font-size: 24px; font-weight: 650; }
.card .l { color: var(--muted); font-size: 13px; }
.banner { border-radius: 8px; padding: 12px 16px; margin: 14px 0; font-weight: 600; }
.banner.bad { background: var(--badbg); color: var(--bad); border: 1px solid #f4b8b2; }
.banner.ok { background: var(--okbg); color: var(--ok); border: 1px solid #b5e0c2; }
.banner.warn { background: var(--warnbg); color: var(--warn); border: 1px solid #f1d28f; }
.badge { display:inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; white-space: nowrap; vertical-align: 1px; }
.b-ok { background: var(--okbg); color: var(--ok); }
.b-bad { background: var(--badbg); color: var(--bad); }
.b-warn { background: var(--warnbg); color: var(--warn); }
.b-info { background: var(--infobg); color: var(--info); }
.b-muted { background: #eceff3; color: var(--muted); }
table { width: 100%; border-collapse: collapse; background: #fff; border: 1px solid var(--line); border-radius: 8px; overflow: hidden; margin: 8px 0 16px; }
th, td { text-align: left; vertical-align: top; padding: 7px 10px; border-bottom: 1px solid var(--line); }
th { background: #eef1f5; font-size: 13px; color: var(--muted); font-weight: 600; }
tr:last-child td { border-bottom: none; }
th.num, td.num { text-align: right; font-variant-numeric: tabular-nums; }
.norm { background:#fff; border:1px solid var(--line); border-left: 5px solid var(--line); border-radius: 8px; padding: 14px 18px; margin: 14px 0; }
.norm.covered { border-left-color: var(--ok); }
.norm.not-encoded { border-left-color: #9aa3b2; }
.norm.no-cases, .norm.no-rules { border-left-color: var(--bad); }
.norm-head { display: flex; gap: 10px; align-items: baseline; flex-wrap: wrap; }
.rule { border-top: 1px dashed var(--line); padding-top: 8px; margin-top: 8px; }
.cite { margin: 6px 0 10px; }
.src { border: 1px solid var(--line); border-radius: 6px; background: #fbfbfc; margin-top: 4px; overflow: hidden; }
.src .ln { display: inline-block; min-width: 3.2em; padding: 6px 8px; color: var(--muted); background: #eef1f5; text-align: right; vertical-align: top; border-right: 1px solid var(--line); }
.src .tx { display: inline-block; padding: 6px 10px; white-space: pre-wrap; word-break: break-word; max-width: calc(100% - 4em); }
.src-row { display: flex; }
.src-row .tx { flex: 1; max-width: none; }
mark { background: #ffe58a; padding: 0 1px; border-radius: 2px; }
.case-pass { color: var(--ok); font-weight: 600; }
.case-fail { color: var(--bad); font-weight: 600; }
.case-skip { color: var(--warn); font-weight: 600; }
.legend { font-size: 12px; margin-top: 4px; }
pre.diff { background:#fff; border:1px solid var(--line); border-radius:6px; padding: 8px 10px; white-space: pre-wrap; word-break: break-word; margin: 4px 0 10px; }
pre.diff .del { color: var(--bad); background: #fff1f0; display: block; }
pre.diff .add { color: var(--ok); background: #effaf2; display: block; }
pre.diff .same { color: var(--muted); display: block; }
h3.topic { font-size: 16px; margin: 26px 0 6px; color: var(--muted); }
nav.toc { background:#fff; border:1px solid var(--line); border-radius:8px; padding: 10px 16px; margin: 16px 0; }
nav.toc a { margin-right: 14px; }
footer { margin-top: 48px; color: var(--muted); font-size: 13px; }
`;

function badgeForCase(status: CaseResult["status"]): string {
  return status === "passed"
    ? `<span class="badge b-ok">pass</span>`
    : status === "failed"
      ? `<span class="badge b-bad">FAIL</span>`
      : `<span class="badge b-warn">skipped</span>`;
}

function badgeForNorm(status: NormCoverage["status"]): string {
  switch (status) {
    case "covered":
      return `<span class="badge b-ok">covered</span>`;
    case "not-encoded":
      return `<span class="badge b-muted">not encoded (explained)</span>`;
    case "no-cases":
      return `<span class="badge b-bad">no case exercises it</span>`;
    case "no-rules":
      return `<span class="badge b-bad">not implemented, not explained</span>`;
  }
}

function badgeForCitation(c: CitationRecord): string {
  if (c.status === "verified") return `<span class="badge b-ok">verified</span>`;
  if (c.status === "not-verified") return `<span class="badge b-warn">NOT verified</span>`;
  if (c.status === "external") return `<span class="badge b-info">external page (not verifiable)</span>`;
  return `<span class="badge b-bad">${esc(c.status)}</span>`;
}

/** The cited line with the quote highlighted; very long lines are shortened around the quote. */
function sourceLine(text: string, quote: string): string {
  const at = quote ? text.indexOf(quote) : -1;
  if (at < 0) return esc(text.length > 600 ? text.slice(0, 600) + " …" : text);
  const context = 120;
  const start = Math.max(0, at - context);
  const end = Math.min(text.length, at + quote.length + context);
  return `${start > 0 ? "… " : ""}${esc(text.slice(start, at))}<mark>${esc(quote)}</mark>${esc(text.slice(at + quote.length, end))}${end < text.length ? " …" : ""}`;
}

/** Renders a citation: reference, status, and the source line from the seed file when available. */
function renderCitation(c: CitationRecord, sourcesDir: string | null): string {
  const head = `<div class="cite"><code>cite ${esc(c.source)}:${esc(c.line)}</code> ${badgeForCitation(c)} <span class="sub mono">${esc(c.at)}</span>`;
  const file = c.file && sourcesDir ? readSource(sourcesDir, c.file) : null;
  const text = file?.lines[c.line - 1];
  const body =
    text !== undefined
      ? `<div class="src"><div class="src-row"><span class="ln mono">${esc(c.line)}</span><span class="tx">${sourceLine(text, c.quote)}</span></div></div>`
      : `<div class="src"><div class="src-row"><span class="ln mono">${esc(c.line)}</span><span class="tx">“${esc(c.quote)}” <span class="sub">(${c.status === "external" ? "an external page, not one of the seed files" : sourcesDir ? "the cited line is not in the seed file" : "source line not shown: no sources directory given"})</span></span></div></div>`;
  const detail = c.detail ? `<p class="sub">${esc(c.detail)}</p>` : "";
  return `${head}${body}${detail}</div>`;
}

function caseRow(r: CaseResult, dir: string): string {
  const c = r.case;
  const evaluators = r.runs.map((run) => `${run.evaluator} ${run.failures.length ? "✗" : "✓"}`).join(" · ");
  return `<tr><td>${badgeForCase(r.status)}</td><td><code>${esc(c.id)}</code><br><span class="sub mono">${esc(`${dir}/${c.file}:${c.location.line}`)}</span></td><td>${esc(c.title)}${c.skip ? `<br><span class="case-skip">skipped: ${esc(c.skip)}</span>` : ""}</td><td class="mono">${c.cite ? esc(c.cite.at) : ""}</td><td class="sub">${esc(evaluators || "—")}</td></tr>`;
}

function casesTable(rows: CaseResult[], dir: string): string {
  if (!rows.length) return `<p class="sub">No case exercises it.</p>`;
  return `<table><thead><tr><th style="width:70px">result</th><th style="width:30%">case</th><th>title</th><th style="width:80px">cite</th><th style="width:170px">evaluators</th></tr></thead><tbody>${rows.map((r) => caseRow(r, dir)).join("")}</tbody></table>`;
}

function renderDiffHtml(expected: unknown, actual: unknown): string {
  const lines = diffValues(expected, actual).map(
    (l) =>
      `<span class="${l.op === "-" ? "del" : l.op === "+" ? "add" : "same"}">${esc(`${l.op} ${l.text}`)}</span>`,
  );
  return `<div class="legend"><span class="case-fail">− expected</span> · <span class="case-pass">+ actual</span></div><pre class="diff">${lines.join("")}</pre>`;
}

/** Renders the report page. */
export function renderHtml(result: SuiteResult): string {
  const dir = result.dir;
  const byId = new Map(result.cases.map((r) => [r.case.id, r]));
  const rules = new Map((result.policies.bundle?.rules ?? []).map((r) => [r.id, r]));
  const ruleCoverage = new Map(result.coverage.rules.map((r) => [r.rule, r]));
  const citationsByOwner = new Map<string, CitationRecord[]>();
  for (const c of result.citations.records) {
    if (c.from !== "policy") continue;
    const owner = c.owner.split("#")[0]!;
    citationsByOwner.set(owner, [...(citationsByOwner.get(owner) ?? []), c]);
  }
  const caseCitations = new Map(
    result.citations.records.filter((c) => c.from === "case").map((c) => [c.owner, c]),
  );
  const { passed, failed, skipped } = result.counts;
  const norms = result.coverage.norms;
  const externalCitations = result.citations.records.filter((c) => c.status === "external").length;
  const checkedCitations = result.citations.records.length - externalCitations;
  const count = (s: NormCoverage["status"]) => norms.filter((n) => n.status === s).length;

  const parts: string[] = [];
  parts.push(
    `<header><h1>Norma conformance report</h1><p class="sub">Suite <code>${esc(dir)}</code> · policies <code>${esc(result.policies.dir)}</code> · evaluators ${esc(result.evaluators.join(" and "))}${result.policies.bundle ? ` · bundle <code>${esc(result.policies.bundle.hash.slice(0, 23))}…</code>` : ""}</p></header>`,
  );
  parts.push(
    result.ok
      ? `<div class="banner ok">All ${passed} cases passed on ${esc(result.evaluators.join(" and "))}; no problems.</div>`
      : `<div class="banner bad">The suite FAILS: ${failed} failed${result.problems.length ? " — " + esc(result.problems.join("; ")) : ""}.</div>`,
  );
  parts.push(
    result.citations.verified
      ? `<div class="banner ${result.citations.failures.length ? "bad" : "ok"}">Citations verified against <code>${esc(result.sourcesDir)}</code>: ${checkedCitations - result.citations.failures.length} of ${checkedCitations} hold (quote on its line, file hash as pinned)${externalCitations ? `; ${externalCitations} cite external pages, which cannot be checked against the seeds` : ""}.</div>`
      : `<div class="banner warn">Citations were NOT verified: no sources directory was given, so no quote below has been checked against its source.</div>`,
  );
  parts.push(`<div class="cards">
<div class="card"><div class="n">${passed}</div><div class="l">cases passed</div></div>
<div class="card"><div class="n">${failed}</div><div class="l">failed (incl. bad case files)</div></div>
<div class="card"><div class="n">${skipped}</div><div class="l">skipped</div></div>
<div class="card"><div class="n">${count("covered")} / ${norms.length}</div><div class="l">norms covered by rules and cases</div></div>
<div class="card"><div class="n">${count("not-encoded")}</div><div class="l">norms explained as not encoded</div></div>
<div class="card"><div class="n">${result.coverage.rules.length - result.coverage.neverFired.length} / ${result.coverage.rules.length}</div><div class="l">rules fired in some case</div></div>
</div>`);
  parts.push(
    `<nav class="toc"><strong>Contents:</strong> <a href="#norms">Norms by source</a><a href="#coverage">Coverage</a><a href="#failures">Failures</a><a href="#citations">Citations</a>${result.counts.skipped ? `<a href="#skipped">Skipped</a>` : ""}</nav>`,
  );

  // Norms, grouped by source
  parts.push(`<h2 id="norms">Norms by source</h2>`);
  const sources = [...new Set(norms.map((n) => n.source))];
  for (const s of sources) {
    const group = norms.filter((n) => n.source === s);
    const file = result.sourceFiles.get(s);
    parts.push(
      `<h2 id="source-${esc(s)}" style="font-size:19px">${esc(s)} <span class="sub mono" style="font-size:14px">${esc(file ?? "")}</span> <span class="sub" style="font-size:14px">— ${group.filter((n) => n.status === "covered").length} of ${group.length} covered</span></h2>`,
    );
    const prefixes = new Set(group.map((n) => n.id.split("-")[0]));
    let topic: string | null = null;
    for (const n of group) {
      // A source that holds several topics (OPS: one per line) gets a heading per norm-id prefix.
      const prefix = n.id.split("-")[0]!;
      if (prefixes.size > 1 && prefix !== topic) {
        topic = prefix;
        const places = [
          ...new Set(group.filter((m) => m.id.startsWith(prefix + "-")).flatMap((m) => m.places)),
        ];
        parts.push(
          `<h3 class="topic">${esc(prefix)} <span class="sub mono">${esc(places.join(", "))}</span></h3>`,
        );
      }
      const out: string[] = [];
      out.push(
        `<section class="norm ${esc(n.status)}" id="norm-${esc(n.id)}"><div class="norm-head"><h3>${esc(n.id)}</h3>${badgeForNorm(n.status)}<span class="sub mono">${esc(n.places.join(", "))}</span></div><p>${esc(n.summary)}</p>`,
      );
      if (n.notEncoded !== null) out.push(`<p><strong>Not encoded:</strong> ${esc(n.notEncoded)}</p>`);
      out.push(`<h4>Rules (${n.rules.length})</h4>`);
      if (!n.rules.length) out.push(`<p class="sub">No rule implements it.</p>`);
      for (const id of n.rules) {
        const rule = rules.get(id);
        const cov = ruleCoverage.get(id);
        out.push(
          `<div class="rule"><p><code>${esc(id)}</code> ${rule?.title ? esc(rule.title) : ""} <span class="sub">(policy <code>${esc(rule?.policy ?? "?")}</code>; fired in ${cov?.firedIn.length ?? 0} case(s), not fired in ${cov?.notFiredIn.length ?? 0})</span></p>`,
        );
        for (const c of citationsByOwner.get(id) ?? []) out.push(renderCitation(c, result.sourcesDir));
        out.push(`</div>`);
      }
      out.push(`<h4>Cases (${n.cases.length})</h4>`);
      out.push(
        casesTable(
          n.cases.map((id) => byId.get(id)).filter((r): r is CaseResult => !!r),
          dir,
        ),
      );
      out.push(`</section>`);
      parts.push(out.join(""));
    }
  }

  // Coverage tables
  parts.push(
    `<h2 id="coverage">Coverage</h2><h4>Norms per source</h4><table><thead><tr><th>source</th><th>file</th><th class="num">norms</th><th class="num">covered</th><th class="num">not encoded</th><th class="num">gaps</th></tr></thead><tbody>`,
  );
  for (const s of sources) {
    const g = norms.filter((n) => n.source === s);
    const gaps = g.filter((n) => n.status === "no-cases" || n.status === "no-rules").length;
    parts.push(
      `<tr><td><a href="#source-${esc(s)}">${esc(s)}</a></td><td class="mono">${esc(result.sourceFiles.get(s) ?? "")}</td><td class="num">${g.length}</td><td class="num">${g.filter((n) => n.status === "covered").length}</td><td class="num">${g.filter((n) => n.status === "not-encoded").length}</td><td class="num">${gaps ? `<span class="case-fail">${gaps}</span>` : 0}</td></tr>`,
    );
  }
  parts.push(
    `</tbody></table><h4>Rules</h4><table><thead><tr><th>rule</th><th>policy</th><th>norms</th><th class="num">fired in</th><th class="num">not fired in</th><th>coverage</th></tr></thead><tbody>`,
  );
  for (const r of result.coverage.rules) {
    const ok = r.firedIn.length > 0 && r.notFiredIn.length > 0;
    const gap =
      r.firedIn.length === 0
        ? "never fired"
        : r.notFiredIn.length === 0
          ? "never seen not firing"
          : "both ways";
    parts.push(
      `<tr><td><code>${esc(r.rule)}</code></td><td class="mono">${esc(r.policy)}</td><td class="mono">${r.norms.map((n) => `<a href="#norm-${esc(n)}">${esc(n)}</a>`).join(" ")}</td><td class="num">${r.firedIn.length}</td><td class="num">${r.notFiredIn.length}</td><td><span class="badge ${ok ? "b-ok" : "b-bad"}">${gap}</span></td></tr>`,
    );
  }
  if (!result.coverage.rules.length)
    parts.push(
      `<tr><td colspan="6" class="sub">No rules (the policies did not build, or there are none).</td></tr>`,
    );
  parts.push(`</tbody></table>`);

  // Failures
  parts.push(`<h2 id="failures">Failures</h2>`);
  const failedCases = result.cases.filter((r) => r.status === "failed");
  if (
    !failedCases.length &&
    !result.caseFileErrors.length &&
    !result.policies.diagnostics.some((d) => d.severity === "error")
  )
    parts.push(`<p>None.</p>`);
  if (result.caseFileErrors.length) {
    parts.push(
      `<h4>Bad case files (the run fails on them; they are never skipped)</h4><table><thead><tr><th>where</th><th>pointer</th><th>problem</th></tr></thead><tbody>`,
    );
    for (const e of result.caseFileErrors)
      parts.push(
        `<tr><td class="mono">${esc(`${dir}/${e.file}:${e.line}:${e.column}`)}</td><td class="mono">${esc(e.pointer || "/")}</td><td>${esc(e.message)}${e.help ? `<br><span class="sub">help: ${esc(e.help)}</span>` : ""}</td></tr>`,
      );
    parts.push(`</tbody></table>`);
  }
  const policyErrors = result.policies.diagnostics.filter((d) => d.severity === "error");
  if (policyErrors.length)
    parts.push(
      `<h4>Policy errors</h4><pre class="diff">${esc(policyErrors.map((d) => d.rendered).join("\n\n"))}</pre>`,
    );
  for (const r of failedCases) {
    parts.push(
      `<section class="norm no-cases"><div class="norm-head"><h3><code>${esc(r.case.id)}</code></h3>${badgeForCase(r.status)}<span class="sub mono">${esc(`${dir}/${r.case.file}:${r.case.location.line}`)}</span></div><p>${esc(r.case.title)}</p>`,
    );
    const cc = caseCitations.get(r.case.id);
    if (cc) parts.push(renderCitation(cc, result.sourcesDir));
    for (const f of r.problems)
      parts.push(
        `<p><strong>${esc(f.message)}</strong></p>${f.expected === null && f.actual === null ? "" : renderDiffHtml(f.expected, f.actual)}`,
      );
    for (const { f, evaluators } of mergeFailures(r)) {
      parts.push(
        `<p><strong>${esc(evaluators.join(" and "))}</strong> · expect[${f.index}]: ${esc(f.message)}</p>${renderDiffHtml(f.expected, f.actual)}`,
      );
    }
    parts.push(`</section>`);
  }

  // Citations
  parts.push(`<h2 id="citations">Citation verification</h2>`);
  parts.push(
    `<table class="fixed"><thead><tr><th style="width:118px">status</th><th style="width:64px">from</th><th style="width:30%">by</th><th style="width:150px">cites</th><th>quote</th></tr></thead><tbody>`,
  );
  for (const c of result.citations.records) {
    parts.push(
      `<tr><td>${badgeForCitation(c)}</td><td>${esc(c.from)}</td><td><code>${esc(c.owner)}</code><br><span class="sub mono">${esc(c.at)}</span></td><td class="mono">${esc(`${c.source}:${c.line}`)}<br><span class="sub">${esc(c.file ?? "")}</span></td><td>“${esc(c.quote)}”${c.detail ? `<br><span class="case-fail">${esc(c.detail)}</span>` : ""}</td></tr>`,
    );
  }
  if (!result.citations.records.length) parts.push(`<tr><td colspan="5" class="sub">No citations.</td></tr>`);
  parts.push(`</tbody></table>`);

  const skippedCases = result.cases.filter((r) => r.status === "skipped");
  if (skippedCases.length) {
    parts.push(`<h2 id="skipped">Skipped cases</h2>`);
    parts.push(casesTable(skippedCases, dir));
  }
  const language = result.cases.filter((r) => r.case.kind === "language");
  if (language.length) {
    const features = [...new Set(language.map((r) => (r.case.kind === "language" ? r.case.feature : "")))];
    parts.push(
      `<h2 id="language">Language conformance</h2><table><thead><tr><th>feature</th><th class="num">cases</th><th class="num">passed</th><th class="num">failed</th></tr></thead><tbody>`,
    );
    for (const f of features) {
      const rs = language.filter((r) => r.case.kind === "language" && r.case.feature === f);
      parts.push(
        `<tr><td>${esc(f)}</td><td class="num">${rs.length}</td><td class="num">${rs.filter((r) => r.status === "passed").length}</td><td class="num">${rs.filter((r) => r.status === "failed").length}</td></tr>`,
      );
    }
    parts.push(`</tbody></table>`);
  }
  parts.push(
    `<footer>Generated by <code>norma test</code>. Norm summaries are our restatements; the seed text is authoritative.</footer>`,
  );
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Norma conformance report</title><style>${STYLE}</style></head>
<body><main>
${parts.join("\n")}
</main></body></html>
`;
}
