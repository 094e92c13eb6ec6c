/**
 * The privacy-API table of the WeChat user-privacy guide (shared/domain/external-facts.md §4):
 * which interface or component collects which type of user information.
 */

/** A user-information type of the privacy guide. */
export interface PrivacyInfoType {
  /** Stable key used in the facts. */
  key: string;
  /** The guide's own wording. */
  label: string;
}

/** The information types, keyed by `key`. */
export const INFO_TYPES = {
  userInfo: { key: "userInfo", label: "收集你的昵称、头像" },
  location: { key: "location", label: "收集你的位置信息" },
  chosenLocation: { key: "chosenLocation", label: "收集你选择的位置信息" },
  address: { key: "address", label: "收集你的地址" },
  invoice: { key: "invoice", label: "收集你的发票信息" },
  werun: { key: "werun", label: "收集你的微信运动步数" },
  phoneNumber: { key: "phoneNumber", label: "收集你的手机号" },
  licensePlate: { key: "licensePlate", label: "收集你的车牌号" },
  album: { key: "album", label: "收集你选中的照片或视频信息" },
  messageFile: { key: "messageFile", label: "收集你选中的文件" },
  microphone: { key: "microphone", label: "访问你的麦克风" },
  camera: { key: "camera", label: "访问你的摄像头" },
  bluetooth: { key: "bluetooth", label: "访问你的蓝牙" },
  albumWrite: { key: "albumWrite", label: "使用你的相册（仅写入）权限" },
  contactWrite: { key: "contactWrite", label: "使用你的通讯录（仅写入）权限" },
  calendarWrite: { key: "calendarWrite", label: "使用你的日历（仅写入）权限" },
  sensors: { key: "sensors", label: "调用你的加速传感器/磁场传感器/方向传感器/陀螺仪传感器" },
  clipboard: { key: "clipboard", label: "读取你的剪切板" },
} as const satisfies Record<string, PrivacyInfoType>;

type InfoKey = keyof typeof INFO_TYPES;

/**
 * A lookup table without a prototype: `table.toString` is undefined, so a name read from the
 * package (`wx.toString`) never matches an inherited member.
 */
export function table<T extends object>(entries: T): Readonly<T> {
  return Object.freeze(Object.assign(Object.create(null) as T, entries));
}

/** `wx.<api>` (also `uni.<api>`, `Taro.<api>`) → information type. */
export const PRIVACY_APIS: Readonly<Record<string, InfoKey>> = table({
  getUserInfo: "userInfo",
  getUserProfile: "userInfo",
  getLocation: "location",
  getFuzzyLocation: "location",
  onLocationChange: "location",
  startLocationUpdate: "location",
  startLocationUpdateBackground: "location",
  choosePoi: "chosenLocation",
  chooseLocation: "chosenLocation",
  chooseAddress: "address",
  chooseInvoiceTitle: "invoice",
  chooseInvoice: "invoice",
  getWeRunData: "werun",
  chooseLicensePlate: "licensePlate",
  chooseImage: "album",
  chooseMedia: "album",
  chooseVideo: "album",
  chooseMessageFile: "messageFile",
  startRecord: "microphone",
  joinVoIPChat: "microphone",
  createVKSession: "camera",
  openBluetoothAdapter: "bluetooth",
  createBLEPeripheralServer: "bluetooth",
  saveImageToPhotosAlbum: "albumWrite",
  saveVideoToPhotosAlbum: "albumWrite",
  addPhoneContact: "contactWrite",
  addPhoneRepeatCalendar: "calendarWrite",
  addPhoneCalendar: "calendarWrite",
  startAccelerometer: "sensors",
  startCompass: "sensors",
  startDeviceMotionListening: "sensors",
  startGyroscope: "sensors",
  setClipboardData: "clipboard",
  getClipboardData: "clipboard",
});

/** Methods of objects returned by an API: `wx.getRecorderManager().start()`, `wx.createMapContext(id).moveToLocation()`. */
export const PRIVACY_METHODS: Readonly<
  Record<string, { factory: string; method: string; api: string; info: InfoKey }>
> = table({
  getRecorderManager: {
    factory: "getRecorderManager",
    method: "start",
    api: "RecorderManager.start",
    info: "microphone",
  },
  createMapContext: {
    factory: "createMapContext",
    method: "moveToLocation",
    api: "MapContext.moveToLocation",
    info: "location",
  },
});

/** `open-type` values of `<button>` that collect user information. */
export const PRIVACY_OPEN_TYPES: Readonly<Record<string, { api: string; info: InfoKey }>> = table({
  getPhoneNumber: { api: "getPhoneNumber", info: "phoneNumber" },
  getRealtimePhoneNumber: { api: "getRealtimePhoneNumber", info: "phoneNumber" },
  chooseAvatar: { api: "chooseAvatar", info: "userInfo" },
  getUserInfo: { api: "getUserInfo", info: "userInfo" },
  userInfo: { api: "getUserInfo", info: "userInfo" },
});

/** Components that collect user information by themselves. */
export const PRIVACY_TAGS: Readonly<Record<string, Array<{ api: string; info: InfoKey }>>> = table({
  camera: [{ api: "camera", info: "camera" }],
  "live-pusher": [
    { api: "live-pusher", info: "camera" },
    { api: "live-pusher", info: "microphone" },
  ],
  "voip-room": [{ api: "voip-room", info: "camera" }],
});

/** `authorize` scopes → information type. */
export const PRIVACY_SCOPES: Readonly<Record<string, InfoKey>> = table({
  "scope.userLocation": "location",
  "scope.userLocationBackground": "location",
  "scope.userFuzzyLocation": "location",
  "scope.werun": "werun",
  "scope.record": "microphone",
  "scope.camera": "camera",
  "scope.bluetooth": "bluetooth",
  "scope.writePhotosAlbum": "albumWrite",
  "scope.addPhoneContact": "contactWrite",
  "scope.addPhoneCalendar": "calendarWrite",
});

/** The location APIs that must be declared in `requiredPrivateInfos` (from 2022-07-14). */
export const REQUIRED_PRIVATE_INFOS: readonly string[] = [
  "getFuzzyLocation",
  "getLocation",
  "onLocationChange",
  "startLocationUpdate",
  "startLocationUpdateBackground",
  "chooseLocation",
  "choosePoi",
  "chooseAddress",
];

/** The precise-location entries that may not be declared together with `getFuzzyLocation`. */
export const PRECISE_LOCATION_INFOS: readonly string[] = [
  "getLocation",
  "onLocationChange",
  "startLocationUpdate",
  "startLocationUpdateBackground",
];

/** The information type of an API name, if it is a privacy API. */
export function infoTypeOf(api: string): PrivacyInfoType | undefined {
  const k =
    PRIVACY_APIS[api] ??
    Object.values(PRIVACY_METHODS).find((m) => m.api === api)?.info ??
    Object.values(PRIVACY_OPEN_TYPES).find((o) => o.api === api)?.info;
  return k ? INFO_TYPES[k] : undefined;
}
