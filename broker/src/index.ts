/** @helpkey/broker: the embedded Aedes MQTT broker (DESIGN.md "Parts", "Device protocol"). */
export { createBroker } from "./create-broker";
export type { BrokerOptions, Credentials, HkBroker, Identity, RateLimit } from "./types";
