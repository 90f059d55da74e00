export * from "./topics";
export * from "./protocol";
export * from "./errors";
export * from "./domain";
export * from "./console-events";
export * from "./http";
export * from "./policy";
export * from "./redact";
