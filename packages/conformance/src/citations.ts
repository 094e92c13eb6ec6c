/**
 * Citation verification for the suite: the cases' own citations (the quote occurs verbatim on that
 * line of the seed file, and the file is the version the policies pin), and the policies'
 * citations as `buildBundle` verified them. Without a sources directory nothing is verified, and
 * every citation says so.
 */
import { checkQuote, readSource } from "@norma/compiler";
import type { PoliciesBuild } from "./engine.js";
import type { Case } from "./types.js";

/** The verification status of one citation. */
export type CitationStatus =
  | "verified"
  | "not-verified"
  | "quote-not-found"
  | "line-out-of-range"
  | "source-not-found"
  | "source-changed"
  | "unknown-source"
  | "unpinned"
  | "external";

/** One citation of the suite, from a policy or a case, with its status. */
export interface CitationRecord {
  /** `policy` (a rule, exception or parameter cites it) or `case`. */
  from: "policy" | "case";
  /** The rule/exception/param id, or the case id. */
  owner: string;
  /** The catalogue's source id (`FIL`), or the policy's own name for the source. */
  source: string;
  /** The seed file, when known. */
  file: string | null;
  line: number;
  quote: string;
  /** Where the citation is written: `policies/x.norma:12:3` or `conformance/x.yaml:7:5`. */
  at: string;
  status: CitationStatus;
  /** Why it did not verify, for people. */
  detail: string | null;
}

/** True when the status counts as a failure (verification ran and the citation did not hold). */
export function isCitationFailure(status: CitationStatus): boolean {
  return status !== "verified" && status !== "not-verified" && status !== "external";
}

/** The policy citations and pins of a build, as records (their problems come from the build). */
export function policyCitationRecords(build: PoliciesBuild): CitationRecord[] {
  const pinProblems = new Map<string, string[]>();
  for (const p of build.pins) {
    if (p.problems.length)
      pinProblems.set(
        `${p.policy}\u0000${p.source}`,
        p.problems.map((d) => `${d.code}: ${d.message}`),
      );
  }
  return build.citations.map((c) => {
    const own = c.problems[0];
    const pin = pinProblems.get(`${c.policy}\u0000${c.source}`);
    let status: CitationStatus = build.citationsVerified ? "verified" : "not-verified";
    let detail: string | null = null;
    if (own) {
      status = own.code === "check/line-out-of-range" ? "line-out-of-range" : "quote-not-found";
      detail = own.message + (own.help ? ` (${own.help})` : "");
    } else if (pin) {
      status = pin[0]!.startsWith("check/source-not-found") ? "source-not-found" : "source-changed";
      detail = pin.join("; ");
    } else if (c.sourceUrl !== null) {
      status = "external";
      detail = `cites an external page, ${c.sourceUrl}: it cannot be verified against the seed files`;
    } else if (build.citationsVerified && c.sourceFile === null) {
      status = "unknown-source";
      detail = `\`${c.source}\` is not a file source of the policy`;
    }
    return {
      from: "policy",
      owner: c.owner,
      source: c.source,
      file: c.sourceFile,
      line: c.line,
      quote: c.quote,
      at: c.at,
      status,
      detail,
    };
  });
}

/**
 * Verifies each case's `cite` against the seed file its source id names in `policies/norms.yaml`,
 * and that the file's SHA-256 is the one the policies pin for it.
 */
export function caseCitationRecords(
  cases: Case[],
  sourceFiles: ReadonlyMap<string, string>,
  sourcesDir: string | null,
  pins: PoliciesBuild["pins"],
  suiteDir: string,
): CitationRecord[] {
  const pinned = new Map<string, Set<string>>();
  for (const p of pins) pinned.set(p.file, (pinned.get(p.file) ?? new Set()).add(p.sha256));
  const out: CitationRecord[] = [];
  for (const c of cases) {
    if (!c.cite) continue;
    const [source, lineText] = c.cite.at.split(":") as [string, string];
    const line = Number(lineText);
    const file = sourceFiles.get(source) ?? null;
    const rec: CitationRecord = {
      from: "case",
      owner: c.id,
      source,
      file,
      line,
      quote: c.cite.quote,
      at: `${suiteDir}/${c.file}:${c.location.line}:${c.location.column}`,
      status: "not-verified",
      detail: null,
    };
    out.push(rec);
    if (!sourcesDir) continue;
    if (!file) {
      rec.status = "unknown-source";
      rec.detail = `\`${source}\` is not in the \`sources:\` of policies/norms.yaml`;
      continue;
    }
    const loaded = readSource(sourcesDir, file);
    if (!loaded) {
      rec.status = "source-not-found";
      rec.detail = `\`${file}\` is not in \`${sourcesDir}\``;
      continue;
    }
    const q = checkQuote(loaded, line, c.cite.quote);
    if (!q.ok) {
      rec.status = q.reason;
      rec.detail =
        (q.reason === "line-out-of-range"
          ? `\`${file}\` has no line ${line}`
          : `the quote is not on line ${line} of \`${file}\``) +
        (q.foundOnLine !== null ? `; it occurs on line ${q.foundOnLine}` : "; it occurs nowhere in the file");
      continue;
    }
    const hashes = pinned.get(file);
    if (!hashes || hashes.size === 0) {
      rec.status = "unpinned";
      rec.detail = `no policy pins \`${file}\`, so its version cannot be checked`;
    } else if (!hashes.has(loaded.sha256)) {
      rec.status = "source-changed";
      rec.detail = `\`${file}\` is not the version the policies pin (its SHA-256 is ${loaded.sha256})`;
    } else rec.status = "verified";
  }
  return out;
}
