import "server-only";
import pkg from "../../package.json" with { type: "json" };

export const VERSION: string = pkg.version;
export const STARTED_AT = Date.now();
