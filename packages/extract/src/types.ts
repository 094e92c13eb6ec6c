/**
 * Shared types of the extractor: places in the package, the findings a scan produces, and the
 * result `extractFacts` returns.
 *
 * A finding is what the package shows (a call, a tag, a key in app.json) with the place that proves
 * it; the facts document is built from findings, and every fact in it points back to one place
 * through the evidence list.
 */

/** A place in the scanned project: a file relative to the project directory, 1-based line. */
export interface Place {
  /** Path relative to the directory given to `extractFacts`, with `/` separators. */
  file: string;
  /** 1-based line. */
  line: number;
  /** 1-based column, when known. */
  column?: number;
  /** The source line, trimmed and shortened to at most 160 characters. */
  snippet: string;
}

/** One piece of evidence: the fact at `pointer` in the facts document is proven by `place`. */
export interface Evidence extends Place {
  /** JSON pointer (RFC 6901) into the facts document. */
  pointer: string;
  /** True when the proving code is vendored (miniprogram_npm, SDK folders, minified builds). */
  vendored?: boolean;
  /** What the place shows, for people: `call`, `input`, `sent to database \`posts\``. */
  note?: string;
}

/** Stable warning codes, prefixed by the phase that reports them. */
export type WarningCode =
  | "extract/decoy-app-json"
  | "extract/unreadable-file"
  | "extract/invalid-json"
  | "extract/parse-error"
  | "extract/file-too-large"
  | "extract/partial-layout"
  | "extract/undeclared-private-info"
  | "extract/unused-private-info"
  | "extract/conflicting-private-info"
  | "extract/unresolved-cloud-function"
  | "extract/check-never-called"
  | "extract/check-only-errcode"
  | "extract/missing-page"
  | "extract/invalid-profile"
  | "profile/disagrees-with-package"
  | "profile/unknown-field";

/** A warning about the package or the profile, with every place it concerns. */
export interface ExtractWarning {
  code: WarningCode;
  /** Lowercase, no final period; user input in backticks. */
  message: string;
  /** The places concerned (both sides of a disagreement). */
  places: Array<Pick<Place, "file" | "line"> & { column?: number }>;
}

/** A fatal problem: facts could not be extracted at all (missing directory, no mini program). */
export interface ExtractError {
  code:
    "extract/not-a-directory" | "extract/no-mini-program" | "extract/unreadable-profile" | "extract/internal";
  message: string;
  file?: string;
}

/** How the project is laid out. */
export type LayoutKind = "native" | "uni-app" | "taro" | "wepy" | "mpvue" | "unknown";

/** Where the mini program sits inside the directory and how it was found. */
export interface Layout {
  kind: LayoutKind;
  /** Directory of the mini-program sources relative to the project directory (`.` for itself). */
  root: string;
  /** The config file the pages were read from: app.json, pages.json (uni-app) or app.config.* (Taro). */
  appJson: string | null;
  /** project.config.json, when present. */
  projectConfig: string | null;
  /** Cloud-function root relative to the project directory, when present. */
  cloudfunctionRoot: string | null;
  /** How the root was found, for people reading the output. */
  foundBy: string;
}

/** A value found at a place. */
export type Located<T> = T & { at: Place };

/** Statistics of one run (not part of the facts). */
export interface ExtractStats {
  filesSeen: number;
  filesScanned: number;
  /** Vendored directories that were not walked (node_modules and the like). */
  prunedDirs: number;
  ms: number;
}
