/** @helpkey/firmware-sim: device emulators and the Twilio-compatible phone network. */
export { createSimDevice, type PressOptions, type SimDevice, type SimDeviceEvents, type SimDeviceOptions, type AlarmTrigger } from "./device";
export { AckTimeoutError } from "./ack-waiters";
export { DeviceStateError } from "./device-state";
export * from "./phone-network/index";
