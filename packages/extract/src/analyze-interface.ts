/**
 * Interface facts: complaint and feedback entries (official `open-type="feedback"`, a feedback
 * plugin or service, or the mini program's own page with the text at its top), popups and prompts
 * that ask the user to download an app, follow an official account or share, and the official
 * `<official-account>` follow component.
 */
import type { AppConfig } from "./app-config.js";
import type { ExtractContext } from "./context.js";
import type { ComplaintFinding, PromptFinding } from "./findings.js";
import type { TemplateElement } from "./template-scan.js";
import type { Place } from "./types.js";
import type { Unit } from "./units.js";

/** The notice an own complaint page must carry at its top (CMP-2), without punctuation. */
export const NON_OFFICIAL_NOTICE = "此投诉为本小程序自有投诉渠道非微信官方投诉渠道";

/** AppID of 兔小巢, Tencent's feedback service opened as an embedded mini program. */
export const FEEDBACK_SERVICE_APPIDS: ReadonlySet<string> = new Set(["wx8abaf00ee8c3202e"]);

const COMPLAINT_PAGE = /complain|tousu|jubao|feedback|fankui|投诉|举报|反馈/i;
const DOWNLOAD_APP =
  /下载.{0,8}(?:app|客户端|应用)|(?:app|客户端).{0,4}(?:下载|打开|内查看|内使用)|前往应用(?:商店|市场)|打开app/i;
const FOLLOW_ACCOUNT = /关注.{0,10}(?:公众号|服务号|订阅号)|(?:公众号|服务号).{0,8}关注/;
const SHARE_GATE =
  /分享.{0,12}(?:后|即可|才能|方可|解锁)|(?:邀请|转发).{0,8}(?:好友|群).{0,8}(?:后|即可|才能|解锁)/;
const BLOCKS =
  /(?:后|才能|才可|方可|即可).{0,4}(?:使用|查看|下单|继续|观看|阅读|解锁|领取|点餐|购买|访问|参与|浏览|加菜|支付)|请先.{0,4}(?:下载|关注)|需(?:要)?先?.{0,2}(?:下载|关注)|必须.{0,4}(?:下载|关注)/;
const POPUP_CONTAINER = /popup|modal|dialog|mask|overlay|layer|弹/i;
const CLOSE_HANDLER = /close|hide|cancel|dismiss|skip|关闭/i;
const CLOSE_TEXT = /^(?:×|✕|x|X|关闭|取消|暂不|以后再说|下次再说|我知道了|跳过|不了)$/;
const REPEAT_HANDLERS = new Set([
  "onShow",
  "onLoad",
  "onReady",
  "onLaunch",
  "created",
  "mounted",
  "attached",
  "componentDidShow",
  "useDidShow",
]);

const normalize = (s: string): string => s.replace(/[\s,，.。;；:：!！、"“”'‘’]/g, "");

/** True when the text carries the non-official notice (the prescribed sentence, or both of its halves). */
export function hasNonOfficialNotice(text: string): boolean {
  const n = normalize(text);
  return n.includes(NON_OFFICIAL_NOTICE) || (/非微信官方/.test(n) && /自有|本小程序/.test(n));
}

function handlerOf(el: TemplateElement): string | null {
  for (const [k, v] of Object.entries(el.attrs))
    if (/^(?:bind|catch)(?::)?tap$|^@(?:click|tap)$|^bindtap$/.test(k)) return v.replace(/\(.*$/, "").trim();
  return null;
}

function ancestors(els: TemplateElement[], el: TemplateElement): TemplateElement[] {
  const out: TemplateElement[] = [];
  let p = el.parent;
  for (let guard = 0; p !== null && guard < 64; guard++) {
    const a = els[p];
    if (!a) break;
    out.push(a);
    p = a.parent;
  }
  return out;
}

function descendants(els: TemplateElement[], root: TemplateElement): TemplateElement[] {
  const idx = els.indexOf(root);
  const set = new Set([idx]);
  const out: TemplateElement[] = [];
  for (let i = idx + 1; i < els.length; i++) {
    const e = els[i] as TemplateElement;
    if (e.parent !== null && set.has(e.parent)) {
      set.add(i);
      out.push(e);
    }
  }
  return out;
}

function iconOf(els: TemplateElement[], entry: TemplateElement): ComplaintFinding["icon"] {
  const icons = [entry, ...descendants(els, entry)].filter((e) =>
    /^(?:image|img|icon|van-icon|t-icon|u-icon|uni-icons|at-icon)$/.test(e.tag),
  );
  if (icons.length === 0) return "none";
  const srcs = icons
    .map((e) => `${e.attrs["src"] ?? ""} ${e.attrs["name"] ?? ""} ${e.attrs["type"] ?? ""}`)
    .join(" ");
  if (/wechat|weixin|wx[-_]?(?:logo|icon)|bubble/i.test(srcs)) return "wechat_bubble";
  if (/official/i.test(srcs)) return "official_like";
  return "own";
}

/** Finds complaint and feedback entries. */
export function findComplaints(
  ctx: ExtractContext,
  units: Unit[],
  app: AppConfig | null,
): ComplaintFinding[] {
  const out: ComplaintFinding[] = [];
  const firstParty = units.filter((u) => u.region === "client" && !u.vendored);
  const at = (u: Unit, el: TemplateElement): Place => ctx.place(u.templateFile as string, el.line, el.column);
  const labelOf = (el: TemplateElement): string =>
    (el.text || el.attrs["title"] || el.attrs["text"] || el.attrs["label"] || "").slice(0, 100);

  for (const u of firstParty) {
    for (const el of u.elements) {
      if ((el.attrs["open-type"] ?? el.attrs["openType"]) === "feedback") {
        out.push({
          kind: "open-type-feedback",
          label: labelOf(el) || "反馈",
          icon: iconOf(u.elements, el),
          target: "official",
          page: null,
          at: at(u, el),
        });
      }
    }
    for (const { file, scan } of u.scripts) {
      for (const nav of scan.miniProgramNavs) {
        if (!FEEDBACK_SERVICE_APPIDS.has(nav.appId)) continue;
        const entry = u.elements.find((el) => nav.handler !== undefined && handlerOf(el) === nav.handler);
        out.push({
          kind: "feedback-service",
          label: entry ? labelOf(entry) || "反馈" : "反馈",
          icon: entry ? iconOf(u.elements, entry) : "none",
          target: "official",
          page: null,
          at: entry ? at(u, entry) : ctx.place(file.rel, nav.line, nav.column),
        });
      }
    }
  }
  for (const p of app?.plugins ?? []) {
    if (FEEDBACK_SERVICE_APPIDS.has(p.provider) || /feedback|tucao|txc|反馈/i.test(p.alias)) {
      out.push({
        kind: "feedback-plugin",
        label: p.alias,
        icon: "none",
        target: "official",
        page: null,
        at: p.at,
      });
    }
  }

  // Own complaint pages, and the entries that lead to them.
  for (const u of firstParty) {
    if (!u.page || !u.templateFile) continue;
    if (!COMPLAINT_PAGE.test(u.page) && !COMPLAINT_PAGE.test(u.title ?? "")) continue;
    const texts = u.elements.flatMap((el) => el.texts.map((t) => ({ ...t, el })));
    texts.sort((a, b) => a.line - b.line);
    // The first visible text block is the page's top (CMP-2 wants the notice there).
    const top = texts.slice(0, 1);
    const headerText = (top[0]?.text ?? "").slice(0, 2000);
    const notice = hasNonOfficialNotice(headerText);
    const headerAt = top[0] ? ctx.place(u.templateFile, top[0].line) : ctx.place(u.templateFile, 1);
    const pageInfo = { path: u.page, headerText, notice, at: headerAt };
    const slug = u.page.replace(/^\//, "");
    let entries = 0;
    for (const v of firstParty) {
      if (!v.templateFile) continue;
      const navHandlers = new Set(
        v.scripts.flatMap((s) =>
          s.scan.navigations
            .filter((n) => n.url.replace(/^\//, "").split("?")[0] === slug && n.handler)
            .map((n) => n.handler as string),
        ),
      );
      for (const el of v.elements) {
        const url = (el.attrs["url"] ?? "").replace(/^\//, "").split("?")[0];
        const h = handlerOf(el);
        if (url !== slug && !(h !== null && navHandlers.has(h))) continue;
        entries++;
        out.push({
          kind: "own-page",
          label: labelOf(el) || u.title || slug,
          icon: iconOf(v.elements, el),
          target: "own_page",
          page: pageInfo,
          at: at(v, el),
        });
      }
    }
    if (entries === 0)
      out.push({
        kind: "own-page",
        label: (u.title ?? slug).slice(0, 100),
        icon: "none",
        target: "own_page",
        page: pageInfo,
        at: headerAt,
      });
  }
  return out;
}

/** Finds download-app, follow-account and share prompts, and `<official-account>` components. */
export function findPrompts(
  ctx: ExtractContext,
  units: Unit[],
): { prompts: PromptFinding[]; officialAccount: Place[] } {
  const prompts: PromptFinding[] = [];
  const officialAccount: Place[] = [];
  const asksOf = (t: string): PromptFinding["asks"] | null =>
    DOWNLOAD_APP.test(t)
      ? "download-app"
      : FOLLOW_ACCOUNT.test(t)
        ? "follow-account"
        : SHARE_GATE.test(t)
          ? "share"
          : null;
  for (const u of units) {
    if (u.region !== "client" || u.vendored) continue;
    const seenLines = new Set<string>();
    for (const { file, scan } of u.scripts) {
      for (const m of scan.modals) {
        const text =
          m.content !== null && asksOf(m.content) ? m.content : `${m.title ?? ""} ${m.content ?? ""}`.trim();
        const asks = asksOf(text);
        if (!asks) continue;
        seenLines.add(`${file.rel}:${m.line}`);
        prompts.push({
          asks,
          kind: "popup",
          text,
          page: u.page,
          closable: m.showCancel !== false,
          blocksFeature: BLOCKS.test(text) || m.showCancel === false,
          repeated: m.handler !== undefined && REPEAT_HANDLERS.has(m.handler),
          at: ctx.place(file.rel, m.line, m.column),
        });
      }
      for (const s of scan.strings) {
        if (
          s.key === undefined ||
          !/^(?:tip|tips|notice|text|content|message|msg|desc|title|hint|prompt)$/i.test(s.key)
        )
          continue;
        const asks = asksOf(s.value);
        if (
          !asks ||
          [...seenLines].some(
            (k) => k.startsWith(`${file.rel}:`) && Math.abs(Number(k.split(":").pop()) - s.line) <= 8,
          )
        )
          continue;
        prompts.push({
          asks,
          kind: "inline_prompt",
          text: s.value.slice(0, 200),
          page: u.page,
          closable: true,
          blocksFeature: BLOCKS.test(s.value),
          repeated: false,
          at: ctx.place(file.rel, s.line, s.column),
        });
      }
    }
    if (!u.templateFile) continue;
    const seenScopes = new Set<TemplateElement>();
    for (const el of u.elements) {
      if (el.tag === "official-account") officialAccount.push(ctx.place(u.templateFile, el.line, el.column));
      for (const t of el.texts) {
        const asks = asksOf(t.text);
        if (!asks) continue;
        const chain = [el, ...ancestors(u.elements, el)];
        const container = chain.find((a) =>
          POPUP_CONTAINER.test(`${a.tag} ${a.attrs["class"] ?? ""} ${a.attrs["id"] ?? ""}`),
        );
        const scope = container ?? chain[Math.min(2, chain.length - 1)] ?? el;
        if (seenScopes.has(scope)) continue;
        seenScopes.add(scope);
        const inside = [scope, ...descendants(u.elements, scope)];
        const closable =
          inside.some(
            (d) =>
              CLOSE_TEXT.test(d.text.trim()) ||
              Object.entries(d.attrs).some(
                ([k, v]) => /^(?:bind|catch|@|on)/.test(k) && CLOSE_HANDLER.test(v),
              ),
          ) ||
          (container !== undefined &&
            (container.attrs["closeable"] !== undefined ||
              container.attrs["closable"] !== undefined ||
              Object.keys(container.attrs).some((k) => /^(?:bind:?close|@close)$/.test(k))));
        const conditional = chain.some((a) =>
          Object.keys(a.attrs).some((k) => /^(?:wx:if|hidden|v-if|v-show|show)$/.test(k)),
        );
        const text = [scope.text, t.text].sort((a, b) => b.length - a.length)[0] ?? t.text;
        prompts.push({
          asks,
          kind: container
            ? "popup"
            : /banner|bar/i.test(scope.attrs["class"] ?? "")
              ? "banner"
              : "inline_prompt",
          text: text.slice(0, 200),
          page: u.page,
          closable: container ? closable : true,
          blocksFeature: BLOCKS.test(text),
          repeated: container !== undefined && !conditional,
          at: ctx.place(u.templateFile, t.line),
        });
      }
    }
  }
  return { prompts, officialAccount };
}
