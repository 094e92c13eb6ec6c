/**
 * `@norma/server`: the HTTP decision service. A service that cannot embed the TypeScript runtime
 * calls it instead: it loads one bundle and answers `POST /v1/decide` with the same decision
 * document as the library.
 */
export { createDecisionServer, handleRequest, type ServerOptions } from "./server.js";
export { DecisionService, type ReloadStatus } from "./service.js";
