export { createPhoneNetwork } from "./server";
export { personScriptSchema, peopleFileSchema, DEFAULT_PERSON, type PersonScript } from "./people";
export { newSid } from "./resources";
export type {
  CallEvent, CallStatus, Failure, FailureMatch, InboundMessage, MessageStatus, PhoneNetwork, PhoneNetworkEvents, PhoneNetworkOptions,
  RecordedCall, RecordedMessage, Speech,
} from "./types";
