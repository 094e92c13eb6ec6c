/**
 * UGC surfaces: a page or component where the user types or picks content (input, textarea,
 * editor, nickname input, avatar button, image/video/audio pickers, upload components, live
 * pusher) and the same unit sends something away (database write, cloud function, POST, upload).
 *
 * This is a heuristic at unit level: it does not trace a value from the input to the sink. The
 * place (comment, forum, chat …) is read from the unit's path, title and the collections and
 * functions it writes to.
 */
import { componentApi, componentPrivacyOf } from "./component-map.js";
import type { ExtractContext } from "./context.js";
import type { Medium, UgcFinding, UgcPlace } from "./findings.js";
import type { TemplateElement } from "./template-scan.js";
import type { Place } from "./types.js";
import type { Unit } from "./units.js";

/** Keywords (path, title, collection, function names) → UGC place; first match wins. */
export const UGC_PLACE_KEYWORDS: ReadonlyArray<[RegExp, UgcPlace]> = [
  [/chat|message|conversation|\bim\b|\/im\/|私信|聊天|消息/i, "chat"],
  [/comment|reply|评论|回复|留言/i, "comment"],
  [/danmu|danmaku|barrage|弹幕/i, "danmaku"],
  [/review|evaluat|rating|评价/i, "review"],
  [/\bnotes?\b|note\/|笔记/i, "note"],
  [/moment|feed|timeline|diary|dynamic|动态|日志|朋友圈/i, "social_log"],
  [/\blive\b|live[-_/]|直播/i, "live"],
  [/forum|post|topic|thread|bbs|community|circle|publish|帖|论坛|社区|发布/i, "forum"],
  [/complain|feedback|report|tousu|jubao|投诉|反馈|举报/i, "other"],
  [/signature|签名/i, "signature"],
  [/profile|userinfo|user-info|edit-?info|account|资料/i, "profile"],
];

const VISIBLE: ReadonlySet<UgcPlace> = new Set([
  "chat",
  "comment",
  "forum",
  "live",
  "social_log",
  "note",
  "review",
  "danmaku",
  "sticker",
  "photo",
]);

const NOT_CONTENT =
  /search|搜索|query|keyword|手机|电话|验证码|密码|phone|mobile|code|password|captcha|身份证|金额|amount|price|数量/i;

function isTextInput(el: TemplateElement): boolean {
  if (
    el.tag === "textarea" ||
    el.tag === "editor" ||
    el.tag === "van-field" ||
    el.tag === "t-textarea" ||
    el.tag === "u-textarea" ||
    el.tag === "uni-easyinput"
  ) {
    return !NOT_CONTENT.test(`${el.attrs["placeholder"] ?? ""} ${el.attrs["label"] ?? ""}`);
  }
  if (el.tag !== "input" && el.tag !== "t-input" && el.tag !== "u-input" && el.tag !== "u--input")
    return false;
  const type = el.attrs["type"] ?? "text";
  if (type !== "text" || el.attrs["confirm-type"] === "search" || el.attrs["password"] !== undefined)
    return false;
  const hint = Object.entries(el.attrs)
    .filter(([k]) => /placeholder|bind|@|on[A-Z]|name|id|class|model|value/.test(k))
    .map(([, v]) => v)
    .join(" ");
  return !NOT_CONTENT.test(hint);
}

function placeOf(u: Unit, targets: string[]): UgcPlace {
  const hay = [u.stem, u.title ?? "", ...targets].join(" ");
  for (const [re, place] of UGC_PLACE_KEYWORDS) if (re.test(hay)) return place;
  return "other";
}

/** Finds the UGC surfaces of the first-party client units. */
export function findUgc(ctx: ExtractContext, units: Unit[]): UgcFinding[] {
  const out: UgcFinding[] = [];
  for (const u of units) {
    if (u.region !== "client" || u.vendored) continue;
    const tf = u.templateFile;
    const elPlace = (el: TemplateElement): Place => ctx.place(tf as string, el.line, el.column);
    const textInputs: Place[] = [];
    const nickname: Place[] = [];
    const avatar: Place[] = [];
    const media = new Map<Medium, Place[]>();
    const addMedium = (m: Medium, p: Place): void => {
      const l = media.get(m) ?? [];
      l.push(p);
      media.set(m, l);
    };
    if (tf) {
      for (const el of u.elements) {
        if (el.tag === "input" && el.attrs["type"] === "nickname") nickname.push(elPlace(el));
        else if (isTextInput(el)) textInputs.push(elPlace(el));
        if ((el.attrs["open-type"] ?? el.attrs["openType"]) === "chooseAvatar") avatar.push(elPlace(el));
        if (el.tag === "live-pusher") addMedium("live", elPlace(el));
        const row = componentPrivacyOf(el.tag, u.components.get(el.tag));
        if (row) {
          const api = componentApi(row, el.attrs);
          const accept =
            el.attrs["accept"] ?? el.attrs["file-mediatype"] ?? el.attrs["media-type"] ?? "image";
          if (api !== "chooseMessageFile") {
            if (accept !== "video") addMedium("image", elPlace(el));
            if (accept === "video" || accept === "media" || accept === "all") addMedium("video", elPlace(el));
          }
        }
      }
    }
    for (const { file, scan } of u.scripts) {
      for (const r of scan.apiRefs) {
        const p = (): Place => ctx.place(file.rel, r.line, r.column);
        if (r.api === "chooseImage") addMedium("image", p());
        else if (r.api === "chooseVideo") addMedium("video", p());
        else if (r.api === "chooseMedia") {
          const mt = r.arg?.["mediaType"];
          const types = Array.isArray(mt) ? mt.map(String) : ["image", "video"];
          if (types.includes("image")) addMedium("image", p());
          if (types.includes("video") || types.includes("mix")) addMedium("video", p());
        } else if (r.api === "RecorderManager.start" || r.api === "startRecord") addMedium("audio", p());
      }
    }
    if (textInputs.length > 0) media.set("text", [...textInputs, ...(media.get("text") ?? [])]);

    const sinks: UgcFinding["sinks"] = [];
    for (const { file, scan } of u.scripts) {
      for (const w of scan.dbWrites)
        sinks.push({ ...ctx.place(file.rel, w.line, w.column), kind: "database", target: w.collection });
      for (const c of scan.callFunctions)
        sinks.push({ ...ctx.place(file.rel, c.line, c.column), kind: "cloud-function", target: c.name });
      for (const r of scan.requests)
        if (r.method === "POST" || r.method === "PUT")
          sinks.push({ ...ctx.place(file.rel, r.line, r.column), kind: "post", target: r.url });
      for (const up of scan.uploads)
        sinks.push({ ...ctx.place(file.rel, up.line, up.column), kind: "upload", target: null });
    }
    if (sinks.length === 0) continue;
    const targets = sinks.map((s) => s.target ?? "").filter(Boolean);
    const page = u.page;
    if (media.size > 0) {
      const place = placeOf(u, targets);
      const inputs = [...media.values()].flat().sort((a, b) => a.line - b.line);
      out.push({
        place,
        media: sortMedia([...media.keys()]),
        page,
        unit: u.stem,
        visibleToOthers: VISIBLE.has(place),
        inputs,
        sinks,
        at: inputs[0] as Place,
      });
    }
    if (nickname.length > 0)
      out.push({
        place: "nickname",
        media: ["text"],
        page,
        unit: u.stem,
        visibleToOthers: false,
        inputs: nickname,
        sinks,
        at: nickname[0] as Place,
      });
    if (avatar.length > 0)
      out.push({
        place: "avatar",
        media: ["image"],
        page,
        unit: u.stem,
        visibleToOthers: false,
        inputs: avatar,
        sinks,
        at: avatar[0] as Place,
      });
  }
  // Nicknames, avatars and profiles are seen by others when the mini program has a social surface.
  const social = out.some((f) => VISIBLE.has(f.place));
  for (const f of out)
    if (
      (f.place === "nickname" || f.place === "avatar" || f.place === "profile" || f.place === "signature") &&
      social
    )
      f.visibleToOthers = true;
  return out;
}

const ORDER: Medium[] = ["text", "image", "audio", "video", "live"];
const sortMedia = (m: Medium[]): Medium[] => ORDER.filter((x) => m.includes(x));
