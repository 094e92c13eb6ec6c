import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hasNonOfficialNotice, isVendoredPath, parseJsonLocated } from "../src/index.js";
import { componentApi, componentPrivacyOf } from "../src/component-map.js";
import { whyNotMiniProgramAppJson } from "../src/discover.js";
import { scanScript } from "../src/script-scan.js";
import { scanTemplate, sfcScripts } from "../src/template-scan.js";

describe("scanScript", () => {
  it("finds calls and references, not comments or strings", () => {
    const s = scanScript(
      [
        "// wx.getLocation()",
        "/* wx.chooseImage() */",
        "const msg = 'wx.chooseVideo is not called'",
        "const p = promisify(wx.chooseMedia)",
        "wx.getLocation({ type: 'gcj02' })",
      ].join("\n"),
      "a.js",
    );
    expect(s.apiRefs.map((r) => [r.api, r.line, r.called])).toEqual([
      ["chooseMedia", 4, false],
      ["getLocation", 5, true],
    ]);
    expect(s.apiRefs[1]?.arg).toEqual({ type: "gcj02" });
  });

  it("does not mistake inherited names for table entries", () => {
    const s = scanScript("wx.toString(); wx.constructor; client.toString()", "a.js");
    expect(s.apiRefs).toEqual([]);
    expect(s.moderation).toEqual([]);
  });

  it("follows the recorder and map context to their privacy methods", () => {
    const s = scanScript(
      [
        "const rm = wx.getRecorderManager()",
        "Page({",
        "  onLoad() { this.map = wx.createMapContext('m') },",
        "  rec() { rm.start({ duration: 1000 }) },",
        "  go() { this.map.moveToLocation() },",
        "  other() { timer.start() }",
        "})",
      ].join("\n"),
      "a.js",
    );
    expect(s.apiRefs.map((r) => [r.api, r.line, r.handler])).toEqual([
      ["RecorderManager.start", 4, "rec"],
      ["MapContext.moveToLocation", 5, "go"],
    ]);
  });

  it("reads callFunction names, literal or dynamic", () => {
    const s = scanScript(
      "wx.cloud.callFunction({ name: 'a' }); wx.cloud.callFunction({ name: fn }); uniCloud.callFunction({ name: `b` })",
      "a.js",
    );
    expect(s.callFunctions.map((c) => c.name)).toEqual(["a", null, "b"]);
  });

  it("reads security calls: style, version and scene from the argument or the enclosing function", () => {
    const s = scanScript(
      [
        "async function a() { return cloud.openapi.security.msgSecCheck({ content, version: 2, scene: 1 }) }",
        "async function b() { return openapi.security.mediaCheckAsync({ mediaUrl, mediaType: 1 }) }",
        "async function c() {",
        "  const body = { content, version: '2', scene: 4 }",
        "  return axios.post(`https://api.weixin.qq.com/wxa/msg_sec_check?access_token=${t}`, body)",
        "}",
      ].join("\n"),
      "a.js",
    );
    expect(s.securityCalls.map((c) => [c.api, c.style, c.version, c.scene, c.mediaType, c.line])).toEqual([
      ["msgSecCheck", "cloud-openapi", 2, 1, null, 1],
      ["mediaCheckAsync", "cloud-openapi", null, null, 1, 2],
      ["msgSecCheck", "http", 2, 4, null, 5],
    ]);
  });

  it("reads database writes with their collection, direct or through a variable", () => {
    const s = scanScript(
      "const posts = db.collection('posts'); posts.add({}); db.collection('c').doc(id).update({}); db.collection('r').get()",
      "a.js",
    );
    expect(s.dbWrites.map((w) => [w.collection, w.method])).toEqual([
      ["posts", "add"],
      ["c", "update"],
    ]);
  });

  it("reads request methods, modals and navigations with their handler", () => {
    const s = scanScript(
      "Page({ send() { wx.request({ url: 'https://x/y', method: 'post' }) }, tip() { wx.showModal({ content: '下载APP', showCancel: false }) }, go() { wx.navigateTo({ url: `/pages/a/a?id=${id}` }) } })",
      "a.js",
    );
    expect(s.requests.map((r) => [r.method, r.url, r.handler])).toEqual([["POST", "https://x/y", "send"]]);
    expect(s.modals.map((m) => [m.content, m.showCancel, m.handler])).toEqual([["下载APP", false, "tip"]]);
    expect(s.navigations.map((n) => [n.url, n.handler])).toEqual([["/pages/a/a?id=*", "go"]]);
  });

  it("reads TypeScript and JSX, and offsets lines of a Vue script", () => {
    const ts = scanScript("const x: number = 1\nwx.chooseImage({ count: x } as any)", "a.ts");
    expect(ts.apiRefs.map((r) => r.line)).toEqual([2]);
    const tsx = scanScript(
      "export default () => <Button openType='getPhoneNumber' onClick={this.go}>手机号</Button>",
      "a.tsx",
    );
    expect(tsx.jsx.map((e) => [e.tag, e.attrs["open-type"], e.attrs["bindclick"], e.text])).toEqual([
      ["button", "getPhoneNumber", "go", "手机号"],
    ]);
    const vue = scanScript("\nuni.chooseAddress()", "a.vue.js", 10);
    expect(vue.apiRefs.map((r) => r.line)).toEqual([11]);
  });

  it("falls back to patterns on a syntax error, skipping comments", () => {
    const s = scanScript("// wx.getLocation()\nwx.chooseImage({ \n  <<<", "a.js");
    expect(s.parseError).toBeDefined();
    expect(s.apiRefs.map((r) => [r.api, r.line])).toEqual([["chooseImage", 2]]);
  });

  it("never throws, whatever the input", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.constantFrom("a.js", "a.ts", "a.tsx"), (code, file) => {
        const s = scanScript(code, file);
        expect(Array.isArray(s.apiRefs)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe("scanTemplate", () => {
  it("keeps tags, attributes, lines, parents and text of tolerant markup", () => {
    const els = scanTemplate(
      '<view class="a">\n  <input type="nickname" value="{{a > b ? 1 : 2}}"/>\n  <text>你好 <b>世界</text>\n<button open-type="feedback">反馈\n',
    );
    expect(els.map((e) => [e.tag, e.line, e.parent])).toEqual([
      ["view", 1, null],
      ["input", 2, 0],
      ["text", 3, 0],
      ["b", 3, 2],
      ["button", 4, 0],
    ]);
    expect(els[1]?.attrs).toEqual({ type: "nickname", value: "{{a > b ? 1 : 2}}" });
    expect(els[2]?.text).toBe("你好 世界");
    expect(els[0]?.text).toBe("你好 世界 反馈");
  });

  it("reads only the template of a Vue file, and finds its scripts with their first line", () => {
    const vue =
      '<template>\n  <button open-type="getPhoneNumber">x</button>\n</template>\n<script lang="ts">\nconst a = "<view>not markup</view>"\n</script>\n<style>.a{}</style>\n';
    expect(scanTemplate(vue, true).map((e) => [e.tag, e.line])).toEqual([["button", 2]]);
    expect(sfcScripts(vue).map((s) => [s.startLine, s.lang])).toEqual([[4, "ts"]]);
  });
});

describe("parseJsonLocated", () => {
  it("records pointer positions and tolerates comments and trailing commas", () => {
    const r = parseJsonLocated('{\n  // c\n  "pages": ["a",\n    "b",],\n  "x/y": {"~": 1},\n}');
    expect(r.error).toBeUndefined();
    expect(r.value).toEqual({ pages: ["a", "b"], "x/y": { "~": 1 } });
    expect(r.positions.get("/pages/1")).toEqual({ line: 4, column: 5 });
    expect(r.positions.get("/x~1y/~0")).toEqual({ line: 5, column: 11 });
  });

  it("reports the place of a syntax error and keeps __proto__ as data", () => {
    expect(parseJsonLocated('{"a": }').error).toEqual({
      message: "unexpected character",
      line: 1,
      column: 7,
    });
    const r = parseJsonLocated('{"__proto__": {"polluted": true}}');
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
    expect(Object.keys(r.value as object)).toEqual(["__proto__"]);
  });

  it("never throws", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        const r = parseJsonLocated(s);
        expect(r.error !== undefined || r.value !== undefined || s.trim() === "null").toBe(true);
      }),
    );
  });
});

describe("tables", () => {
  it("vendored globs", () => {
    const yes = [
      "miniprogram/miniprogram_npm/@vant/weapp/uploader/index.js",
      "libs/qqmap-wx-jssdk.js",
      "utils/echarts.min.js",
      "src/sdk/analytics.js",
      "common/vendor.js",
      "uni_modules/uni-id/index.js",
    ];
    const no = ["pages/index/index.js", "utils/request.js", "components/uploader/uploader.js"];
    expect(yes.filter((p) => !isVendoredPath(p))).toEqual([]);
    expect(no.filter((p) => isVendoredPath(p))).toEqual([]);
  });

  it("component mapping by tag, by usingComponents path and by attribute", () => {
    const vant = componentPrivacyOf("my-upload", "/miniprogram_npm/@vant/weapp/uploader/index");
    expect(vant?.library).toBe("Vant Weapp");
    expect(vant && componentApi(vant, { accept: "file" })).toBe("chooseMessageFile");
    expect(vant && componentApi(vant, {})).toBe("chooseMedia");
    const picker = componentPrivacyOf("uni-file-picker", undefined);
    expect(picker && componentApi(picker, { "file-mediatype": "video" })).toBe("chooseVideo");
    expect(picker && componentApi(picker, { "file-mediatype": "toString" })).toBe("chooseImage");
    expect(componentPrivacyOf("van-area", "@vant/weapp/area/index")).toBeUndefined();
  });

  it("the non-official notice, exact or in its two halves, not the bare title", () => {
    expect(hasNonOfficialNotice("此投诉为本小程序自有投诉渠道，非微信官方投诉渠道")).toBe(true);
    expect(hasNonOfficialNotice("此投诉为本小程序自有投诉渠道,非微信官方投诉渠道")).toBe(true);
    expect(hasNonOfficialNotice("本页为本小程序自有渠道，非微信官方投诉")).toBe(true);
    expect(hasNonOfficialNotice("微信官方投诉渠道")).toBe(false);
    expect(hasNonOfficialNotice("投诉与反馈")).toBe(false);
  });

  it("what counts as a mini-program app.json", () => {
    expect(whyNotMiniProgramAppJson({ pages: ["a"] })).toBeUndefined();
    expect(whyNotMiniProgramAppJson({ expo: { name: "x" } })).toBe(
      "it has no `pages` array (it looks like an Expo config)",
    );
    expect(whyNotMiniProgramAppJson({ name: "x", displayName: "X" })).toBe(
      "it has no `pages` array (it looks like a React Native config)",
    );
    expect(whyNotMiniProgramAppJson({ pages: [{ path: "a" }] })).toBe("its `pages` are not all strings");
    expect(whyNotMiniProgramAppJson([])).toBe("it is not a JSON object");
  });
});
