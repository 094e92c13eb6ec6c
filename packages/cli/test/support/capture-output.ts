/**
 * The process's standard output and error, captured for each test of the file that calls
 * {@link captureOutput} (written text, not printed).
 */
import { afterEach, beforeEach, vi } from "vitest";

/** What the current test wrote so far. */
export interface CapturedOutput {
  stdout: string;
  stderr: string;
}

/** Captures standard output and error in every test of the calling file; read the returned object. */
export function captureOutput(): CapturedOutput {
  const out: CapturedOutput = { stdout: "", stderr: "" };
  beforeEach(() => {
    out.stdout = "";
    out.stderr = "";
    vi.spyOn(process.stdout, "write").mockImplementation((chunk) => ((out.stdout += String(chunk)), true));
    vi.spyOn(process.stderr, "write").mockImplementation((chunk) => ((out.stderr += String(chunk)), true));
  });
  afterEach(() => vi.restoreAllMocks());
  return out;
}
