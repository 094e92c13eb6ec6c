import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { analyze, completeAt, formatDocument, hoverAt, LineIndex } from "../src/index.js";

const REPO = join(import.meta.dirname, "../../..");
const FILE = join(REPO, "policies/filing/review.norma");
const TEXT = readFileSync(FILE, "utf8");

/** The position of the first occurrence of `needle` (plus `delta` characters). */
function at(text: string, needle: string, delta = 0) {
  const i = text.indexOf(needle);
  if (i < 0) throw new Error(`no ${needle}`);
  return new LineIndex(text).position(i + delta);
}

describe("language server analyses", () => {
  it("a real policy has no diagnostics; a typo gets one at the right place with a did-you-mean", () => {
    expect(analyze(FILE, TEXT).diagnostics).toEqual([]);
    const typo = TEXT.replace("filing.status", "filing.statsu");
    const a = analyze(FILE, typo);
    expect(a.diagnostics[0]).toMatchObject({
      code: "check/unknown-field",
      severity: "error",
      range: { start: at(typo, "statsu") },
    });
    expect(a.diagnostics[0]!.message).toContain("did you mean `status`?");
  });

  it("hover shows the type and the facts schema's description, through quantifier bindings", () => {
    const a = analyze(FILE, TEXT);
    const h = hoverAt(a, at(TEXT, "filing.status", 8));
    expect(h?.markdown).toContain("`filing.status`: `string`");
    expect(h?.markdown.split("\n").length).toBeGreaterThan(2);
    // `s.kind` where `s` is bound by `any s in submissions`: described as `submissions[].kind`
    const hb = hoverAt(a, at(TEXT, "s.kind", 3));
    expect(hb?.markdown).toContain("`s.kind`: `string`");
    expect(hb?.markdown).toMatch(/first/);
  });

  it("completes facts fields after a dot, also through lists", () => {
    const text = "when entity.";
    expect(completeAt(text, { line: 0, character: text.length }).map((c) => c.label)).toContain("type");
    const list = "when submissions.";
    expect(completeAt(list, { line: 0, character: list.length }).map((c) => c.label)).toContain("codeReview");
    expect(completeAt("when 3 ", { line: 0, character: 7 })).toEqual([]);
  });

  it("formats, and refuses to format text with syntax errors", () => {
    expect(formatDocument(FILE, TEXT)).toBe(TEXT);
    expect(formatDocument(FILE, TEXT + "\nrule (")).toBeNull();
  });
});

describe("norma lsp over stdio", () => {
  it("answers initialize and publishes diagnostics for an opened document", async () => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", join(REPO, "packages/cli/src/main.ts"), "lsp", "--stdio"],
      { cwd: REPO },
    );
    let buffer = Buffer.alloc(0);
    const messages: Array<{
      id?: number;
      method?: string;
      params?: { diagnostics?: Array<{ code: string }> };
      result?: { capabilities?: object };
    }> = [];
    child.stdout.on("data", (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const head = buffer.indexOf("\r\n\r\n");
        if (head < 0) return;
        const length = Number(/Content-Length: (\d+)/i.exec(buffer.subarray(0, head).toString())?.[1]);
        if (buffer.length < head + 4 + length) return;
        messages.push(JSON.parse(buffer.subarray(head + 4, head + 4 + length).toString("utf8")));
        buffer = buffer.subarray(head + 4 + length);
      }
    });
    const send = (msg: object) => {
      const body = Buffer.from(JSON.stringify({ jsonrpc: "2.0", ...msg }), "utf8");
      child.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
      child.stdin.write(body);
    };
    const waitFor = async (pred: (m: (typeof messages)[number]) => boolean) => {
      for (let i = 0; i < 600; i++) {
        const m = messages.find(pred);
        if (m) return m;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`no such message; got ${JSON.stringify(messages).slice(0, 500)}`);
    };
    try {
      send({ id: 1, method: "initialize", params: { processId: null, rootUri: null, capabilities: {} } });
      const init = await waitFor((m) => m.id === 1);
      expect(init.result?.capabilities).toMatchObject({
        hoverProvider: true,
        documentFormattingProvider: true,
      });
      send({ method: "initialized", params: {} });
      const uri = pathToFileURL(FILE).href;
      send({
        method: "textDocument/didOpen",
        params: {
          textDocument: {
            uri,
            languageId: "norma",
            version: 1,
            text: TEXT.replace("filing.status", "filing.statsu"),
          },
        },
      });
      const diag = await waitFor((m) => m.method === "textDocument/publishDiagnostics");
      expect(diag.params?.diagnostics?.map((d) => d.code)).toContain("check/unknown-field");
      send({ id: 2, method: "shutdown" });
      await waitFor((m) => m.id === 2);
      send({ method: "exit" });
    } finally {
      child.kill();
    }
  });
});
