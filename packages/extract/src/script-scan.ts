/**
 * Scans one JavaScript/TypeScript source (or the `<script>` of a Vue file) with @babel/parser and
 * returns what the extractor reads from code: privacy-API references, cloud-function calls,
 * content-security calls with their version and scene, database writes, requests, uploads,
 * third-party moderation, modals, navigations, string literals and (for Taro) JSX elements.
 *
 * Guarantees: never throws; a source babel cannot parse is scanned with the regex fallback and the
 * parse error is returned. Lines are 1-based in the original file (`startLine` is honoured).
 */
import { parse } from "@babel/parser";
import type { Node } from "@babel/types";
import { PRIVACY_APIS, PRIVACY_METHODS } from "./privacy-table.js";
import {
  MODERATION_CALLS,
  MODERATION_ENDPOINTS,
  MODERATION_MODULES,
  SECURITY_ENDPOINTS,
  type SecurityApi,
} from "./security-table.js";
import type { TemplateElement } from "./template-scan.js";

/** A position in a file. */
export interface Pos {
  line: number;
  column: number;
  /** Name of the enclosing function or method (a page handler), if any. */
  handler?: string;
}

/** A privacy API referenced in code (`wx.getLocation(...)`, `promisify(wx.chooseImage)`). */
export interface ApiRef extends Pos {
  api: string;
  receiver: string;
  called: boolean;
  /** Literal properties of the first argument: `{mediaType: ['image']}`, `{scope: 'scope.record'}`. */
  arg?: Record<string, unknown>;
}

/** A content-security call. */
export interface SecurityCall extends Pos {
  api: SecurityApi;
  style: "cloud-openapi" | "cloud-call" | "http" | "uni-sec-check";
  /** `version` argument: 2, 1, or null when not given (legacy v1). */
  version: number | null;
  scene: number | null;
  mediaType: number | null;
}

/** Everything one script scan returns. */
export interface ScriptScan {
  apiRefs: ApiRef[];
  callFunctions: Array<Pos & { name: string | null; receiver: string }>;
  securityCalls: SecurityCall[];
  readsSuggest: Pos[];
  readsErrcode: Pos[];
  dbWrites: Array<Pos & { collection: string | null; method: string }>;
  requests: Array<Pos & { method: string; url: string | null; receiver: string }>;
  uploads: Array<Pos & { api: string }>;
  moderation: Array<Pos & { provider: string; how: string }>;
  modals: Array<
    Pos & { title: string | null; content: string | null; showCancel: boolean | null; api: string }
  >;
  navigations: Array<Pos & { url: string; api: string }>;
  miniProgramNavs: Array<Pos & { appId: string; api: string }>;
  strings: Array<Pos & { value: string; key?: string; callee?: string }>;
  /** Modules imported or required. */
  imports: Array<Pos & { source: string }>;
  /** JSX elements (Taro), in the shape the template scanner returns. */
  jsx: TemplateElement[];
  parseError?: { message: string; line: number; column: number };
}

const RECEIVERS = new Set(["wx", "uni", "Taro", "taro", "qq", "tt", "swan", "my"]);
const NAVIGATE = new Set(["navigateTo", "redirectTo", "reLaunch", "switchTab"]);
const MP_NAVIGATE = new Set(["navigateToMiniProgram", "openEmbeddedMiniProgram"]);
const DB_WRITE = new Set([
  "add",
  "update",
  "set",
  "save",
  "create",
  "insert",
  "insertOne",
  "insertMany",
  "updateOne",
  "updateMany",
]);
const MODAL = new Set(["showModal", "showActionSheet"]);
const SKIP_KEYS = new Set([
  "loc",
  "start",
  "end",
  "extra",
  "leadingComments",
  "trailingComments",
  "innerComments",
  "range",
  "comments",
  "tokens",
]);
const MAX_STRING = 600;

function emptyScan(): ScriptScan {
  return {
    apiRefs: [],
    callFunctions: [],
    securityCalls: [],
    readsSuggest: [],
    readsErrcode: [],
    dbWrites: [],
    requests: [],
    uploads: [],
    moderation: [],
    modals: [],
    navigations: [],
    miniProgramNavs: [],
    strings: [],
    imports: [],
    jsx: [],
  };
}

type AnyNode = Node & Record<string, unknown>;

const isNode = (v: unknown): v is AnyNode =>
  v !== null && typeof v === "object" && typeof (v as { type?: unknown }).type === "string";

/** The name of a property key or member property: `a.b` → `b`, `a['b']` → `b`. */
function propName(node: AnyNode | null | undefined, computed: boolean): string | null {
  if (!node) return null;
  if (!computed && node.type === "Identifier") return node.name;
  if (node.type === "StringLiteral") return node.value;
  if (!computed && node.type === "PrivateName") return null;
  return null;
}

/** `wx.cloud.database().collection('x').add` → ["wx","cloud","database","()","collection","()","add"]. */
export function memberChain(node: AnyNode): string[] {
  const out: string[] = [];
  let cur: AnyNode | null = node;
  for (let guard = 0; cur && guard < 64; guard++) {
    if (cur.type === "MemberExpression" || cur.type === "OptionalMemberExpression") {
      out.push(propName(cur.property as AnyNode, cur.computed as boolean) ?? "[]");
      cur = cur.object as AnyNode;
    } else if (cur.type === "CallExpression" || cur.type === "OptionalCallExpression") {
      out.push("()");
      cur = cur.callee as AnyNode;
    } else if (cur.type === "Identifier") {
      out.push(cur.name);
      cur = null;
    } else if (cur.type === "ThisExpression") {
      out.push("this");
      cur = null;
    } else if (
      cur.type === "TSNonNullExpression" ||
      cur.type === "TSAsExpression" ||
      cur.type === "ParenthesizedExpression"
    ) {
      cur = cur.expression as AnyNode;
    } else if (cur.type === "AwaitExpression") {
      cur = cur.argument as AnyNode;
    } else {
      out.push("?");
      cur = null;
    }
  }
  return out.reverse();
}

/** A static string: a string literal, or a template literal's text with `${}` as `*`. */
function staticString(node: AnyNode | null | undefined): string | null {
  if (!node) return null;
  if (node.type === "StringLiteral") return node.value;
  if (node.type === "TemplateLiteral") {
    const quasis = node.quasis as Array<{ value: { cooked?: string | null; raw: string } }>;
    return quasis.map((q) => q.value.cooked ?? q.value.raw).join("*");
  }
  if (node.type === "BinaryExpression" && node.operator === "+") {
    const l = staticString(node.left as AnyNode);
    const r = staticString(node.right as AnyNode);
    if (l !== null || r !== null) return `${l ?? "*"}${r ?? "*"}`;
  }
  return null;
}

/** A literal value (string, number, boolean, null, arrays of them), or `undefined`. */
function literal(node: AnyNode | null | undefined): unknown {
  if (!node) return undefined;
  switch (node.type) {
    case "StringLiteral":
    case "NumericLiteral":
    case "BooleanLiteral":
      return node.value;
    case "NullLiteral":
      return null;
    case "TemplateLiteral":
      return staticString(node);
    case "ArrayExpression":
      return (node.elements as AnyNode[]).map((e) => literal(e));
    case "UnaryExpression":
      return node.operator === "-" && (node.argument as AnyNode).type === "NumericLiteral"
        ? -((node.argument as AnyNode).value as number)
        : undefined;
    default:
      return undefined;
  }
}

/** Literal properties of an object expression (nested objects included). */
function objectLiterals(node: AnyNode | null | undefined, depth = 0): Record<string, unknown> | undefined {
  if (!node || node.type !== "ObjectExpression" || depth > 4) return undefined;
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const p of node.properties as AnyNode[]) {
    if (p.type !== "ObjectProperty") continue;
    const k = propName(p.key as AnyNode, p.computed as boolean);
    if (k === null) continue;
    const v = p.value as AnyNode;
    out[k] =
      v.type === "ObjectExpression"
        ? objectLiterals(v, depth + 1)
        : v.type === "Identifier"
          ? { $ref: v.name }
          : literal(v);
  }
  return out;
}

function babelPlugins(file: string): Array<"typescript" | "jsx" | "decorators-legacy"> {
  if (/\.(?:ts|mts|cts)$/.test(file)) return ["typescript", "decorators-legacy"];
  if (/\.tsx$/.test(file)) return ["typescript", "jsx", "decorators-legacy"];
  return ["jsx", "decorators-legacy"];
}

const kebab = (s: string): string => s.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase();

/** Scans a script. `file` picks the syntax (by extension); `startLine` offsets lines (Vue `<script>`). */
export function scanScript(
  code: string,
  file: string,
  startLine = 1,
  plugins?: Array<"typescript" | "jsx" | "decorators-legacy">,
): ScriptScan {
  const scan = emptyScan();
  let ast: AnyNode;
  try {
    ast = parse(code, {
      sourceType: "unambiguous",
      errorRecovery: true,
      allowReturnOutsideFunction: true,
      allowAwaitOutsideFunction: true,
      allowImportExportEverywhere: true,
      allowUndeclaredExports: true,
      attachComment: false,
      startLine,
      plugins: plugins ?? babelPlugins(file),
    }) as unknown as AnyNode;
  } catch (e) {
    const err = e as { message?: string; loc?: { line: number; column: number } };
    scan.parseError = {
      message: (err.message ?? "syntax error").replace(/\s*\(\d+:\d+\)$/, ""),
      line: err.loc?.line ?? startLine,
      column: (err.loc?.column ?? 0) + 1,
    };
    return regexScan(code, startLine, scan);
  }
  try {
    walkAst(ast, scan);
  } catch (e) {
    // A pathological tree (stack overflow on very deep nesting): keep what was found, add regexes.
    scan.parseError = {
      message: e instanceof RangeError ? "source nested too deeply" : String(e),
      line: startLine,
      column: 1,
    };
    return regexScan(code, startLine, { ...emptyScan(), parseError: scan.parseError });
  }
  return scan;
}

function walkAst(ast: AnyNode, scan: ScriptScan): void {
  const handlers: string[] = [];
  // Names bound to factories whose methods collect information (`const rm = wx.getRecorderManager()`).
  const factoryNames = new Map<string, string>();
  const pendingMethodCalls: Array<{ objectName: string; method: string; pos: Pos }> = [];
  const collectionVars = new Map<string, string | null>();
  const jsxStack: number[] = [];

  const pos = (n: AnyNode): Pos => {
    const p: Pos = { line: n.loc?.start.line ?? 0, column: (n.loc?.start.column ?? 0) + 1 };
    const h = handlers[handlers.length - 1];
    if (h) p.handler = h;
    return p;
  };

  const fnName = (n: AnyNode, parent: AnyNode | null): string | null => {
    if (
      (n.type === "FunctionDeclaration" || n.type === "FunctionExpression") &&
      n.id &&
      (n.id as AnyNode).type === "Identifier"
    )
      return (n.id as AnyNode & { name: string }).name;
    if (n.type === "ObjectMethod" || n.type === "ClassMethod" || n.type === "ClassPrivateMethod")
      return propName(n.key as AnyNode, n.computed as boolean);
    if (parent && (parent.type === "ObjectProperty" || parent.type === "ClassProperty") && parent.value === n)
      return propName(parent.key as AnyNode, parent.computed as boolean);
    if (parent && parent.type === "VariableDeclarator" && (parent.id as AnyNode).type === "Identifier")
      return (parent.id as AnyNode & { name: string }).name;
    if (parent && parent.type === "AssignmentExpression") {
      const c = memberChain(parent.left as AnyNode);
      return c[c.length - 1] ?? null;
    }
    return null;
  };

  const bindTarget = (target: AnyNode | null, init: AnyNode | null): void => {
    if (!target || !init) return;
    const initChain =
      init.type === "CallExpression" || init.type === "AwaitExpression" ? memberChain(init) : [];
    const name =
      target.type === "Identifier"
        ? (target.name as string)
        : target.type === "MemberExpression"
          ? (memberChain(target).at(-1) ?? null)
          : null;
    if (!name) return;
    for (const f of Object.values(PRIVACY_METHODS)) {
      if (
        initChain.length >= 3 &&
        RECEIVERS.has(initChain[0] ?? "") &&
        initChain[initChain.length - 2] === f.factory
      )
        factoryNames.set(name, f.factory);
    }
    const ci = initChain.lastIndexOf("collection");
    if (ci >= 0 && initChain[ci + 1] === "()" && ci + 2 === initChain.length)
      collectionVars.set(name, collectionNameOf(init));
  };

  const visit = (n: AnyNode, parent: AnyNode | null): void => {
    const isFn =
      n.type === "FunctionDeclaration" ||
      n.type === "FunctionExpression" ||
      n.type === "ArrowFunctionExpression" ||
      n.type === "ObjectMethod" ||
      n.type === "ClassMethod";
    let pushed = false;
    if (isFn) {
      const name = fnName(n, parent);
      if (name) {
        handlers.push(name);
        pushed = true;
      }
    }
    visitNode(n, parent);
    for (const key of Object.keys(n)) {
      if (SKIP_KEYS.has(key)) continue;
      const v = n[key];
      if (Array.isArray(v)) {
        for (const c of v) if (isNode(c)) visit(c, n);
      } else if (isNode(v)) visit(v, n);
    }
    if (n.type === "JSXElement") jsxStack.pop();
    if (pushed) handlers.pop();
  };

  const visitNode = (n: AnyNode, parent: AnyNode | null): void => {
    switch (n.type) {
      case "MemberExpression":
      case "OptionalMemberExpression": {
        const prop = propName(n.property as AnyNode, n.computed as boolean);
        if (prop === "suggest") scan.readsSuggest.push(pos(n));
        if (prop === "errCode" || prop === "errcode") scan.readsErrcode.push(pos(n));
        const obj = n.object as AnyNode;
        if (
          prop &&
          obj.type === "Identifier" &&
          RECEIVERS.has(obj.name as string) &&
          PRIVACY_APIS[prop] !== undefined
        ) {
          const called =
            !!parent &&
            (parent.type === "CallExpression" || parent.type === "OptionalCallExpression") &&
            parent.callee === n;
          const ref: ApiRef = { ...pos(n), api: prop, receiver: obj.name as string, called };
          if (called) {
            const arg = objectLiterals((parent.arguments as AnyNode[])[0]);
            if (arg) ref.arg = arg;
          }
          scan.apiRefs.push(ref);
        }
        break;
      }
      case "ObjectPattern":
        for (const p of n.properties as AnyNode[]) {
          if (p.type === "ObjectProperty" && propName(p.key as AnyNode, p.computed as boolean) === "suggest")
            scan.readsSuggest.push(pos(p));
          if (
            p.type === "ObjectProperty" &&
            /^err[cC]ode$/.test(propName(p.key as AnyNode, p.computed as boolean) ?? "")
          )
            scan.readsErrcode.push(pos(p));
        }
        break;
      case "NumericLiteral":
        if (n.value === 87014) scan.readsErrcode.push(pos(n));
        break;
      case "VariableDeclarator":
        bindTarget(n.id as AnyNode, n.init as AnyNode | null);
        break;
      case "AssignmentExpression":
        bindTarget(n.left as AnyNode, n.right as AnyNode);
        break;
      case "ImportDeclaration":
        recordImport((n.source as AnyNode & { value: string }).value, pos(n));
        break;
      case "ImportExpression":
        if ((n.source as AnyNode).type === "StringLiteral")
          recordImport((n.source as AnyNode & { value: string }).value, pos(n));
        break;
      case "StringLiteral":
      case "TemplateLiteral": {
        const s = staticString(n);
        if (s === null || s.length === 0 || s.length > MAX_STRING) break;
        const entry: ScriptScan["strings"][number] = { ...pos(n), value: s };
        if (parent?.type === "ObjectProperty" && parent.value === n) {
          const k = propName(parent.key as AnyNode, parent.computed as boolean);
          if (k) entry.key = k;
        } else if (
          parent &&
          (parent.type === "CallExpression" || parent.type === "NewExpression") &&
          parent.callee !== n
        ) {
          entry.callee = memberChain(parent.callee as AnyNode).join(".");
        }
        scan.strings.push(entry);
        for (const [endpoint, api] of Object.entries(SECURITY_ENDPOINTS)) {
          if (s.includes(endpoint))
            scan.securityCalls.push({
              ...pos(n),
              api,
              style: "http",
              version: null,
              scene: null,
              mediaType: null,
            });
        }
        for (const m of MODERATION_ENDPOINTS)
          if (s.includes(m.host))
            scan.moderation.push({ ...pos(n), provider: m.provider, how: `endpoint \`${m.host}\`` });
        break;
      }
      case "CallExpression":
      case "OptionalCallExpression":
        visitCall(n);
        break;
      case "JSXElement":
        visitJsx(n);
        break;
      case "JSXText":
      case "JSXExpressionContainer": {
        const text =
          n.type === "JSXText"
            ? String(n.value).replace(/\s+/g, " ").trim()
            : (staticString(n.expression as AnyNode) ?? "").trim();
        if (!text) break;
        for (const idx of jsxStack) {
          const el = scan.jsx[idx];
          if (el && el.text.length < 400) el.text = el.text ? `${el.text} ${text}` : text;
        }
        const top = scan.jsx[jsxStack[jsxStack.length - 1] ?? -1];
        if (top && n.type === "JSXText") top.texts.push({ text, line: n.loc?.start.line ?? 0 });
        break;
      }
      default:
        break;
    }
  };

  const recordImport = (source: string, p: Pos): void => {
    scan.imports.push({ ...p, source });
    for (const m of MODERATION_MODULES)
      if (m.pattern.test(source))
        scan.moderation.push({ ...p, provider: m.provider, how: `module \`${source}\`` });
  };

  const visitCall = (n: AnyNode): void => {
    const callee = n.callee as AnyNode;
    const chain = memberChain(callee);
    const last = chain[chain.length - 1] ?? "";
    const args = n.arguments as AnyNode[];
    const arg0 = args[0];
    const receiver = chain[0] ?? "";
    const p = pos(n);
    if (callee.type === "Identifier" && callee.name === "require" && arg0 && arg0.type === "StringLiteral")
      recordImport(arg0.value as string, p);

    if (
      last === "callFunction" &&
      (chain.includes("cloud") || receiver === "uniCloud" || chain.length === 2)
    ) {
      const props = objectLiterals(arg0);
      const name = typeof props?.["name"] === "string" ? (props["name"] as string) : null;
      scan.callFunctions.push({
        ...p,
        name: name && !name.includes("*") ? name : null,
        receiver: chain.slice(0, -1).join("."),
      });
    }
    const secIdx = chain.length >= 2 ? chain[chain.length - 2] : "";
    if (
      secIdx === "security" &&
      (last === "msgSecCheck" || last === "imgSecCheck" || last === "mediaCheckAsync")
    ) {
      const props = objectLiterals(arg0) ?? {};
      scan.securityCalls.push({
        ...p,
        api: last,
        style: chain.includes("openapi") ? "cloud-openapi" : "cloud-call",
        version: numberOf(props["version"]),
        scene: numberOf(props["scene"]),
        mediaType: numberOf(props["mediaType"] ?? props["media_type"]),
      });
    } else if (last === "textSecCheck" || last === "imgSecCheck") {
      // uni-sec-check (uni-app's wrapper of msgSecCheck / imgSecCheck).
      const props = objectLiterals(arg0) ?? {};
      scan.securityCalls.push({
        ...p,
        api: last === "textSecCheck" ? "msgSecCheck" : "imgSecCheck",
        style: "uni-sec-check",
        version: numberOf(props["version"]),
        scene: numberOf(props["scene"]),
        mediaType: null,
      });
    }

    if (RECEIVERS.has(receiver) && chain.length === 2) {
      if (last === "request") {
        const props = objectLiterals(arg0) ?? {};
        const method =
          typeof props["method"] === "string" ? (props["method"] as string).toUpperCase() : "GET";
        const url = typeof props["url"] === "string" ? (props["url"] as string) : null;
        scan.requests.push({ ...p, method, url, receiver });
      } else if (last === "uploadFile") scan.uploads.push({ ...p, api: `${receiver}.uploadFile` });
      else if (MODAL.has(last)) {
        const props = objectLiterals(arg0) ?? {};
        scan.modals.push({
          ...p,
          api: last,
          title: typeof props["title"] === "string" ? (props["title"] as string) : null,
          content: typeof props["content"] === "string" ? (props["content"] as string) : null,
          showCancel: typeof props["showCancel"] === "boolean" ? (props["showCancel"] as boolean) : null,
        });
      } else if (NAVIGATE.has(last)) {
        const url = staticString(objectPropNode(arg0, "url"));
        if (url) scan.navigations.push({ ...p, url, api: last });
      } else if (MP_NAVIGATE.has(last)) {
        const appId = staticString(objectPropNode(arg0, "appId"));
        if (appId) scan.miniProgramNavs.push({ ...p, appId, api: last });
      } else if (last === "authorize") {
        const props = objectLiterals(arg0);
        if (typeof props?.["scope"] === "string")
          scan.apiRefs.push({
            ...p,
            api: "authorize",
            receiver,
            called: true,
            arg: { scope: props["scope"] },
          });
      }
    }
    if (last === "uploadFile" && chain.includes("cloud"))
      scan.uploads.push({ ...p, api: "cloud.uploadFile" });
    if (receiver === "uniCloud" && last === "uploadFile")
      scan.uploads.push({ ...p, api: "uniCloud.uploadFile" });
    if ((last === "post" || last === "put") && chain.length >= 2 && !RECEIVERS.has(receiver)) {
      scan.requests.push({
        ...p,
        method: last.toUpperCase(),
        url: staticString(arg0),
        receiver: chain.slice(0, -1).join("."),
      });
    }

    const mod = MODERATION_CALLS[last];
    if (mod && chain.length >= 2) scan.moderation.push({ ...p, provider: mod, how: `call \`${last}\`` });

    // Database writes: db.collection('x').add(...), db.collection('x').doc(id).update(...), posts.add(...).
    if (DB_WRITE.has(last)) {
      const ci = chain.lastIndexOf("collection");
      if (ci >= 0 && chain[ci + 1] === "()")
        scan.dbWrites.push({ ...p, method: last, collection: collectionNameOf(callee) });
      else if (chain.length >= 2 && collectionVars.has(chain[0] ?? ""))
        scan.dbWrites.push({ ...p, method: last, collection: collectionVars.get(chain[0] ?? "") ?? null });
      else if (chain.length >= 3 && chain[0] === "this" && collectionVars.has(chain[1] ?? ""))
        scan.dbWrites.push({ ...p, method: last, collection: collectionVars.get(chain[1] ?? "") ?? null });
    }

    // Methods of factory results: wx.getRecorderManager().start(), rm.start(), this.rm.start().
    for (const f of Object.values(PRIVACY_METHODS)) {
      if (last !== f.method) continue;
      const objectName = chain[chain.length - 2] ?? "";
      if (objectName === "()" && chain[chain.length - 3] === f.factory)
        scan.apiRefs.push({ ...p, api: f.api, receiver: chain[0] ?? "", called: true });
      else pendingMethodCalls.push({ objectName, method: last, pos: p });
    }
  };

  const visitJsx = (n: AnyNode): void => {
    const open = n.openingElement as AnyNode;
    const nameNode = open.name as AnyNode;
    const rawName =
      nameNode.type === "JSXIdentifier"
        ? (nameNode.name as string)
        : nameNode.type === "JSXMemberExpression"
          ? String((nameNode.property as AnyNode).name)
          : "?";
    const attrs: Record<string, string> = Object.create(null) as Record<string, string>;
    for (const a of open.attributes as AnyNode[]) {
      if (a.type !== "JSXAttribute") continue;
      const an = a.name as AnyNode;
      const key =
        an.type === "JSXIdentifier"
          ? (an.name as string)
          : `${String((an.namespace as AnyNode).name)}:${String((an.name as AnyNode).name)}`;
      const v = a.value as AnyNode | null;
      let value = "true";
      if (v?.type === "StringLiteral") value = v.value as string;
      else if (v?.type === "JSXExpressionContainer") {
        const e = v.expression as AnyNode;
        const s = staticString(e);
        value =
          s ??
          (e.type === "MemberExpression" || e.type === "Identifier"
            ? `{{${memberChain(e).join(".")}}}`
            : "{{}}");
      }
      attrs[key] = value;
      const k = kebab(key);
      if (k !== key && attrs[k] === undefined) attrs[k] = value;
      // onClick={this.onSubmit} → bindtap="onSubmit", as WXML would say it.
      if (/^on[A-Z]/.test(key) && value.startsWith("{{")) {
        const h = value.slice(2, -2).split(".").pop() ?? "";
        attrs[`bind${key.slice(2).toLowerCase()}`] = h;
      }
    }
    const parentIdx = jsxStack[jsxStack.length - 1];
    const el: TemplateElement = {
      tag: /^[A-Z]/.test(rawName) ? kebab(rawName) : rawName,
      attrs,
      line: open.loc?.start.line ?? 0,
      column: (open.loc?.start.column ?? 0) + 1,
      parent: parentIdx ?? null,
      text: "",
      texts: [],
    };
    scan.jsx.push(el);
    jsxStack.push(scan.jsx.length - 1);
  };

  visit(ast, null);

  for (const c of pendingMethodCalls) {
    const factory = factoryNames.get(c.objectName);
    if (!factory) continue;
    const m = PRIVACY_METHODS[factory];
    if (m && m.method === c.method)
      scan.apiRefs.push({ ...c.pos, api: m.api, receiver: c.objectName, called: true });
  }
  // HTTP endpoint calls take `version`/`scene` from the object literals of the same function.
  if (scan.securityCalls.some((s) => s.style === "http" || s.version === null)) fillSecurityArgs(ast, scan);
}

function numberOf(v: unknown): number | null {
  if (typeof v === "number") return v;
  if (typeof v === "string" && /^\d+$/.test(v)) return Number(v);
  return null;
}

function objectPropNode(node: AnyNode | undefined, key: string): AnyNode | null {
  if (!node || node.type !== "ObjectExpression") return null;
  for (const p of node.properties as AnyNode[]) {
    if (p.type === "ObjectProperty" && propName(p.key as AnyNode, p.computed as boolean) === key)
      return p.value as AnyNode;
  }
  return null;
}

/** The collection name in `db.collection('x')...`, or null when not a literal. */
function collectionNameOf(node: AnyNode): string | null {
  let cur: AnyNode | null = node;
  for (let guard = 0; cur && guard < 32; guard++) {
    if (cur.type === "CallExpression") {
      const callee = cur.callee as AnyNode;
      const chain = memberChain(callee);
      if (chain[chain.length - 1] === "collection") return staticString((cur.arguments as AnyNode[])[0]);
      cur = callee;
    } else if (cur.type === "MemberExpression" || cur.type === "OptionalMemberExpression")
      cur = cur.object as AnyNode;
    else if (cur.type === "AwaitExpression") cur = cur.argument as AnyNode;
    else return null;
  }
  return null;
}

/**
 * For each security call whose version or scene was not in its own argument, looks for
 * `version:`/`scene:`/`media_type:` literals in the enclosing function (request bodies are usually
 * built a few lines above the call).
 */
function fillSecurityArgs(ast: AnyNode, scan: ScriptScan): void {
  const fns: Array<{ start: number; end: number; props: Record<string, number> }> = [];
  const visit = (n: AnyNode, stack: Array<Record<string, number>>): void => {
    const isFn =
      n.type === "FunctionDeclaration" ||
      n.type === "FunctionExpression" ||
      n.type === "ArrowFunctionExpression" ||
      n.type === "ObjectMethod" ||
      n.type === "ClassMethod" ||
      n.type === "Program";
    let own = stack;
    if (isFn) {
      const props: Record<string, number> = {};
      fns.push({ start: n.loc?.start.line ?? 0, end: n.loc?.end.line ?? 0, props });
      own = [...stack, props];
    }
    if (n.type === "ObjectProperty") {
      const k = propName(n.key as AnyNode, n.computed as boolean);
      const v = numberOf(literal(n.value as AnyNode));
      if (k && v !== null && (k === "version" || k === "scene" || k === "media_type" || k === "mediaType")) {
        const top = own[own.length - 1];
        if (top && top[k] === undefined) top[k] = v;
      }
    }
    for (const key of Object.keys(n)) {
      if (SKIP_KEYS.has(key)) continue;
      const v = n[key];
      if (Array.isArray(v)) {
        for (const c of v) if (isNode(c)) visit(c, own);
      } else if (isNode(v)) visit(v, own);
    }
  };
  visit(ast, []);
  for (const call of scan.securityCalls) {
    // The innermost function around the call.
    const fn = fns
      .filter((f) => f.start <= call.line && call.line <= f.end)
      .sort((a, b) => a.end - a.start - (b.end - b.start))[0];
    if (!fn) continue;
    if (call.version === null && fn.props["version"] !== undefined) call.version = fn.props["version"];
    if (call.scene === null && fn.props["scene"] !== undefined) call.scene = fn.props["scene"];
    if (call.mediaType === null) {
      const mt = fn.props["media_type"] ?? fn.props["mediaType"];
      if (mt !== undefined) call.mediaType = mt;
    }
  }
}

/** The fallback for sources babel rejects: regexes over the text, comments blanked first. */
export function regexScan(code: string, startLine: number, scan: ScriptScan): ScriptScan {
  const text = code
    .replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, " "))
    .replace(/(^|[^:"'`\\])\/\/[^\n]*/g, (m, p: string) => p + " ".repeat(m.length - p.length));
  const lines = text.split("\n");
  const apiRe = /\b(wx|uni|Taro)\s*\.\s*([A-Za-z]+)\b/g;
  lines.forEach((l, i) => {
    const line = i + startLine;
    for (const m of l.matchAll(apiRe)) {
      const api = m[2] ?? "";
      if (PRIVACY_APIS[api] !== undefined)
        scan.apiRefs.push({
          line,
          column: (m.index ?? 0) + 1,
          api,
          receiver: m[1] ?? "wx",
          called: l
            .slice((m.index ?? 0) + m[0].length)
            .trimStart()
            .startsWith("("),
        });
    }
    for (const [endpoint, api] of Object.entries(SECURITY_ENDPOINTS)) {
      const at = l.indexOf(endpoint);
      if (at >= 0)
        scan.securityCalls.push({
          line,
          column: at + 1,
          api,
          style: "http",
          version: null,
          scene: null,
          mediaType: null,
        });
    }
    const sec = /security\s*\.\s*(msgSecCheck|imgSecCheck|mediaCheckAsync)\s*\(/.exec(l);
    if (sec)
      scan.securityCalls.push({
        line,
        column: sec.index + 1,
        api: sec[1] as SecurityApi,
        style: /openapi/.test(l) ? "cloud-openapi" : "cloud-call",
        version: /version\s*:\s*['"]?2/.test(l) ? 2 : null,
        scene: null,
        mediaType: null,
      });
    const cf = /callFunction\s*\(\s*\{[^}]*?name\s*:\s*['"`]([\w-]+)['"`]/.exec(l);
    if (cf) scan.callFunctions.push({ line, column: cf.index + 1, name: cf[1] ?? null, receiver: "cloud" });
    if (/\.suggest\b/.test(l)) scan.readsSuggest.push({ line, column: 1 });
  });
  return scan;
}
