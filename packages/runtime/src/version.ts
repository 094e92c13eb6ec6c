/** The runtime's version, as decisions report it (`engine.version`); equals `package.json`'s. */
export const ENGINE_VERSION = "0.1.0";
