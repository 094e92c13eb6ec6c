/**
 * What the package shows, before it is mapped onto the facts schema: each finding carries the
 * place that proves it. `mapFindingsToFacts` turns these into the facts document and the evidence
 * list.
 */
import type { AppConfig } from "./app-config.js";
import type { SecurityApi } from "./security-table.js";
import type { Place } from "./types.js";

/** A UGC place (the schema's `ugcPlace`). */
export type UgcPlace =
  | "nickname"
  | "avatar"
  | "signature"
  | "profile"
  | "comment"
  | "forum"
  | "chat"
  | "live"
  | "social_log"
  | "note"
  | "review"
  | "danmaku"
  | "sticker"
  | "photo"
  | "other";

/** A medium (the schema's `medium`). */
export type Medium = "text" | "image" | "audio" | "video" | "live";

/** One use of a privacy API or component. */
export interface PrivacyUse {
  /** As written: `wx.getLocation`, `button[open-type=getPhoneNumber]`, `van-uploader → wx.chooseMedia`. */
  api: string;
  /** Bare name: `getLocation`, `getPhoneNumber`, `chooseMedia`. */
  name: string;
  /** Key of `INFO_TYPES`. */
  infoType: string;
  via: "call" | "reference" | "open-type" | "input-type" | "component" | "tag" | "authorize";
  vendored: boolean;
  /** Page path (relative to the mini-program root) when the use is in a page. */
  page: string | null;
  at: Place;
}

/** One official content-security call. */
export interface SecurityFinding {
  api: SecurityApi;
  style: "cloud-openapi" | "cloud-call" | "http" | "uni-sec-check";
  version: 1 | 2;
  scene: number | null;
  medium: "text" | "image" | "audio";
  region: "client" | "cloud" | "server";
  cloudFunction: string | null;
  /** True when reached from the client; null when it cannot be told (server code). */
  reached: boolean | null;
  /** The client calls that reach it (`wx.cloud.callFunction({name})`). */
  reachedBy: Place[];
  readsSuggest: boolean;
  handlesRiskyErrcode: boolean;
  /** Pages whose UGC flows call the function holding the check. */
  guardsPages: string[];
  at: Place;
}

/** Third-party moderation (Qiniu, Aliyun Green, Tencent Cloud TMS/IMS, …). */
export interface ModerationFinding {
  provider: string;
  how: string;
  media: Medium[];
  region: "client" | "cloud" | "server";
  cloudFunction: string | null;
  reached: boolean | null;
  /** True when a database write follows the call in the same file (checked before publishing). */
  beforePublish: boolean | null;
  at: Place;
}

/** One place where users publish content. */
export interface UgcFinding {
  place: UgcPlace;
  media: Medium[];
  page: string | null;
  unit: string;
  visibleToOthers: boolean;
  /** The input elements or picker calls. */
  inputs: Place[];
  /** Where the content goes: database write, cloud function, POST, upload. */
  sinks: Array<Place & { kind: "database" | "cloud-function" | "post" | "upload"; target: string | null }>;
  at: Place;
}

/** A complaint or feedback entry. */
export interface ComplaintFinding {
  kind: "open-type-feedback" | "feedback-plugin" | "feedback-service" | "own-page";
  label: string;
  icon: "official_like" | "wechat_bubble" | "own" | "none";
  target: "official" | "own_page";
  page: { path: string; headerText: string; notice: boolean; at: Place } | null;
  at: Place;
}

/** A popup or prompt asking to download an app, follow an account, or share. */
export interface PromptFinding {
  asks: "download-app" | "follow-account" | "share";
  kind: "popup" | "banner" | "inline_prompt" | "interstitial_page" | "prompt" | "page";
  text: string;
  page: string | null;
  closable: boolean;
  blocksFeature: boolean;
  repeated: boolean;
  at: Place;
}

/** Everything the package shows. */
export interface PackageFindings {
  appId: Located<string> | null;
  app: AppConfig | null;
  privacy: PrivacyUse[];
  security: SecurityFinding[];
  /** `permissions.openapi` entries of cloud-function config.json (declared, not calls). */
  declaredOpenapi: Array<{ api: string; cloudFunction: string; at: Place }>;
  moderation: ModerationFinding[];
  ugc: UgcFinding[];
  complaints: ComplaintFinding[];
  prompts: PromptFinding[];
  officialAccount: Place[];
  /** Pages that are nothing but a `<web-view>` (an H5 shell). */
  webViewPages: Place[];
  /** Live streaming components (`live-pusher`). */
  livePushers: Place[];
}

type Located<T> = { value: T; at: Place };
