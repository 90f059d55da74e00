/** @helpkey/broker: the embedded Aedes MQTT broker. */
export { createBroker } from "./create-broker";
export { registerGcPauses } from "./gc-pauses";
export { registerLoopDelay } from "./loop-delay";
export { startBrokerThread, type BrokerThread, type BrokerThreadOptions } from "./thread/broker-thread";
export type { BrokerOptions, Credentials, HkBroker, Identity, InProcessBroker, RateLimit } from "./types";
