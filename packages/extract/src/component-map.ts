/**
 * The mapping table from UI components to the privacy APIs they call on the user's behalf.
 *
 * A page that shows `<van-uploader>` collects photos through `wx.chooseMedia` although the page's
 * own code never names it; the call sits in the library, which is vendored. This table lets the
 * extractor report the privacy API at the tag in the page that reaches it.
 *
 * | component (tag, or path in usingComponents) | library | API (by its `accept`-like attribute) | medium |
 * |---|---|---|---|
 * | `van-uploader`, `@vant/weapp/uploader` | Vant Weapp | image/video/media → `chooseMedia`; file/all → `chooseMessageFile` | image, video |
 * | `t-upload`, `tdesign-miniprogram/upload` | TDesign | `chooseMedia`; `source="messageFile"` → `chooseMessageFile` | image, video |
 * | `uni-file-picker` | uni-ui | image → `chooseImage`; video → `chooseVideo`; all → `chooseMessageFile` | image, video |
 * | `u-upload`, `up-upload`, `u--upload` | uView | image → `chooseImage`; video → `chooseVideo`; media → `chooseMedia` | image, video |
 * | `nut-uploader` | NutUI | `chooseMedia` | image, video |
 * | `at-image-picker` (`AtImagePicker`) | Taro UI | `chooseImage` | image |
 * | `mp-uploader`, `weui-miniprogram/uploader` | WeUI | `chooseImage` | image |
 * | `van-area`, … | — | none: only components that call a privacy API are listed |
 */

/** One row of the table. */
export interface ComponentPrivacy {
  library: string;
  /** Tag names (also matched after a `usingComponents` alias is resolved). */
  tags: readonly string[];
  /** Substrings of the `usingComponents` path that identify the component. */
  paths: readonly string[];
  /** The attribute that selects what is picked, and the API per value; `default` when absent. */
  attribute: string | null;
  apis: Readonly<Record<string, string>>;
}

/** The table. */
export const COMPONENT_PRIVACY: readonly ComponentPrivacy[] = [
  {
    library: "Vant Weapp",
    tags: ["van-uploader"],
    paths: ["@vant/weapp/uploader", "vant-weapp/uploader", "vant/uploader"],
    attribute: "accept",
    apis: {
      default: "chooseMedia",
      image: "chooseMedia",
      video: "chooseMedia",
      media: "chooseMedia",
      file: "chooseMessageFile",
      all: "chooseMessageFile",
    },
  },
  {
    library: "TDesign",
    tags: ["t-upload"],
    paths: ["tdesign-miniprogram/upload"],
    attribute: "source",
    apis: { default: "chooseMedia", media: "chooseMedia", messageFile: "chooseMessageFile" },
  },
  {
    library: "uni-ui",
    tags: ["uni-file-picker"],
    paths: ["uni-file-picker"],
    attribute: "file-mediatype",
    apis: { default: "chooseImage", image: "chooseImage", video: "chooseVideo", all: "chooseMessageFile" },
  },
  {
    library: "uView",
    tags: ["u-upload", "up-upload", "u--upload"],
    paths: ["uview-ui/components/u-upload", "uview-plus/components/u-upload"],
    attribute: "accept",
    apis: {
      default: "chooseImage",
      image: "chooseImage",
      video: "chooseVideo",
      media: "chooseMedia",
      file: "chooseMessageFile",
      all: "chooseMessageFile",
    },
  },
  {
    library: "NutUI",
    tags: ["nut-uploader"],
    paths: ["@nutui/"],
    attribute: null,
    apis: { default: "chooseMedia" },
  },
  {
    library: "Taro UI",
    tags: ["at-image-picker"],
    paths: ["taro-ui"],
    attribute: null,
    apis: { default: "chooseImage" },
  },
  {
    library: "WeUI",
    tags: ["mp-uploader"],
    paths: ["weui-miniprogram/uploader"],
    attribute: null,
    apis: { default: "chooseImage" },
  },
];

/** The row for a tag (resolving its `usingComponents` path), or undefined. */
export function componentPrivacyOf(
  tag: string,
  componentPath: string | undefined,
): ComponentPrivacy | undefined {
  return COMPONENT_PRIVACY.find(
    (c) =>
      c.tags.includes(tag) ||
      (componentPath !== undefined &&
        c.paths.some(
          (p) => componentPath.includes(p) && (p.endsWith("/") ? componentPath.includes("upload") : true),
        )),
  );
}

/** The API a component calls given its attributes. */
export function componentApi(row: ComponentPrivacy, attrs: Record<string, string>): string {
  const v = row.attribute ? attrs[row.attribute] : undefined;
  const own = (k: string): string | undefined =>
    Object.prototype.hasOwnProperty.call(row.apis, k) ? row.apis[k] : undefined;
  return (v !== undefined ? own(v) : undefined) ?? own("default") ?? "chooseMedia";
}
