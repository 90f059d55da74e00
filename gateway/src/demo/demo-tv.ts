/**
 * The quick start's TV: the demo household's set-top box runs in this process as the set-top-box
 * emulator, its TV and remote served as a page, so a new user can press the red and green keys.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Logger } from "pino";
import { createdDeviceSchema } from "@helpkey/shared";
import { createSetTopBox, type SetTopBox } from "@helpkey/firmware-sim/stb";
import type { DemoInfo } from "./seed";

export interface DemoTvOptions {
  /** The broker the box connects to (the embedded one's plain listener, or HK_MQTT_URL). */
  mqttUrl: string;
  /** The TV page's listen address (the console's host). */
  host: string;
  dataDir: string;
  logger: Logger;
}

/** Starts the demo's set-top box, or returns null when the demo has none. */
export async function startDemoTv(demo: DemoInfo, o: DemoTvOptions): Promise<SetTopBox | null> {
  const file = demo.credentialFiles.find((f) => path.basename(f).startsWith("stb-"));
  if (!file) return null;
  const creds = createdDeviceSchema.parse(JSON.parse(readFileSync(file, "utf8")));
  return createSetTopBox({
    url: o.mqttUrl, id: creds.id, secret: creds.secret,
    // not the demo/ directory: that holds the credentials files, named <id>.json too
    stateDir: path.join(o.dataDir, "demo-tv"),
    logger: o.logger,
    lang: "zh-CN", // the demo resident's language
    host: o.host,
  });
}
