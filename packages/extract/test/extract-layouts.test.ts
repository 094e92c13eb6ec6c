import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { extractFacts } from "../src/index.js";
import { evidenceAt, fixture, indexWhere, lineOf } from "./helpers.js";

const run = (name: string) => extractFacts(fixture(name), { profile: `${fixture(name)}/profile.yaml` });

describe("app.json under src/, a vendored SDK folder, and a server-side HTTP check", () => {
  it("finds src/app.json without project.config.json", async () => {
    const r = await run("src-layout");
    expect(r.layout).toMatchObject({
      kind: "native",
      root: "src",
      appJson: "src/app.json",
      projectConfig: null,
    });
    expect(r.validation.ok).toBe(true);
    expect(r.facts["appId"]).toBe("wx3c4d5e6f7a8b9c0d");
  });

  it("marks the SDK folder's wx.getLocation as vendored and warns that it is not declared", async () => {
    const r = await run("src-layout");
    const apis = (r.facts["privacy"] as { apis: unknown[] }).apis;
    const i = indexWhere(apis, { api: "wx.getLocation" });
    const ev = r.evidence.filter((e) => e.pointer === `/privacy/apis/${i}`);
    expect(ev.map((e) => [`${e.file}:${e.line}`, e.vendored])).toEqual([
      [lineOf("src-layout", "src/sdk/analytics.js", "wx.getLocation"), true],
    ]);
    const w = r.warnings.find((x) => x.code === "extract/undeclared-private-info");
    expect(w?.message).toContain("vendored");
    expect(w?.places.map((p) => `${p.file}:${p.line}`)).toEqual([
      lineOf("src-layout", "src/sdk/analytics.js", "wx.getLocation"),
      lineOf("src-layout", "src/app.json", "requiredPrivateInfos"),
    ]);
  });

  it("reads /wxa/msg_sec_check in Python server code: v2, scene 2, suggest read", async () => {
    const r = await run("src-layout");
    const checks = (r.facts["moderation"] as { securityChecks: unknown[] }).securityChecks;
    expect(checks).toEqual([
      {
        api: "msgSecCheck",
        version: 2,
        medium: "text",
        scene: 2,
        guards: ["comment"],
        reachedFromUserFlow: true,
        readsResultSuggest: true,
        via: "server",
        callSite: lineOf("src-layout", "server/check.py", "/wxa/msg_sec_check"),
      },
    ]);
    expect(evidenceAt(r, "/moderation/securityChecks/0")).toEqual([
      lineOf("src-layout", "server/check.py", "/wxa/msg_sec_check"),
    ]);
    expect(evidenceAt(r, "/ugc/surfaces/0")).toEqual([
      lineOf("src-layout", "src/pages/comment/comment.js", "wx.request"),
      lineOf("src-layout", "src/pages/comment/comment.wxml", "<textarea"),
    ]);
  });

  it("reports each profile disagreement with both places", async () => {
    const r = await run("src-layout");
    const ws = r.warnings.filter((w) => w.code === "profile/disagrees-with-package");
    const req = ws.find((w) => w.message.includes("requiredPrivateInfos"));
    expect(req?.places.map((p) => `${p.file.replace(fixture("src-layout") + "/", "")}:${p.line}`)).toEqual([
      lineOf("src-layout", "profile.yaml", "requiredPrivateInfos"),
      lineOf("src-layout", "src/app.json", "requiredPrivateInfos"),
    ]);
    const areas = ws.find((w) => w.message.includes("contentAreas"));
    expect(areas?.message).toContain("`ugc_publishing`");
  });
});

describe("an Expo client/app.json is a decoy", () => {
  it("skips client/app.json with a warning and finds wechat/app.json", async () => {
    const r = await run("expo-decoy");
    expect(r.layout).toMatchObject({ kind: "native", root: "wechat", appJson: "wechat/app.json" });
    const w = r.warnings.find((x) => x.code === "extract/decoy-app-json");
    expect(w?.message).toBe(
      "`client/app.json` is not a mini-program app.json: it has no `pages` array (it looks like an Expo config)",
    );
    expect(evidenceAt(r, "/privacy/apis/0")).toEqual([
      lineOf("expo-decoy", "wechat/pages/login/login.wxml", "getPhoneNumber"),
    ]);
    expect(r.validation.ok).toBe(true);
  });
});

describe("uni-app", () => {
  it("is recognised from manifest.json mp-weixin and pages.json, with subpackages and privacy keys", async () => {
    const r = await run("uni-app");
    expect(r.layout).toMatchObject({
      kind: "uni-app",
      root: ".",
      appJson: "pages.json",
      cloudfunctionRoot: "uniCloud-aliyun/cloudfunctions",
    });
    expect(r.validation.ok).toBe(true);
    expect(r.facts["appId"]).toBe("wx0a1b2c3d4e5f6a7b");
    expect(evidenceAt(r, "/appId")).toEqual([lineOf("uni-app", "manifest.json", '"appid" : "wx')]);
    expect(r.findings?.app?.subpackages.map((s) => s.pages.map((p) => p.path))).toEqual([
      ["pkgA/detail/detail"],
    ]);
    expect(r.findings?.app?.pageTitles.get("pages/post/post")).toBe("发布动态");
    expect(r.findings?.app?.usePrivacyCheck?.value).toBe(true);
    expect(evidenceAt(r, "/privacy/requiredPrivateInfos/0")).toEqual([
      lineOf("uni-app", "manifest.json", "requiredPrivateInfos"),
    ]);
    expect(r.warnings.filter((w) => w.code === "extract/missing-page")).toEqual([]);
  });

  it("reads Vue templates and <script lang=ts> with the original line numbers", async () => {
    const r = await run("uni-app");
    const apis = (r.facts["privacy"] as { apis: Array<{ api: string }> }).apis;
    expect(apis.map((a) => a.api)).toEqual([
      "uni.chooseLocation",
      "button[open-type=getPhoneNumber]",
      "u-upload → wx.chooseImage",
    ]);
    expect(evidenceAt(r, "/privacy/apis/0")).toEqual([
      lineOf("uni-app", "pages/index/index.vue", "uni.chooseLocation"),
    ]);
    expect(evidenceAt(r, "/privacy/apis/1")).toEqual([
      lineOf("uni-app", "pages/index/index.vue", "getPhoneNumber"),
    ]);
    expect(evidenceAt(r, "/privacy/apis/2")).toEqual([lineOf("uni-app", "pages/post/post.vue", "<u-upload")]);
  });

  it("follows uniCloud.callFunction to uni-sec-check (v2, scene 4) and links it to the moments page", async () => {
    const r = await run("uni-app");
    expect((r.facts["ugc"] as { surfaces: unknown[] }).surfaces).toEqual([
      { place: "social_log", media: ["text", "image"], visibleToOthers: true, page: "pages/post/post" },
    ]);
    const checks = (r.facts["moderation"] as { securityChecks: unknown[] }).securityChecks;
    expect(checks).toEqual([
      {
        api: "msgSecCheck",
        version: 2,
        medium: "text",
        scene: 4,
        guards: ["social_log"],
        reachedFromUserFlow: true,
        readsResultSuggest: true,
        via: "cloud",
        callSite: lineOf("uni-app", "uniCloud-aliyun/cloudfunctions/content-check/index.js", "textSecCheck"),
      },
    ]);
    expect(evidenceAt(r, "/moderation/securityChecks/0/reachedFromUserFlow")).toEqual([
      lineOf("uni-app", "pages/post/post.vue", "uniCloud.callFunction"),
    ]);
  });
});

describe("Taro", () => {
  it("is recognised from config/index.js and src/app.config.ts, read statically", async () => {
    const r = await run("taro");
    expect(r.layout).toMatchObject({ kind: "taro", root: "src", appJson: "src/app.config.ts" });
    expect(r.findings?.app?.pages.map((p) => p.path)).toEqual(["pages/index/index", "pages/publish/index"]);
    expect(evidenceAt(r, "/privacy/requiredPrivateInfos/0")).toEqual([
      lineOf("taro", "src/app.config.ts", "requiredPrivateInfos"),
    ]);
    expect(r.validation.ok).toBe(true);
  });

  it("reads JSX: Taro.getLocation, <Button openType='feedback'>, <Textarea> posted as a review", async () => {
    const r = await run("taro");
    expect(evidenceAt(r, "/privacy/apis/0")).toEqual([
      lineOf("taro", "src/pages/index/index.tsx", "Taro.getLocation"),
    ]);
    expect((r.facts["interface"] as { complaintEntries: unknown[] }).complaintEntries).toEqual([
      { label: "问题反馈", icon: "none", target: "official" },
    ]);
    expect(evidenceAt(r, "/interface/complaintEntries/0")).toEqual([
      lineOf("taro", "src/pages/index/index.tsx", "openType='feedback'"),
    ]);
    expect((r.facts["ugc"] as { surfaces: unknown[] }).surfaces).toEqual([
      { place: "review", media: ["text", "image"], visibleToOthers: true, page: "pages/publish/index" },
    ]);
    expect(evidenceAt(r, "/ugc/surfaces/0")).toContain(
      lineOf("taro", "src/pages/publish/index.tsx", "<Textarea"),
    );
  });
});

describe("WePY", () => {
  it("reads the pages of src/app.wpy's <config> block and scans .wpy pages", async () => {
    const r = await extractFacts(fixture("wepy"));
    expect(r.layout).toMatchObject({ kind: "wepy", root: "src", appJson: "src/app.wpy" });
    expect(r.findings?.app?.pages.map((p) => `${p.path} ${p.at.file}:${p.at.line}`)).toEqual([
      `pages/index ${lineOf("wepy", "src/app.wpy", "'pages/index'")}`,
    ]);
    expect(evidenceAt(r, "/privacy/requiredPrivateInfos/0")).toEqual([
      lineOf("wepy", "src/app.wpy", "requiredPrivateInfos"),
    ]);
    expect(r.facts["privacy"]).toMatchObject({
      apis: [{ api: "wx.chooseAddress", infoType: "address", pages: ["pages/index"] }],
    });
    expect(evidenceAt(r, "/privacy/apis/0")).toEqual([
      lineOf("wepy", "src/pages/index.wpy", "wx.chooseAddress"),
    ]);
  });
});

describe("own complaint page without the notice, imitation label, feedback plugin and service", () => {
  it("reports each entry with its icon and target", async () => {
    const r = await run("imitation-complaint");
    expect(r.layout).toMatchObject({ kind: "native", root: "." });
    const entries = (r.facts["interface"] as { complaintEntries: unknown[] }).complaintEntries;
    expect(entries).toEqual([
      { label: "吐槽建议", icon: "none", target: "official" },
      { label: "feedbackPlugin", icon: "none", target: "official" },
      {
        label: "微信官方投诉",
        icon: "wechat_bubble",
        target: "own_page",
        page: { path: "pages/complaint/complaint", headerText: "投诉与反馈", nonOfficialNoticeAtTop: false },
      },
    ]);
    expect(evidenceAt(r, "/interface/complaintEntries/0")).toEqual([
      lineOf("imitation-complaint", "pages/mine/mine.wxml", "openTucao"),
    ]);
    expect(evidenceAt(r, "/interface/complaintEntries/1")).toEqual([
      lineOf("imitation-complaint", "app.json", "feedbackPlugin"),
    ]);
    expect(evidenceAt(r, "/interface/complaintEntries/2")).toEqual([
      lineOf("imitation-complaint", "pages/mine/mine.wxml", "toComplaint"),
    ]);
    expect(evidenceAt(r, "/interface/complaintEntries/2/page/headerText")).toEqual([
      lineOf("imitation-complaint", "pages/complaint/complaint.wxml", "投诉与反馈"),
    ]);
  });

  it("a closable conditional download popup and an unclosable follow modal at payment", async () => {
    const r = await run("imitation-complaint");
    const itf = r.facts["interface"] as Record<string, unknown>;
    expect(itf["downloadAppPrompts"]).toEqual([
      { page: "pages/article/article", kind: "popup", repeated: false, closable: true, blocksFeature: false },
    ]);
    expect(evidenceAt(r, "/interface/downloadAppPrompts/0")).toEqual([
      lineOf("imitation-complaint", "pages/article/article.wxml", "打开APP"),
    ]);
    expect(itf["followGates"]).toEqual([
      { flow: "mini_program", stage: "payment", kind: "popup", closable: false, blocksFeature: true },
    ]);
    expect(evidenceAt(r, "/interface/followGates/0")).toEqual([
      lineOf("imitation-complaint", "pages/pay/pay.js", "wx.showModal"),
    ]);
    expect(itf["officialFollowComponentUsed"]).toBe(false);
  });
});

describe("bad input never throws", () => {
  it("a missing directory is an error naming it", async () => {
    const r = await extractFacts("/definitely/not/here");
    expect(r.ok).toBe(false);
    expect(r.errors).toEqual([
      {
        code: "extract/not-a-directory",
        message: "`/definitely/not/here` does not exist or cannot be read",
        file: "/definitely/not/here",
      },
    ]);
  });

  it("a directory without a mini program is an error; a broken app.json is a warning with its line", async () => {
    const dir = mkdtempSync(join(tmpdir(), "norma-extract-"));
    writeFileSync(join(dir, "app.json"), '{\n  "pages": [\n    "pages/a/a",\n  }\n');
    const r = await extractFacts(dir);
    expect(r.errors.map((e) => e.code)).toEqual(["extract/no-mini-program"]);
    const w = r.warnings.find((x) => x.code === "extract/invalid-json");
    expect(w?.places).toEqual([{ file: "app.json", line: 4, column: 3 }]);
  });

  it("miniprogramRoot pointing nowhere is a warning, and the search goes on", async () => {
    const dir = mkdtempSync(join(tmpdir(), "norma-extract-"));
    writeFileSync(join(dir, "project.config.json"), '{ "miniprogramRoot": "dist/" }');
    mkdirSync(join(dir, "miniprogram/pages/a"), { recursive: true });
    writeFileSync(join(dir, "miniprogram/app.json"), '{ "pages": ["pages/a/a"] }');
    writeFileSync(join(dir, "miniprogram/pages/a/a.js"), "Page({ onLoad() { wx.getLocation(", "utf8");
    const r = await extractFacts(dir);
    expect(r.layout.root).toBe("miniprogram");
    expect(r.warnings.map((w) => w.code)).toContain("extract/partial-layout");
    // The truncated script is scanned with the pattern fallback and still shows the call.
    expect(r.warnings.find((w) => w.code === "extract/parse-error")?.places[0]?.file).toBe(
      "miniprogram/pages/a/a.js",
    );
    expect(evidenceAt(r, "/privacy/apis/0")).toEqual(["miniprogram/pages/a/a.js:1"]);
  });

  it("an unreadable or invalid profile is an error with its line", async () => {
    const dir = mkdtempSync(join(tmpdir(), "norma-extract-"));
    writeFileSync(join(dir, "p.yaml"), "nickname: a\nentity: [unclosed\n");
    const r = await extractFacts(fixture("taro"), { profile: join(dir, "p.yaml") });
    expect(r.errors[0]?.code).toBe("extract/unreadable-profile");
    expect(r.errors[0]?.message).toMatch(/is not valid YAML at line \d/);
    const r2 = await extractFacts(fixture("taro"), { profile: join(dir, "missing.yaml") });
    expect(r2.errors[0]?.message).toBe(`cannot read the profile \`${join(dir, "missing.yaml")}\``);
  });
});
