/**
 * CONNECT, as a list of steps; the first refusal ends it (docs/device-protocol.md:
 * client id = username = device id, password = the device secret): the device id's login budget
 * (device-connects.ts), the injected authenticator, the ids on the wire.
 * A refusal is answered with a CONNACK return code [MQTT-3.2.2.3], logged with
 * the claimed device id and counted; the password is never logged or kept.
 */
import { ErrorCodes, type ErrorCode } from "@helpkey/shared";
import type { Client } from "aedes";
import type { DeviceConnects } from "./device-connects";
import type { ConnectOutcome, RefusedReturnCode } from "./hooks";
import type { Identities } from "./identities";
import type { Refusals } from "./refusals";
import type { AuthDecision, Credentials, Identity } from "./types";

/** A stuck authenticator must not hold a connection forever (the connect timer is already stopped). */
const AUTHENTICATE_TIMEOUT_MS = 10_000;

type Authenticate = (credentials: Credentials) => Promise<AuthDecision>;
type StepResult = { identity: Identity } | { returnCode: RefusedReturnCode; reason: string; err?: unknown; code?: ErrorCode };
type Step = (credentials: Credentials, identity: Identity | undefined) => Promise<StepResult | null> | StepResult | null;

export function createConnectPolicy(deps: { authenticate: Authenticate; identities: Identities; refusals: Refusals; deviceConnects: DeviceConnects; now: () => number }) {
  /** A device id that logged in too often lately waits, before its credentials cost a check. */
  const requireConnectBudget: Step = (credentials) => {
    const id = credentials.username;
    if (id === undefined || deps.deviceConnects.allows(id, deps.now())) return null;
    // 3 = server unavailable: the device keeps its secret and retries later
    return { returnCode: 3, reason: "device logging in too often", code: ErrorCodes.MQTT_CONNECTION_LIMIT };
  };


  /** Asks the injected authenticator who this is, by a deadline after which nobody waits for it. */
  const askAuthenticator: Step = async (credentials) => {
    try {
      const deadline = Date.now() + AUTHENTICATE_TIMEOUT_MS;
      const decision = await withTimeout(deps.authenticate({ ...credentials, deadline }), AUTHENTICATE_TIMEOUT_MS);
      // 3 = server unavailable: a budget spent or a queue full; the check did not run, so the
      // device must keep retrying, not conclude that its secret is wrong
      if (decision && "retryLater" in decision) return { returnCode: 3, reason: decision.retryLater };
      // 4 = bad user name or password: unknown device, wrong secret, revoked
      return decision ? { identity: decision } : { returnCode: 4, reason: "bad credentials" };
    } catch (err) {
      // 3 = server unavailable: our store failed, the device's credentials may
      // be fine, so it must keep retrying rather than conclude it was revoked
      return { returnCode: 3, reason: "authenticate failed", err };
    }
  };

  /** A device's client id and username must both be its device id. */
  const requireDeviceIdsMatch: Step = (credentials, identity) => {
    if (identity?.role !== "device") return null;
    const { clientId, username } = credentials;
    if (clientId === identity.deviceId && username === identity.deviceId) return null;
    // 5 = not authorized: right secret, wrong identity on the wire
    return { returnCode: 5, reason: "client id and username must equal the device id" };
  };

  const connectSteps: Step[] = [requireConnectBudget, askAuthenticator, requireDeviceIdsMatch];

  return async function connect(client: Client, credentials: Credentials): Promise<ConnectOutcome> {
    let identity: Identity | undefined;
    for (const step of connectSteps) {
      const result = await step(credentials, identity);
      if (!result) continue;
      if ("identity" in result) {
        identity = result.identity;
        continue;
      }
      deps.refusals.record(
        { deviceId: credentials.username ?? credentials.clientId, clientId: credentials.clientId },
        {
          code: result.code ?? ErrorCodes.MQTT_AUTH_FAILED,
          reason: result.reason,
          details: { returnCode: result.returnCode, ...(result.err ? { err: result.err } : {}) },
        },
        credentials.remoteAddress,
      );
      return { ok: false, returnCode: result.returnCode };
    }
    if (!identity) return { ok: false, returnCode: 4 };
    if (identity.role === "device") deps.deviceConnects.spend(identity.deviceId, deps.now());
    deps.identities.set(client, identity);
    return { ok: true };
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`authenticate took over ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
