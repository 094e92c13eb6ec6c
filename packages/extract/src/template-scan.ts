/**
 * Scans a WXML file (or a Vue/WePY single-file component's template) with htmlparser2 into a
 * flat list of elements: tag, attributes, 1-based line and column, parent, and the text inside.
 *
 * Guarantees: never throws; unclosed and stray tags are tolerated (htmlparser2 closes them).
 * Inside a Vue file only the `<template>` section is read.
 */
import { Parser } from "htmlparser2";
import { lineLocator } from "./json-locate.js";

/** One element of a template. */
export interface TemplateElement {
  /** Tag name as written (`button`, `van-uploader`); JSX components are kebab-cased. */
  tag: string;
  /** Attributes as written; values keep `{{ }}`. */
  attrs: Record<string, string>;
  line: number;
  column: number;
  /** Index of the parent element in the list, or null at the top. */
  parent: number | null;
  /** All text inside the element, whitespace collapsed, at most ~400 characters. */
  text: string;
  /** Text nodes directly inside the element, with their lines. */
  texts: Array<{ text: string; line: number }>;
}

const TEXT_CAP = 400;

/** Scans template markup. `sfc` = a Vue/WePY file, of which only `<template>` is read. */
export function scanTemplate(code: string, sfc = false): TemplateElement[] {
  const locate = lineLocator(code);
  const elements: TemplateElement[] = [];
  const stack: number[] = [];
  // In a single-file component, depth of <template> nesting; text outside is ignored.
  let templateDepth = 0;
  let skipDepth = 0;
  const parser = new Parser(
    {
      onopentag(name, attribs) {
        if (sfc && stack.length === 0 && templateDepth === 0) {
          if (name === "template") templateDepth = 1;
          else skipDepth++;
          stack.push(-1);
          return;
        }
        if (skipDepth > 0) {
          stack.push(-1);
          return;
        }
        const at = locate(parser.startIndex);
        const parentIdx = [...stack].reverse().find((i) => i >= 0);
        const attrs = Object.create(null) as Record<string, string>;
        for (const [k, v] of Object.entries(attribs)) attrs[k] = v;
        elements.push({
          tag: name,
          attrs,
          line: at.line,
          column: at.column,
          parent: parentIdx ?? null,
          text: "",
          texts: [],
        });
        stack.push(elements.length - 1);
      },
      ontext(data) {
        if (skipDepth > 0 || (sfc && templateDepth === 0)) return;
        const text = data.replace(/\s+/g, " ").trim();
        if (!text) return;
        const line = locate(parser.startIndex + (data.length - data.trimStart().length)).line;
        let direct = true;
        for (let k = stack.length - 1; k >= 0; k--) {
          const idx = stack[k] ?? -1;
          if (idx < 0) continue;
          const el = elements[idx];
          if (!el) continue;
          if (direct) {
            el.texts.push({ text, line });
            direct = false;
          }
          if (el.text.length < TEXT_CAP) el.text = el.text ? `${el.text} ${text}` : text;
        }
      },
      onclosetag() {
        const idx = stack.pop();
        if (sfc && stack.length === 0 && idx === -1) {
          if (templateDepth > 0) templateDepth = 0;
          else if (skipDepth > 0) skipDepth--;
        }
      },
    },
    {
      recognizeSelfClosing: true,
      lowerCaseTags: false,
      lowerCaseAttributeNames: false,
      decodeEntities: true,
    },
  );
  try {
    parser.write(code);
    parser.end();
  } catch {
    // htmlparser2 does not throw on markup; a throw here is an input it cannot represent: keep what was read.
  }
  return elements;
}

/** The `<script>` blocks of a Vue/WePY file with the line each starts on, and the `lang`. */
export function sfcScripts(code: string): Array<{ code: string; startLine: number; lang: string }> {
  const out: Array<{ code: string; startLine: number; lang: string }> = [];
  const re = /<script\b([^>]*)>([\s\S]*?)<\/script>/g;
  for (const m of code.matchAll(re)) {
    const attrs = m[1] ?? "";
    const body = m[2] ?? "";
    const bodyStart = (m.index ?? 0) + m[0].indexOf(">") + 1;
    const startLine = code.slice(0, bodyStart).split("\n").length;
    const lang = /lang\s*=\s*["']?(ts|tsx|jsx)/.exec(attrs)?.[1] ?? "js";
    out.push({ code: body, startLine, lang });
  }
  return out;
}
