import { topics } from "@helpkey/shared";
import { afterEach, describe, expect, it } from "vitest";
import { closeAll, nextMessage, startBroker } from "./support";

afterEach(closeAll);

describe("slow subscribers (drainTimeout)", () => {
  it("drops a subscriber that stops reading, and delivery to others goes on", async () => {
    const h = await startBroker({ drainTimeoutMs: 300, maxPacketBytes: 64 * 1024 });
    const stuck = await h.service({ clientId: "stuck" });
    await stuck.subscribeAsync(topics.allStatus, { qos: 0 });
    const healthy = await h.service();
    await healthy.subscribeAsync(topics.allStatus, { qos: 0 });
    // the broker's view: the stuck client is disconnected
    let stuckGone = false;
    const dropped = new Promise<void>((resolve) =>
      h.broker.aedes.on("clientDisconnect", (client) => {
        if (client.id === "stuck") {
          stuckGone = true;
          resolve();
        }
      }),
    );
    // the client stops reading its socket
    stuck.stream.unpipe();
    stuck.stream.pause();

    // fill the stuck client's socket and kernel buffers (tens of MB on loopback)
    // until the broker has to wait for it; the bound only stops a runaway loop
    const publisher = await h.service();
    const payload = "z".repeat(60 * 1024);
    for (let sent = 0; sent < 5_000 && !stuckGone; sent++) {
      await publisher.publishAsync(topics.status("dev-a"), payload, { qos: 1 });
    }
    await dropped;
    const last = nextMessage(healthy, topics.status("dev-b"), "after");
    await publisher.publishAsync(topics.status("dev-b"), "after", { qos: 1 });
    expect(await last).toBe("after");
  });
});
