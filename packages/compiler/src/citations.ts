/**
 * Citation verification: a quote must occur verbatim on its line of the cited source file, and the
 * file must be the very version the policy pins (its SHA-256). Used by `norma check --sources`,
 * `norma build --sources` and the conformance runner (for policies and cases alike).
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type * as A from "@norma/lang";
import type { Diagnostic } from "@norma/lang";
import type { CheckedPolicy } from "./check.js";

interface LoadedSource {
  sha256: string;
  lines: string[];
}

const cache = new Map<string, LoadedSource | null>();

/** Reads a source file once (null when missing); lines split on LF or CRLF, 1-based via `lines[n-1]`. */
export function readSource(dir: string, file: string): LoadedSource | null {
  const path = join(dir, file);
  if (cache.has(path)) return cache.get(path)!;
  let loaded: LoadedSource | null;
  try {
    const bytes = readFileSync(path);
    loaded = {
      sha256: createHash("sha256").update(bytes).digest("hex"),
      lines: bytes.toString("utf8").split(/\r?\n/),
    };
  } catch {
    loaded = null;
  }
  cache.set(path, loaded);
  return loaded;
}

/** The outcome of checking one quote against a loaded source. */
export type QuoteCheck =
  { ok: true } | { ok: false; reason: "line-out-of-range" | "quote-not-found"; foundOnLine: number | null };

/** Checks that `quote` occurs verbatim on 1-based `line`; when not, says where it does occur, if anywhere. */
export function checkQuote(source: LoadedSource, line: number, quote: string): QuoteCheck {
  const text = source.lines[line - 1];
  if (text === undefined || line < 1)
    return { ok: false, reason: "line-out-of-range", foundOnLine: findLine(source, quote) };
  if (text.includes(quote)) return { ok: true };
  return { ok: false, reason: "quote-not-found", foundOnLine: findLine(source, quote) };
}

function findLine(source: LoadedSource, quote: string): number | null {
  const i = source.lines.findIndex((l) => l.includes(quote));
  return i < 0 ? null : i + 1;
}

/** Verifies every citation of a checked policy against the files in `dir`. */
export function verifyPolicyCitations(cp: CheckedPolicy, dir: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const loaded = new Map<string, LoadedSource | null>();
  for (const s of cp.sources.values()) {
    if (s.location.kind !== "file") continue;
    const src = readSource(dir, s.location.file.value);
    loaded.set(s.name.name, src);
    if (!src) {
      out.push({
        code: "check/source-not-found",
        severity: "error",
        message: `source file \`${s.location.file.value}\` is not in \`${dir}\``,
        span: s.location.file.span,
        file: cp.file,
        help: "pass the directory that holds the source documents with `--sources DIR`",
      });
    } else if (src.sha256 !== s.location.sha256.value) {
      out.push({
        code: "check/source-changed",
        severity: "error",
        message: `\`${s.location.file.value}\` is not the version this policy pins`,
        span: s.location.sha256.span,
        file: cp.file,
        help: `its SHA-256 is \`${src.sha256}\`; re-read the cited lines, then pin the new hash`,
      });
    }
  }
  const citations: A.Citation[] = [];
  for (const d of cp.ast.declarations) {
    if (d.kind === "RuleDecl") {
      citations.push(...d.citations);
      for (const ex of d.exceptions) citations.push(...ex.citations);
    } else if (d.kind === "ParamDecl") for (const v of d.versions) citations.push(...v.citations);
  }
  for (const c of citations) {
    const src = loaded.get(c.source.name);
    if (!src) continue; // url sources, undeclared (already an error) or missing files (reported above)
    const r = checkQuote(src, c.line, c.quote.value);
    if (r.ok) continue;
    const where =
      r.foundOnLine !== null
        ? `it occurs on line ${r.foundOnLine}`
        : "it occurs nowhere in the file; quote the text exactly (same punctuation)";
    out.push({
      code: r.reason === "line-out-of-range" ? "check/line-out-of-range" : "check/quote-not-found",
      severity: "error",
      message:
        r.reason === "line-out-of-range"
          ? `\`${c.source.name}\` has no line ${c.line}`
          : `the quote is not on line ${c.line} of \`${c.source.name}\``,
      span: r.reason === "line-out-of-range" ? c.lineSpan : c.quote.span,
      file: cp.file,
      help: where,
    });
  }
  return out;
}
