/** A minimal LSP client over the stdio of `norma lsp --stdio`, for the tests. */
import { spawn } from "node:child_process";
import { join } from "node:path";

/** A JSON-RPC message from the server (fields read by the tests; the rest is unknown). */
export interface LspMessage {
  id?: number;
  method?: string;
  params?: { uri?: string; diagnostics?: Array<{ code: string }> };
  result?: unknown;
  error?: { code: number; message: string };
}

export interface LspClient {
  /** Every message received so far, in order. */
  messages: LspMessage[];
  send(msg: object): void;
  /** The first message (received or to come) that satisfies `pred`; throws after 30 s. */
  waitFor(pred: (m: LspMessage) => boolean): Promise<LspMessage>;
  /** Sends a request and waits for its response. */
  request(id: number, method: string, params: object): Promise<LspMessage>;
  /**
   * The handshake (`initialize` as request 1, with the workspace `rootUri`, none by default; then
   * `initialized`); gives the server's capabilities.
   */
  initialize(rootUri?: string | null): Promise<Record<string, unknown>>;
  /** Shuts the server down and ends the process. */
  close(): Promise<void>;
}

/** Starts `norma lsp --stdio` (through the CLI, as editors do) in the repository `repo`. */
export function startLspClient(repo: string): LspClient {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", join(repo, "packages/cli/src/main.ts"), "lsp", "--stdio"],
    { cwd: repo },
  );
  let buffer = Buffer.alloc(0);
  const messages: LspMessage[] = [];
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
  const waitFor = async (pred: (m: LspMessage) => boolean) => {
    for (let i = 0; i < 600; i++) {
      const m = messages.find(pred);
      if (m) return m;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no such message; got ${JSON.stringify(messages).slice(0, 500)}`);
  };
  return {
    messages,
    send,
    waitFor,
    request(id, method, params) {
      send({ id, method, params });
      return waitFor((m) => m.id === id && m.method === undefined);
    },
    async initialize(rootUri = null) {
      send({ id: 1, method: "initialize", params: { processId: null, rootUri, capabilities: {} } });
      const init = await waitFor((m) => m.id === 1 && m.method === undefined);
      send({ method: "initialized", params: {} });
      return (init.result as { capabilities: Record<string, unknown> }).capabilities;
    },
    async close() {
      try {
        send({ id: 999_999, method: "shutdown" });
        await waitFor((m) => m.id === 999_999);
        send({ method: "exit" });
      } finally {
        child.kill();
      }
    },
  };
}
