/**
 * `norma serve` as a process: it reloads its policies on SIGHUP and, with `--watch`, when a file
 * under them changes; a reload that fails leaves the old bundle serving.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const REPO = join(import.meta.dirname, "../../..");
const MAIN = join(REPO, "packages/cli/src/main.ts");

let child: ChildProcessWithoutNullStreams | null = null;
afterEach(() => {
  child?.kill("SIGKILL");
  child = null;
});

/** Starts `norma serve` on a copy of the policies; resolves with its URL and a way to await log lines. */
async function serve(extra: string[]) {
  const dir = mkdtempSync(join(tmpdir(), "norma-serve-"));
  const policies = join(dir, "policies");
  cpSync(join(REPO, "policies"), policies, { recursive: true });
  const proc = spawn(
    process.execPath,
    ["--import", "tsx", MAIN, "serve", "--policies", policies, "--port", "0", ...extra],
    { cwd: REPO },
  );
  child = proc;
  let log = "";
  proc.stderr.on("data", (c: Buffer) => (log += c.toString("utf8")));
  const waitFor = async (re: RegExp, from = 0): Promise<RegExpExecArray> => {
    for (let i = 0; i < 600; i++) {
      const m = re.exec(log.slice(from));
      if (m) return m;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no ${re} in the log:\n${log}`);
  };
  const port = (await waitFor(/on http:\/\/127\.0\.0\.1:(\d+)/))[1];
  const url = `http://127.0.0.1:${port}`;
  const health = async () => (await (await fetch(url + "/healthz")).json()) as Record<string, unknown>;
  return { policies, proc, url, health, waitFor, logLength: () => log.length };
}

describe("norma serve reloads its policies", () => {
  it("with --watch: a change serves the new bundle; a broken policy keeps the old one", async () => {
    const s = await serve(["--watch"]);
    const first = (await s.health()).bundle as string;
    const file = join(s.policies, "nickname/nickname.norma");
    const text = readFileSync(file, "utf8");
    // a new title changes the bundle
    let mark = s.logLength();
    writeFileSync(file, text.replace(/^(rule \S+ ")/m, "$1改 "));
    await s.waitFor(/reloaded \(a file changed\): bundle \S+ → (\S+)/, mark);
    const second = (await s.health()).bundle as string;
    expect(second).not.toBe(first);
    expect(await s.health()).toMatchObject({ reload: { ok: true, bundle: second } });
    // a syntax error: the reload fails, the bundle before goes on serving
    mark = s.logLength();
    writeFileSync(file, text + "\nrule (");
    await s.waitFor(/reload \(a file changed\) failed; still serving bundle (\S+)/, mark);
    expect(await s.health()).toMatchObject({ bundle: second, reload: { ok: false, bundle: second } });
    const decided = await fetch(s.url + "/v1/decide", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        facts: JSON.parse(readFileSync(join(REPO, "examples/clean-app.json"), "utf8")),
      }),
    });
    expect(decided.status).toBe(200);
    expect(((await decided.json()) as { bundle: string }).bundle).toBe(second);
  }, 60_000);

  it("on SIGHUP, also without --watch", async () => {
    const s = await serve([]);
    const first = (await s.health()).bundle as string;
    const file = join(s.policies, "nickname/nickname.norma");
    writeFileSync(file, readFileSync(file, "utf8").replace(/^(rule \S+ ")/m, "$1改 "));
    // without --watch, a change alone does nothing
    await new Promise((r) => setTimeout(r, 600));
    expect((await s.health()).bundle).toBe(first);
    const mark = s.logLength();
    s.proc.kill("SIGHUP");
    await s.waitFor(/reloaded \(SIGHUP\): bundle \S+ → \S+/, mark);
    expect((await s.health()).bundle).not.toBe(first);
  }, 60_000);
});
