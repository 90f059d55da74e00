/**
 * The set-top-box emulator: the device core of device.ts (identity, Last Will, status on connect,
 * persisted alarms retransmitted until acked) as a TV box whose remote's red key calls for help and
 * green key asks for a service, with the TV itself served as a web page.
 */
import type { Logger } from "pino";
import { pino } from "pino";
import { createSimDevice, type SimDevice, type SimDeviceOptions } from "../device";
import { DEFAULT_CATEGORIES, stbCategoriesSchema, type StbCategory } from "./categories";
import { DEFAULT_TIMING, TvScreen, type ScreenTiming, type StbKey } from "./screen";
import { startTvServer, type TvServer } from "./tv-server";
import { tvState, type StbLang, type TvState } from "./view";

export interface SetTopBoxOptions extends Omit<SimDeviceOptions, "logger"> {
  logger?: Logger;
  /** The resident's language (default zh-CN). */
  lang?: StbLang;
  /** The green key's menu (default: the six default service categories). */
  categories?: readonly StbCategory[];
  /** The red key's countdown (default 10 s; tests shorten it). */
  countdownMs?: number;
  timing?: Partial<ScreenTiming>;
  /** The TV page's address (default 127.0.0.1, port 0: any free one). */
  host?: string;
  port?: number;
}

export interface SetTopBox {
  readonly device: SimDevice;
  /** The TV page. */
  readonly url: string;
  state(): TvState;
  /** A key of the remote, as the page sends it; `holdMs` matters for the green key's long press. */
  key(key: StbKey, holdMs?: number): TvState;
  close(): Promise<void>;
  /** Abrupt end (the Last Will goes out), for tests of a box that loses power. */
  kill(): Promise<void>;
}

export async function createSetTopBox(opts: SetTopBoxOptions): Promise<SetTopBox> {
  let categories = stbCategoriesSchema.parse(opts.categories ?? DEFAULT_CATEGORIES);
  const lang = opts.lang ?? "zh-CN";
  const log = (opts.logger ?? pino({ level: "silent" })).child({ device: opts.id, part: "stb" });
  const timing: ScreenTiming = { ...DEFAULT_TIMING, ...opts.timing, ...(opts.countdownMs === undefined ? {} : { countdownMs: opts.countdownMs }) };
  const device = createSimDevice({ ...opts, logger: log });
  const screen = new TvScreen({
    press: (o) => device.press({ ...o, trigger: "remote" }).seq,
    event: (e) => {
      log.info({ type: e.type }, "event");
      device.sendEvent(e);
    },
  }, timing, categories.map((c) => c.key));

  let server: TvServer | undefined;
  let timer: NodeJS.Timeout | undefined;
  const state = () => tvState(screen, { deviceId: device.id, lang, connected: device.connected, categories }, Date.now());
  /** After every change: tell the pages, and wake when the screen next changes by itself. */
  const changed = () => {
    server?.push();
    clearTimeout(timer);
    const at = screen.nextWakeAt(Date.now());
    if (at !== null) {
      timer = setTimeout(() => {
        screen.wake(Date.now());
        changed();
      }, Math.max(0, at - Date.now()));
    }
  };

  device.on("ack", (a) => (screen.ack(a, Date.now()), changed()));
  device.on("cmd", (c) => {
    if (c.type === "display") screen.display(c, Date.now());
    else if (c.type === "config") {
      if (c.cancelWindowS !== undefined) screen.cancelWindowMs = c.cancelWindowS * 1000;
      // the community's own list replaces the built-in defaults
      const menu = c.categories ? stbCategoriesSchema.safeParse(c.categories) : null;
      if (menu?.success) {
        categories = menu.data;
        screen.setCategories(categories.map((m) => m.key));
      }
    }
    changed();
  });
  device.on("connect", changed);
  device.on("offline", changed);

  const key = (k: StbKey, holdMs = 0) => {
    log.debug({ key: k, holdMs }, "key");
    screen.key(k, holdMs, Date.now());
    changed();
    return state();
  };
  try {
    server = await startTvServer({ host: opts.host ?? "127.0.0.1", port: opts.port ?? 0, lang, state, key });
  } catch (err) {
    await device.close();
    throw err;
  }
  const tv = server;
  const stop = async (end: () => Promise<void>) => {
    clearTimeout(timer);
    await Promise.all([tv.close(), end()]);
  };
  return {
    device, url: tv.url, state, key,
    close: () => stop(() => device.close()),
    kill: () => stop(() => device.kill()),
  };
}
