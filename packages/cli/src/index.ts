export type { CommandModule } from "./command.js";
