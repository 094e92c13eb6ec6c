/**
 * The text form of a decision, for compliance authors: the verdict first, then each outcome with
 * its message, norms and the quoted source lines and why it happened, then why every other rule
 * did not act.
 */
import type { Because, Decision, JsonValue, Outcome, RuleExplanation } from "./decision.js";
import { displayPath } from "./engine/render-logic.js";

function short(v: JsonValue, max = 80): string {
  const s = typeof v === "string" ? JSON.stringify(v) : (JSON.stringify(v) ?? "null");
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

function becauseLine(b: Because): string {
  const saw = Object.entries(b.saw)
    .filter(([path]) => path !== b.text)
    .map(([path, v]) => `${displayPath(path)} = ${short(v, 60)}`);
  const text = b.text.replace(/\s+/g, " ");
  const head = `\`${text.length > 120 ? `${text.slice(0, 119)}…` : text}\` is ${short(b.value)}`;
  return saw.length > 0 ? `${head} (${saw.join(", ")})` : head;
}

function becauseBlock(because: readonly Because[], indent: string): string[] {
  if (because.length === 0) return [];
  const max = 12;
  const lines = because.slice(0, max).map((b) => `${indent}- ${becauseLine(b)}`);
  if (because.length > max) lines.push(`${indent}- … and ${because.length - max} more`);
  return lines;
}

function citationLines(citations: Outcome["citations"], indent: string): string[] {
  return citations.map((c) => `${indent}${c.source}:${c.line} “${c.quote}”`);
}

function outcomeBlock(o: Outcome, r: RuleExplanation | undefined, n: number): string[] {
  const lines: string[] = [];
  const value = o.effect === "assess" ? ` = ${o.display ?? short(o.value)}` : "";
  lines.push(
    `${n}. ${o.effect} \`${o.label}\`${value}  (rule ${o.rule}${r?.title ? ` “${r.title}”` : ""}, policy ${o.policy})`,
  );
  if (o.message !== null) lines.push(`   ${o.message}`);
  if (o.norms.length > 0) lines.push(`   norms: ${o.norms.join(", ")}`);
  lines.push(...citationLines(o.citations, "   "));
  if (r) {
    const because = becauseBlock(r.because, "     ");
    if (because.length > 0) lines.push("   because:", ...because);
    if (r.exception && o.exception !== null) {
      lines.push(
        `   exception ${r.exception.id}${r.exception.title ? ` “${r.exception.title}”` : ""} applied:`,
      );
      lines.push(...becauseBlock(r.exception.because, "     "));
    }
    if (r.error) lines.push(`   error: ${r.error}`);
  }
  if (o.evidence.length > 0) {
    lines.push("   in the source:");
    for (const e of o.evidence)
      lines.push(
        `     ${e.file}:${e.line}${e.snippet ? `  ${e.snippet.trim().slice(0, 80)}` : ""}  (${e.pointer})`,
      );
  }
  return lines;
}

function quietBlock(r: RuleExplanation): string[] {
  const title = r.title ? ` “${r.title}”` : "";
  switch (r.status) {
    case "not-in-force": {
      const from = r.effective?.from ? `from ${r.effective.from}` : "";
      const until = r.effective?.until ? `until ${r.effective.until}` : "";
      return [
        `- ${r.rule}${title}: not in force at the as-of instant (in force ${[from, until].filter(Boolean).join(" ")})`,
      ];
    }
    case "error":
      return [`- ${r.rule}${title}: could not be evaluated: ${r.error ?? "unknown error"}`];
    case "excepted": {
      const x = r.exception;
      const lines = [
        `- ${r.rule}${title}: its condition held, but exception ${x?.id ?? "?"}${x?.title ? ` “${x.title}”` : ""} applied`,
      ];
      lines.push(...becauseBlock(r.because, "    "));
      if (x) {
        if (x.norms.length > 0) lines.push(`    exception norms: ${x.norms.join(", ")}`);
        lines.push(...citationLines(x.citations, "    "));
        lines.push("    the exception held because:", ...becauseBlock(x.because, "    "));
      }
      return lines;
    }
    case "fired":
      return [`- ${r.rule}${title}: fired without an outcome`];
    default:
      return [`- ${r.rule}${title}: did not apply`, ...becauseBlock(r.because, "    ")];
  }
}

/**
 * Renders a decision as text a person can follow: the verdict and as-of instant, each outcome
 * (message, norms, quoted source lines, the atoms that decided, an applied exception), then each
 * rule that did not act and why. Ends with a newline.
 */
export function renderDecisionText(decision: Decision): string {
  const lines: string[] = [];
  lines.push(`verdict: ${decision.verdict}`);
  lines.push(`as of ${decision.asOf}`);
  lines.push(
    `bundle ${decision.bundle}${decision.factsHash ? ` · facts ${decision.factsHash}` : ""} · ${decision.engine.name} ${decision.engine.version} (${decision.engine.evaluator})`,
  );
  const byRule = new Map(decision.rules.map((r) => [r.rule, r]));
  lines.push("");
  if (decision.outcomes.length === 0) lines.push("no rule acted");
  else {
    lines.push(`outcomes (${decision.outcomes.length})`);
    decision.outcomes.forEach((o, i) => {
      if (i > 0) lines.push("");
      lines.push(...outcomeBlock(o, byRule.get(o.rule), i + 1));
    });
  }
  const acted = new Set(decision.outcomes.map((o) => o.rule));
  const quiet = decision.rules.filter((r) => !acted.has(r.rule));
  if (quiet.length > 0) {
    lines.push("", `rules that did not act (${quiet.length})`);
    for (const r of quiet) lines.push(...quietBlock(r));
  }
  if (!decision.explained) lines.push("", "(decided without explanations)");
  return lines.join("\n") + "\n";
}
