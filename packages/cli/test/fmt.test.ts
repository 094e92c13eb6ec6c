/** `norma fmt`: rewrites files, `--check` lists unformatted files, syntax errors are code frames. */
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { run } from "../src/commands/fmt.js";

const FORMATTED = 'policy a.b "标题" reads facts@1\n\nlet x = 1 + 2\n';
const UNFORMATTED = 'policy   a.b "标题" reads facts@1\nlet x = 1+2\n';
const BROKEN = 'policy a.b "t" reads facts@1\nlet x = 1 < 2 < 3\n';

let dir: string;
let out: string;
let err: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "norma-fmt-"));
  out = "";
  err = "";
  vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
    err += String(chunk);
    return true;
  });
});

afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

function write(path: string, text: string): string {
  const full = join(dir, path);
  mkdirSync(join(full, ".."), { recursive: true });
  writeFileSync(full, text, "utf8");
  return full;
}

describe("norma fmt", () => {
  test("rewrites unformatted files found recursively, leaves others alone", async () => {
    const a = write("a.norma", UNFORMATTED);
    const b = write("sub/deeper/b.norma", FORMATTED);
    const other = write("sub/notes.txt", UNFORMATTED);
    expect(await run([dir])).toBe(0);
    expect(readFileSync(a, "utf8")).toBe(FORMATTED);
    expect(readFileSync(b, "utf8")).toBe(FORMATTED);
    expect(readFileSync(other, "utf8")).toBe(UNFORMATTED);
    expect(out).toBe(`formatted ${a}\n`);
    expect(err).toBe("");
  });

  test("--check writes nothing, lists unformatted files and exits 1", async () => {
    const a = write("a.norma", UNFORMATTED);
    write("b.norma", FORMATTED);
    expect(await run(["--check", dir])).toBe(1);
    expect(readFileSync(a, "utf8")).toBe(UNFORMATTED);
    expect(out).toBe(`${a}\n`);
    expect(err).toContain("1 file is not formatted");
  });

  test("--check exits 0 when everything is formatted", async () => {
    write("a.norma", FORMATTED);
    expect(await run(["--check", dir])).toBe(0);
    expect(out).toBe("");
  });

  test("a file with syntax errors is reported as a code frame, not rewritten, exit 1", async () => {
    const bad = write("bad.norma", BROKEN);
    const good = write("good.norma", UNFORMATTED);
    expect(await run([dir])).toBe(1);
    expect(readFileSync(bad, "utf8")).toBe(BROKEN);
    expect(readFileSync(good, "utf8")).toBe(FORMATTED);
    expect(err).toContain(`${bad}:2:15: error[parse/chained-comparison]: comparisons cannot be chained`);
    expect(err).toContain("2 | let x = 1 < 2 < 3\n  |               ^\n");
    expect(err).toContain("1 file not formatted because of syntax errors");
  });

  test("an explicit file path is formatted whatever its extension", async () => {
    const f = write("policy.txt", UNFORMATTED);
    expect(await run([f])).toBe(0);
    expect(readFileSync(f, "utf8")).toBe(FORMATTED);
  });

  test("defaults to policies/ under the working directory", async () => {
    const f = write("policies/x/a.norma", UNFORMATTED);
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      expect(await run(["--check"])).toBe(1);
    } finally {
      process.chdir(cwd);
    }
    expect(out).toBe(`${join("policies", "x", "a.norma")}\n`);
    expect(readFileSync(f, "utf8")).toBe(UNFORMATTED);
  });

  test("a missing path and an unknown option are usage errors (exit 2)", async () => {
    expect(await run([join(dir, "nope")])).toBe(2);
    expect(err).toContain("cannot read");
    err = "";
    expect(await run(["--bogus"])).toBe(2);
    expect(err).toMatch(/^error: unknown option `--bogus`/);
  });

  test("--help prints the usage", async () => {
    expect(await run(["--help"])).toBe(0);
    expect(out).toContain("usage: norma fmt [--check] [paths…]");
  });
});
