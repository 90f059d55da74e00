/**
 * The device protocol: a (device, seq) seen before with a different payload is not a
 * retransmission (the device lost its counter): it is a new press, acked with its own alert, and the
 * device is flagged on the health board. The same payload again is still a retransmission.
 */
import { afterEach, expect, it } from "vitest";
import type { AckPayload, AlertView, DeviceHealthRow } from "@helpkey/shared";
import { createHousehold } from "../helpers/community";
import { alarm, connectRaw } from "../helpers/device";
import { startTestSystem, waitFor, type TestSystem } from "../helpers/system";

let sys: TestSystem | undefined;
afterEach(async () => {
  await sys?.close();
  sys = undefined;
});

async function setup() {
  sys = await startTestSystem();
  const home = await createHousehold(sys.api, { contacts: [{ name: "Daughter", phone: "+8613800330001", priority: 1 }] });
  sys.phone!.setPerson("+8613800330001", { never: true });
  const raw = await connectRaw(sys.mqttUrl, home.device.id, home.device.secret);
  const topic = `hk/v1/dev/${home.device.id}/alarm`;
  const send = async (payload: string): Promise<AckPayload> => {
    const before = raw.acks.length;
    await raw.client.publishAsync(topic, payload, { qos: 1 });
    return waitFor(() => raw.acks[before], 5000, "the ack");
  };
  return { home, raw, send };
}

it("a reused seq with a new payload is a new press: its own alert and ack, and the device is flagged", async () => {
  const { home, raw, send } = await setup();
  try {
    const t0 = Date.now();
    const first = await send(alarm(5, { ts: t0 }));
    expect(first).toMatchObject({ seq: 5, state: "received" });
    for (const step of ["acknowledge", "resolve"]) expect((await sys!.api("POST", `/api/alerts/${first.alertId}/${step}`, step === "resolve" ? { outcome: "real" } : {})).status).toBe(200);
    await waitFor(() => raw.acks.some((k) => k.state === "resolved"), 5000, "the device told it is resolved");

    // the device lost its counter: seq 5 again, later and of another kind
    const reused = alarm(5, { ts: t0 + 60_000, kind: "medical" });
    const second = await send(reused);
    expect(second).toMatchObject({ seq: 5, state: "received" });
    expect(second.alertId).not.toBe(first.alertId);
    const b = (await sys!.api<AlertView>("GET", `/api/alerts/${second.alertId}`)).body;
    expect(b).toMatchObject({ state: "open", kind: "medical", pressCount: 1 });
    await waitFor(() => sys!.phone!.messages.some((m) => m.body.includes(`#${second.alertId}`)), 5000, "the new alert's text");

    // that packet again is a retransmission of the new press
    expect(await send(reused)).toMatchObject({ seq: 5, alertId: second.alertId, state: "received" });
    expect((await sys!.api<AlertView[]>("GET", "/api/alerts")).body).toHaveLength(2);

    const board = (await sys!.api<{ devices: DeviceHealthRow[] }>("GET", "/api/board/devices")).body;
    const row = board.devices.find((d) => d.id === home.device.id)!;
    expect(row.seqResetAt).toEqual(expect.any(Number));
  } finally {
    await raw.client.endAsync();
  }
});

it("a reused seq is counted in the metrics", async () => {
  const { raw, send } = await setup();
  try {
    const t0 = Date.now();
    await send(alarm(9, { ts: t0 }));
    await send(alarm(9, { ts: t0 + 1000, kind: "fire" }));
    const metrics = await (await fetch(`${sys!.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/^hk_presses_total\{result="seq_reused"\} 1$/m);
  } finally {
    await raw.client.endAsync();
  }
});
