/**
 * Which files are vendored: code the developers did not write (npm packages, minified builds,
 * SDK folders). A privacy call in a vendored file is still in the package, but it is reported as
 * vendored; first-party facts (UGC flows, complaint pages, popups) are read only from first-party
 * files.
 */
import micromatch from "micromatch";

/**
 * Directory names that are never walked. `node_modules` is not uploaded with a mini program (the
 * developer tools build `miniprogram_npm` from it) and under cloud functions it is server-side
 * library code that cannot call `wx.*`; walking it would make extraction slow for nothing.
 */
export const PRUNED_DIRS: ReadonlySet<string> = new Set([
  "node_modules",
  ".git",
  ".svn",
  ".hg",
  ".idea",
  ".vscode",
  ".husky",
  ".github",
  "coverage",
  ".temp",
  ".cache",
]);

/**
 * Globs (micromatch, matched against the project-relative path) of vendored files. Each entry
 * says why.
 */
export const VENDORED_GLOBS: readonly string[] = [
  "**/miniprogram_npm/**", // npm packages built by the developer tools
  "**/node_modules/**", // npm packages (only reached when a caller names such a file)
  "**/*.min.js", // minified third-party builds
  "**/{vendor,vendors,third_party,third-party,thirdparty,sdk,sdks,libs}/**", // SDK folders
  "**/*{sdk,SDK}*.js", // single-file SDKs: qqmap-wx-jssdk.js, sensorsdata-sdk.js
  "**/common/vendor.js", // uni-app build output
  "**/{vendors,taro,runtime}.js", // Taro build output
  "**/uni_modules/**", // uni-app plugin market modules
  "**/wxcomponents/**", // third-party native components copied into uni-app projects
];

const matchers = VENDORED_GLOBS.map((g) => micromatch.matcher(g, { dot: true }));

/** True when the project-relative path is vendored code. */
export function isVendoredPath(rel: string): boolean {
  return matchers.some((m) => m(rel));
}
