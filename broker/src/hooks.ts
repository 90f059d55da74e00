/**
 * aedes' hooks are callback-style `(client, packet, done)`. They are wrapped
 * here, once, into typed functions that return values (or promises of them);
 * the policy modules never see a callback. A hook that throws is a bug: it
 * refuses (fail closed) rather than leaving aedes waiting forever.
 */
import type { AedesOptions, AuthenticateError, Client, ConnectPacket, PublishPacket, Subscription } from "aedes";
import { ownBytes } from "./own-bytes";
import { remoteAddressOf } from "./remote-address";
import type { Credentials } from "./types";

/** CONNACK return codes of a refused CONNECT [MQTT-3.2.2.3]. */
export type RefusedReturnCode = 3 | 4 | 5;

export type ConnectOutcome = { ok: true } | { ok: false; returnCode: RefusedReturnCode };

export interface BrokerPolicy {
  /** CONNECT: accept, or refuse with a CONNACK return code. */
  connect(client: Client, credentials: Credentials): Promise<ConnectOutcome>;
  /** PUBLISH from a client (`client.closed` when it is the client's Last Will): true forwards it. */
  publish(client: Client | null, packet: PublishPacket): boolean;
  /** One topic filter of a SUBSCRIBE: false grants 0x80 (failure) [MQTT-3.9.3-2]. */
  subscribe(client: Client, subscription: Subscription): boolean;
}

type Hooks = Required<Pick<AedesOptions, "preConnect" | "authenticate" | "authorizePublish" | "authorizeSubscribe">>;

function refusedConnect(returnCode: RefusedReturnCode): AuthenticateError {
  // aedes copies returnCode into the CONNACK and then closes [MQTT-3.2.2-5]
  return Object.assign(new Error("connection refused"), { returnCode: returnCode as AuthenticateError["returnCode"] });
}

/**
 * The Last Will in a CONNECT is a view into the bytes of that CONNECT, which hold the device's
 * secret too; aedes keeps the will for the connection's life (and, once published, as the retained
 * status). The secret is checked, never kept: before aedes takes the will from the packet
 * (preConnect runs first), the will gets bytes of its own.
 */
function forgetConnectBytes(packet: ConnectPacket): void {
  const will = packet.will;
  if (will && Buffer.isBuffer(will.payload)) will.payload = ownBytes(will.payload);
}

/** Errors a hook hands aedes to close a connection: logged and counted where the policy decided. */
const policyRefusals = new WeakSet<Error>();

export function isPolicyRefusal(err: Error): boolean {
  return policyRefusals.has(err);
}

/** `onBug` hears about policy code that threw; the hook has already refused. */
export function toAedesHooks(policy: BrokerPolicy, onBug: (err: unknown, hook: keyof Hooks) => void): Hooks {
  return {
    preConnect(_client, packet, done) {
      forgetConnectBytes(packet);
      done(null, true);
    },
    authenticate(client, username, password, done) {
      const credentials: Credentials = { clientId: client.id, username: username ?? undefined, password: password ?? undefined, remoteAddress: remoteAddressOf(client) };
      policy.connect(client, credentials).then(
        (outcome) => (outcome.ok ? done(null, true) : done(refusedConnect(outcome.returnCode), false)),
        (err: unknown) => {
          onBug(err, "authenticate");
          done(refusedConnect(3), false);
        },
      );
    },
    authorizePublish(client, packet, done) {
      let allowed = false;
      try {
        allowed = policy.publish(client, packet);
      } catch (err) {
        onBug(err, "authorizePublish");
      }
      // an error makes aedes close the connection: MQTT 3.1.1 has no negative PUBACK
      if (allowed) return done(null);
      const refused = new Error("publish refused");
      policyRefusals.add(refused);
      done(refused);
    },
    authorizeSubscribe(client, subscription, done) {
      let allowed = false;
      try {
        allowed = policy.subscribe(client, subscription);
      } catch (err) {
        onBug(err, "authorizeSubscribe");
      }
      // a null subscription is granted as 0x80, the connection stays open
      done(null, allowed ? subscription : null);
    },
  };
}
