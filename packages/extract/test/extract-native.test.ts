import { beforeAll, describe, expect, it } from "vitest";
import { extractFacts, type ExtractResult } from "../src/index.js";
import { evidenceAt, fixture, indexWhere, lineOf } from "./helpers.js";

const NAME = "native-forum";
const line = (file: string, needle: string): string => lineOf(NAME, file, needle);
/** `file:line` → `{file, line}`, optionally moved by `delta` lines (an array item starts at its `{`). */
const fileLine = (fl: string, delta = 0): { file: string; line: number } => ({
  file: fl.slice(0, fl.lastIndexOf(":")),
  line: Number(fl.slice(fl.lastIndexOf(":") + 1)) + delta,
});
let r: ExtractResult;
let facts: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

beforeAll(async () => {
  r = await extractFacts(fixture(NAME), { profile: `${fixture(NAME)}/profile.yaml` });
  facts = r.facts as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
});

describe("native project below project.config.json miniprogramRoot", () => {
  it("finds the root through miniprogramRoot and the cloud-function root", () => {
    expect(r.errors).toEqual([]);
    expect(r.layout).toMatchObject({
      kind: "native",
      root: "miniprogram",
      appJson: "miniprogram/app.json",
      cloudfunctionRoot: "cloudfunctions",
    });
  });

  it("gives schema-valid facts once the profile supplies the operator fields", () => {
    expect(r.validation.errors).toEqual([]);
    expect(r.validation.ok).toBe(true);
  });

  it("reads the appId from project.config.json", () => {
    expect(facts.appId).toBe("wx1f2e3d4c5b6a7980");
    expect(evidenceAt(r, "/appId")).toEqual([lineOf(NAME, "project.config.json", '"appid"')]);
  });

  it("reads pages, subpackages, plugins and the privacy keys of app.json with their lines", () => {
    const app = r.findings?.app;
    expect(app?.pages.map((p) => p.path)).toEqual([
      "pages/index/index",
      "pages/forum/post",
      "pages/forum/detail",
      "pages/complaint/complaint",
      "pages/profile/profile",
      "pages/chat/chat",
    ]);
    expect(
      app?.subpackages.map((s) => ({ root: s.root, name: s.name, pages: s.pages.map((p) => p.path) })),
    ).toEqual([{ root: "packageShop", name: "shop", pages: ["packageShop/order/order"] }]);
    expect(`${app?.subpackages[0]?.pages[0]?.at.file}:${app?.subpackages[0]?.pages[0]?.at.line}`).toBe(
      line("miniprogram/app.json", '"order/order"'),
    );
    expect(app?.plugins.map((p) => [p.alias, p.provider, `${p.at.file}:${p.at.line}`])).toEqual([
      ["myMap", "wx5bc2ac602a747594", line("miniprogram/app.json", '"myMap"')],
    ]);
    expect(app?.requiredBackgroundModes.map((m) => m.mode)).toEqual(["location"]);
    expect(app?.permissions.map((p) => [p.scope, p.desc, `${p.at.file}:${p.at.line}`])).toEqual([
      ["scope.userLocation", "用于展示附近的活动", line("miniprogram/app.json", '"scope.userLocation"')],
    ]);
    expect(app?.usePrivacyCheck?.value).toBe(true);
    expect(`${app?.usePrivacyCheck?.at.file}:${app?.usePrivacyCheck?.at.line}`).toBe(
      line("miniprogram/app.json", "__usePrivacyCheck__"),
    );
    expect(facts.privacy.requiredPrivateInfos).toEqual(["getLocation", "chooseAddress", "onLocationChange"]);
    expect(evidenceAt(r, "/privacy/requiredPrivateInfos/1")).toEqual([
      line("miniprogram/app.json", "requiredPrivateInfos"),
    ]);
  });
});

describe("side output for what the schema has no field for", () => {
  it("lists subpackages, plugins, background modes, permissions and vendored-only APIs with their places", () => {
    const u = r.unmapped;
    expect(u?.appConfig?.subpackages).toEqual([
      {
        root: "packageShop",
        name: "shop",
        independent: false,
        pages: ["packageShop/order/order"],
        ...fileLine(line("miniprogram/app.json", '"root": "packageShop"'), -1),
      },
    ]);
    expect(u?.appConfig?.requiredBackgroundModes).toEqual([
      { mode: "location", ...fileLine(line("miniprogram/app.json", "requiredBackgroundModes")) },
    ]);
    expect(u?.appConfig?.usePrivacyCheck).toEqual({
      value: true,
      ...fileLine(line("miniprogram/app.json", "__usePrivacyCheck__")),
    });
    expect(u?.declaredOpenapi).toEqual([
      {
        api: "security.msgSecCheck",
        cloudFunction: "publishPost",
        ...fileLine(line("cloudfunctions/publishPost/config.json", "security.msgSecCheck")),
      },
    ]);
    expect(u?.vendoredOnlyPrivacyApis).toEqual(["wx.getLocation"]);
  });
});

describe("privacy APIs", () => {
  const api = (name: string): number => indexWhere(facts.privacy.apis, { api: name });

  it("marks the map SDK's wx.getLocation as vendored, with its file and line", () => {
    const i = api("wx.getLocation");
    expect(facts.privacy.apis[i]).toMatchObject({ infoType: "location" });
    const ev = r.evidence.filter((e) => e.pointer === `/privacy/apis/${i}`);
    expect(ev.map((e) => [`${e.file}:${e.line}`, e.vendored])).toEqual([
      [line("miniprogram/libs/qqmap-wx-jssdk.min.js", "wx.getLocation"), true],
    ]);
  });

  it("does not count the comment that names wx.getLocation in first-party code", () => {
    expect(
      r.evidence.some(
        (e) => e.file === "miniprogram/pages/index/index.js" && e.snippet.includes("getLocation"),
      ),
    ).toBe(false);
  });

  it("never reads node_modules under cloud functions", () => {
    expect(r.evidence.some((e) => e.file.includes("node_modules"))).toBe(false);
    expect(facts.privacy.apis.some((a: { api: string }) => a.api === "wx.getWeRunData")).toBe(false);
    expect(r.stats.prunedDirs).toBeGreaterThanOrEqual(1);
  });

  it("finds first-party calls, open-type buttons and the nickname input, with their pages", () => {
    expect(facts.privacy.apis[api("wx.chooseAddress")]).toEqual({
      api: "wx.chooseAddress",
      infoType: "address",
      pages: ["pages/index/index"],
      purpose: "用于填写收货地址",
    });
    expect(evidenceAt(r, `/privacy/apis/${api("wx.chooseAddress")}`)).toEqual([
      line("miniprogram/pages/index/index.js", "wx.chooseAddress"),
    ]);
    expect(facts.privacy.apis[api("button[open-type=getPhoneNumber]")]).toMatchObject({
      infoType: "phone_number",
      pages: ["pages/forum/detail"],
    });
    expect(evidenceAt(r, `/privacy/apis/${api("button[open-type=getPhoneNumber]")}`)).toEqual([
      line("miniprogram/pages/forum/detail.wxml", "getPhoneNumber"),
    ]);
    expect(evidenceAt(r, `/privacy/apis/${api("button[open-type=chooseAvatar]")}`)).toEqual([
      line("miniprogram/pages/profile/profile.wxml", "chooseAvatar"),
    ]);
    expect(evidenceAt(r, `/privacy/apis/${api("input[type=nickname]")}`)).toEqual([
      line("miniprogram/pages/profile/profile.wxml", 'type="nickname"'),
    ]);
    expect(facts.privacy.apis[api("wx.setClipboardData")]).toMatchObject({ infoType: "clipboard" });
    expect(facts.privacy.apis[api("RecorderManager.start")]).toMatchObject({
      infoType: "microphone",
      pages: ["pages/chat/chat"],
    });
    expect(evidenceAt(r, `/privacy/apis/${api("RecorderManager.start")}`)).toEqual([
      line("miniprogram/pages/chat/chat.js", "recorder.start"),
    ]);
  });

  it("reaches wx.chooseMedia through the van-uploader component (mapping table) and in the vendored component", () => {
    const i = api("van-uploader → wx.chooseMedia");
    expect(facts.privacy.apis[i]).toMatchObject({ infoType: "photos_videos", pages: ["pages/forum/post"] });
    expect(evidenceAt(r, `/privacy/apis/${i}`)).toEqual([
      line("miniprogram/pages/forum/post.wxml", "<van-uploader"),
    ]);
    const j = api("wx.chooseMedia");
    const ev = r.evidence
      .filter((e) => e.pointer === `/privacy/apis/${j}`)
      .map((e) => [`${e.file}:${e.line}`, e.vendored]);
    expect(ev).toContainEqual([line("miniprogram/pages/forum/post.js", "wx.chooseMedia"), false]);
    expect(ev).toContainEqual([
      line("miniprogram/miniprogram_npm/@vant/weapp/uploader/index.js", "wx.chooseMedia"),
      true,
    ]);
  });

  it("warns about a requiredPrivateInfos entry no code calls", () => {
    const w = r.warnings.find((x) => x.code === "extract/unused-private-info");
    expect(w?.message).toContain("`onLocationChange`");
    expect(w?.places.map((p) => `${p.file}:${p.line}`)).toEqual([
      line("miniprogram/app.json", "requiredPrivateInfos"),
    ]);
  });
});

describe("content security", () => {
  const check = (callSiteFile: string): { i: number; c: Record<string, unknown> } => {
    const i = facts.moderation.securityChecks.findIndex((c: { callSite: string }) =>
      c.callSite.startsWith(callSiteFile),
    );
    return { i, c: facts.moderation.securityChecks[i] };
  };

  it("v2 msgSecCheck in a cloud function the post page calls: scene, suggest read, reached, guards the forum", () => {
    const { i, c } = check("cloudfunctions/publishPost/");
    expect(c).toEqual({
      api: "msgSecCheck",
      version: 2,
      medium: "text",
      scene: 3,
      guards: ["forum"],
      reachedFromUserFlow: true,
      readsResultSuggest: true,
      via: "cloud",
      callSite: line("cloudfunctions/publishPost/index.js", "security.msgSecCheck"),
    });
    expect(evidenceAt(r, `/moderation/securityChecks/${i}`)).toEqual([
      line("cloudfunctions/publishPost/index.js", "security.msgSecCheck"),
    ]);
    expect(evidenceAt(r, `/moderation/securityChecks/${i}/reachedFromUserFlow`)).toEqual([
      line("miniprogram/pages/forum/post.js", "wx.cloud.callFunction"),
    ]);
  });

  it("v1 msgSecCheck (no version, errCode 87014) called from the comment page", () => {
    const { i, c } = check("cloudfunctions/legacyCheck/");
    expect(c).toMatchObject({
      api: "msgSecCheck",
      version: 1,
      medium: "text",
      guards: ["comment"],
      reachedFromUserFlow: true,
      handlesRiskyErrcode: true,
    });
    expect(c).not.toHaveProperty("scene");
    expect(c).not.toHaveProperty("readsResultSuggest");
    expect(evidenceAt(r, `/moderation/securityChecks/${i}/reachedFromUserFlow`)).toEqual([
      line("miniprogram/pages/forum/detail.js", "legacyCheck"),
    ]);
  });

  it("imgSecCheck defined in a cloud function nobody calls is not reached, with a warning", () => {
    const { i, c } = check("cloudfunctions/checkImage/");
    expect(c).toMatchObject({ api: "imgSecCheck", version: 1, medium: "image", reachedFromUserFlow: false });
    expect(evidenceAt(r, `/moderation/securityChecks/${i}`)).toEqual([
      line("cloudfunctions/checkImage/index.js", "imgSecCheck"),
    ]);
    expect(evidenceAt(r, `/moderation/securityChecks/${i}/reachedFromUserFlow`)).toEqual([]);
    const w = r.warnings.find((x) => x.code === "extract/check-never-called");
    expect(w?.places.map((p) => `${p.file}:${p.line}`)).toEqual([
      line("cloudfunctions/checkImage/index.js", "imgSecCheck"),
    ]);
  });

  it("records the openapi permission of config.json as declared, not as a call", () => {
    expect(
      r.findings?.declaredOpenapi.map((d) => [d.api, d.cloudFunction, `${d.at.file}:${d.at.line}`]),
    ).toEqual([
      [
        "security.msgSecCheck",
        "publishPost",
        line("cloudfunctions/publishPost/config.json", "security.msgSecCheck"),
      ],
    ]);
    expect(facts.moderation.securityChecks).toHaveLength(3);
  });

  it("records Tencent Cloud TMS in a called cloud function as third-party moderation before publishing", () => {
    expect(facts.moderation.otherModeration).toEqual([
      { kind: "third_party", vendor: "腾讯云内容安全", media: ["text"], beforePublish: true },
    ]);
    expect(evidenceAt(r, "/moderation/otherModeration/0")).toEqual([
      line("cloudfunctions/moderate/index.js", "tencentcloud-sdk-nodejs-tms"),
    ]);
  });
});

describe("UGC", () => {
  const surface = (place: string): { i: number; s: Record<string, unknown> } => {
    const i = indexWhere(facts.ugc.surfaces, { place });
    return { i, s: facts.ugc.surfaces[i] };
  };

  it("post page: textarea + image picker + uploader sent to a cloud function → forum text and image", () => {
    const { i, s } = surface("forum");
    expect(s).toEqual({
      place: "forum",
      media: ["text", "image"],
      visibleToOthers: true,
      page: "pages/forum/post",
    });
    expect(evidenceAt(r, `/ugc/surfaces/${i}`)).toEqual(
      [
        line("miniprogram/pages/forum/post.js", "wx.chooseMedia"),
        line("miniprogram/pages/forum/post.js", "wx.cloud.callFunction"),
        line("miniprogram/pages/forum/post.wxml", "<textarea"),
        line("miniprogram/pages/forum/post.wxml", "<van-uploader"),
      ].sort(),
    );
  });

  it("comment written to the database, chat sent to a cloud function, nickname and avatar saved", () => {
    expect(surface("comment").s).toEqual({
      place: "comment",
      media: ["text"],
      visibleToOthers: true,
      page: "pages/forum/detail",
    });
    expect(evidenceAt(r, `/ugc/surfaces/${surface("comment").i}`)).toContain(
      line("miniprogram/pages/forum/detail.js", "db.collection('comments').add"),
    );
    expect(surface("chat").s).toMatchObject({
      media: ["text", "audio"],
      visibleToOthers: true,
      page: "pages/chat/chat",
    });
    expect(evidenceAt(r, `/ugc/surfaces/${surface("chat").i}`)).toEqual(
      [
        line("miniprogram/pages/chat/chat.js", "wx.cloud.uploadFile"),
        line("miniprogram/pages/chat/chat.js", "recorder.start"),
        line("miniprogram/pages/chat/chat.js", "wx.cloud.callFunction"),
        line("miniprogram/pages/chat/chat.wxml", "<input"),
      ].sort(),
    );
    expect(surface("nickname").s).toMatchObject({
      media: ["text"],
      page: "pages/profile/profile",
      visibleToOthers: true,
    });
    expect(evidenceAt(r, `/ugc/surfaces/${surface("nickname").i}`)).toContain(
      line("miniprogram/pages/profile/profile.js", ".update("),
    );
    expect(surface("avatar").s).toMatchObject({ media: ["image"] });
    expect(facts.contentAreas).toEqual(["instant_messaging", "ugc_publishing"]);
  });

  it("the complaint form is user input that nobody else sees", () => {
    expect(
      facts.ugc.surfaces[indexWhere(facts.ugc.surfaces, { page: "pages/complaint/complaint" })],
    ).toMatchObject({ place: "other", visibleToOthers: false });
  });
});

describe("interface", () => {
  it("official feedback button and own complaint page with the notice at its top", () => {
    expect(facts.interface.complaintEntries).toEqual([
      { label: "意见反馈", icon: "none", target: "official" },
      {
        label: "投诉",
        icon: "own",
        target: "own_page",
        page: {
          path: "pages/complaint/complaint",
          headerText: "此投诉为本小程序自有投诉渠道,非微信官方投诉渠道",
          nonOfficialNoticeAtTop: true,
        },
      },
    ]);
    expect(evidenceAt(r, "/interface/complaintEntries/0")).toEqual([
      line("miniprogram/pages/index/index.wxml", 'open-type="feedback"'),
    ]);
    expect(evidenceAt(r, "/interface/complaintEntries/1")).toEqual([
      line("miniprogram/pages/index/index.wxml", "<navigator"),
    ]);
    expect(evidenceAt(r, "/interface/complaintEntries/1/page/headerText")).toEqual([
      line("miniprogram/pages/complaint/complaint.wxml", "此投诉为本小程序"),
    ]);
  });

  it("a download-app popup without a close control that blocks content", () => {
    expect(facts.interface.downloadAppPrompts).toEqual([
      { page: "pages/index/index", kind: "popup", repeated: true, closable: false, blocksFeature: true },
    ]);
    expect(evidenceAt(r, "/interface/downloadAppPrompts/0")).toEqual([
      line("miniprogram/pages/index/index.wxml", "下载APP"),
    ]);
  });

  it("a follow gate while ordering, a share gate in a modal, and the official-account component", () => {
    expect(facts.interface.followGates).toEqual([
      { flow: "mini_program", stage: "ordering", kind: "popup", closable: false, blocksFeature: true },
    ]);
    expect(evidenceAt(r, "/interface/followGates/0")).toEqual([
      line("miniprogram/packageShop/order/order.wxml", "关注公众号"),
    ]);
    expect(facts.interface.shareGates).toEqual([
      { unlocks: "分享给好友后即可领取优惠券", requires: "share", forced: true },
    ]);
    expect(evidenceAt(r, "/interface/shareGates/0")).toEqual([
      line("miniprogram/packageShop/order/order.js", "wx.showModal"),
    ]);
    expect(facts.interface.officialFollowComponentUsed).toBe(true);
    expect(evidenceAt(r, "/interface/officialFollowComponentUsed")).toEqual([
      line("miniprogram/pages/profile/profile.wxml", "<official-account>"),
    ]);
  });
});

describe("profile merge", () => {
  const profileLine = (needle: string): string => `${fixture(NAME)}/${lineOf(NAME, "profile.yaml", needle)}`;

  it("takes operator fields from the profile, with the profile line as evidence", () => {
    expect(facts.nickname).toBe("拾光论坛");
    expect(facts.entity).toEqual({ type: "enterprise", name: "示例科技有限公司" });
    expect(evidenceAt(r, "/nickname")).toEqual([profileLine("nickname:")]);
    expect(facts.privacy.guideFilled).toBe(true);
  });

  it("keeps the package's UGC when the profile says there is none, with one warning per surface naming both places", () => {
    const ws = r.warnings.filter(
      (w) => w.code === "profile/disagrees-with-package" && w.message.includes("publish nothing"),
    );
    expect(ws).toHaveLength(facts.ugc.surfaces.length);
    const forum = ws.find((w) => w.message.includes("UGC: forum"));
    expect(forum?.places.map((p) => `${p.file}:${p.line}`)).toEqual([
      profileLine("surfaces: []"),
      line("miniprogram/pages/forum/post.wxml", "<textarea"),
    ]);
  });

  it("merges privacy-guide purposes and reports APIs without a purpose and purposes without an API", () => {
    expect(
      evidenceAt(r, `/privacy/apis/${indexWhere(facts.privacy.apis, { api: "wx.getLocation" })}/purpose`),
    ).toEqual([profileLine("用于展示附近的活动")]);
    const msgs = r.warnings.filter((w) => w.code === "profile/disagrees-with-package").map((w) => w.message);
    expect(msgs).toContain(
      "the package calls `button[open-type=getPhoneNumber]` but the profile's privacy guide gives no purpose for it",
    );
    expect(msgs).toContain(
      "the profile's privacy guide declares `wx.getWeRunData` but the package never calls it",
    );
  });
});
