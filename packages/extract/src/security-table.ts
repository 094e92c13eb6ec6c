/**
 * What counts as content moderation in code: the official content-security APIs (cloud calls and
 * HTTP endpoints, shared/domain/external-facts.md §1) and third-party moderation services.
 */
import { table } from "./privacy-table.js";

/** An official content-security API. */
export type SecurityApi = "msgSecCheck" | "imgSecCheck" | "mediaCheckAsync";

/** HTTP endpoint path → API. */
export const SECURITY_ENDPOINTS: Readonly<Record<string, SecurityApi>> = table({
  "/wxa/msg_sec_check": "msgSecCheck",
  "/wxa/img_sec_check": "imgSecCheck",
  "/wxa/media_check_async": "mediaCheckAsync",
});

/** The media each API checks. mediaCheckAsync checks images (media_type 2) or audio (1). */
export const SECURITY_MEDIA: Readonly<Record<SecurityApi, readonly string[]>> = table({
  msgSecCheck: ["text"],
  imgSecCheck: ["image"],
  mediaCheckAsync: ["image", "audio"],
});

/** Modules (npm names, matched on `require`/`import`) of third-party moderation services. */
export const MODERATION_MODULES: ReadonlyArray<{ pattern: RegExp; provider: string }> = [
  { pattern: /^@alicloud\/green/, provider: "aliyun-green" },
  { pattern: /^@alicloud\/imageaudit/, provider: "aliyun-green" },
  {
    pattern: /^tencentcloud-sdk-nodejs(?:-common)?\/?.*\b(?:tms|ims|ams|vm)\b/,
    provider: "tencent-cloud-moderation",
  },
  { pattern: /^tencentcloud-sdk-nodejs-(?:tms|ims|ams|vm)\b/, provider: "tencent-cloud-moderation" },
  { pattern: /^qiniu(?:\/|$)/, provider: "qiniu" },
  { pattern: /^baidu-aip-sdk\b/, provider: "baidu-content-censor" },
  { pattern: /^@?netease.*(?:yidun|dun)\b/, provider: "netease-yidun" },
  { pattern: /^(?:shumei|@ishumei)/, provider: "shumei" },
];

/** Hosts or paths of third-party moderation endpoints. */
export const MODERATION_ENDPOINTS: ReadonlyArray<{ host: string; provider: string }> = [
  { host: "green.cn-shanghai.aliyuncs.com", provider: "aliyun-green" },
  { host: "green-cip.cn-shanghai.aliyuncs.com", provider: "aliyun-green" },
  { host: "tms.tencentcloudapi.com", provider: "tencent-cloud-moderation" },
  { host: "ims.tencentcloudapi.com", provider: "tencent-cloud-moderation" },
  { host: "ai.qiniuapi.com/v3/text/censor", provider: "qiniu" },
  { host: "ai.qiniuapi.com/v3/image/censor", provider: "qiniu" },
  { host: "/rest/2.0/solution/v1/text_censor", provider: "baidu-content-censor" },
  { host: "/rest/2.0/solution/v1/img_censor", provider: "baidu-content-censor" },
  { host: "as.dun.163.com", provider: "netease-yidun" },
  { host: "api-text-bj.fengkongcloud.com", provider: "shumei" },
];

/** Package.json dependency names of third-party moderation SDKs (cloud functions, servers). */
export function moderationProviderOfDependency(name: string): string | undefined {
  return MODERATION_MODULES.find((m) => m.pattern.test(name))?.provider;
}

/** Method names of third-party moderation SDK clients (Tencent Cloud TMS/IMS, Aliyun Green). */
export const MODERATION_CALLS: Readonly<Record<string, string>> = table({
  TextModeration: "tencent-cloud-moderation",
  ImageModeration: "tencent-cloud-moderation",
  AudioModeration: "tencent-cloud-moderation",
  CreateVideoModerationTask: "tencent-cloud-moderation",
  textModeration: "aliyun-green",
  textModerationWithOptions: "aliyun-green",
  imageModeration: "aliyun-green",
  imageModerationWithOptions: "aliyun-green",
  textScan: "aliyun-green",
  imageSyncScan: "aliyun-green",
  textCensor: "baidu-content-censor",
  imageCensorUserDefined: "baidu-content-censor",
  textCensorUserDefined: "baidu-content-censor",
});
