/** Stable error codes: every error that crosses a process boundary carries one of these. */
export const ErrorCodes = {
  BAD_REQUEST: "HK_BAD_REQUEST",
  UNAUTHORIZED: "HK_UNAUTHORIZED",
  FORBIDDEN: "HK_FORBIDDEN",
  NOT_FOUND: "HK_NOT_FOUND",
  CONFLICT: "HK_CONFLICT",
  /** The record has an alert that is not resolved or cancelled: resolve it first (409). */
  OPEN_ALERT: "HK_OPEN_ALERT",
  ILLEGAL_TRANSITION: "HK_ILLEGAL_TRANSITION",
  /** Over a rate limit or a lock for this caller: try again later (Retry-After says when). */
  TOO_MANY_REQUESTS: "HK_TOO_MANY_REQUESTS",
  /** The server is too busy for this now (a bounded queue is full); nothing was changed. */
  BUSY: "HK_BUSY",
  BAD_SIGNATURE: "HK_BAD_SIGNATURE",
  /** A responder link past its expiry (410). */
  LINK_EXPIRED: "HK_LINK_EXPIRED",
  /** A responder link whose patrol member was taken off the roster (410). */
  LINK_WITHDRAWN: "HK_LINK_WITHDRAWN",
  /** The alert is resolved or cancelled: its links and steps are over (410). */
  ALERT_CLOSED: "HK_ALERT_CLOSED",
  /** A request body over the route's size limit (413): split the file or send less. */
  PAYLOAD_TOO_LARGE: "HK_PAYLOAD_TOO_LARGE",
  /** An import file with bad rows (422): nothing was written; the body's report names each line and field. */
  IMPORT_ROWS_INVALID: "HK_IMPORT_ROWS_INVALID",
  INTERNAL: "HK_INTERNAL",
  // device side (broker and ingest); logged and counted, never sent to the device
  MQTT_AUTH_FAILED: "HK_MQTT_AUTH_FAILED",
  MQTT_ACL_DENIED: "HK_MQTT_ACL_DENIED",
  MQTT_PACKET_TOO_LARGE: "HK_MQTT_PACKET_TOO_LARGE",
  MQTT_RATE_LIMITED: "HK_MQTT_RATE_LIMITED",
  /** Too many connections from one source address: open before their CONNACK, or new ones a second. */
  MQTT_CONNECTION_LIMIT: "HK_MQTT_CONNECTION_LIMIT",
  /** No CONNECT arrived within the broker's connect timeout. */
  MQTT_CONNECT_TIMEOUT: "HK_MQTT_CONNECT_TIMEOUT",
  /** Bytes that are not an MQTT 3.1.1 packet (the parser refused them). */
  MQTT_MALFORMED: "HK_MQTT_MALFORMED",
  MQTT_BAD_JSON: "HK_MQTT_BAD_JSON",
  MQTT_SCHEMA: "HK_MQTT_SCHEMA",
  MQTT_UNKNOWN_DEVICE: "HK_MQTT_UNKNOWN_DEVICE",
} as const;
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** The body of every HTTP error. */
export interface ErrorBody {
  error: {
    code: ErrorCode;
    message: string;
    field?: string;
    /** The field is a phone number the server could not read in this country's plan (ISO 3166 code), with how one is written there. */
    phone?: PhoneHint;
  };
}

export interface PhoneHint {
  region: string;
  example: string | null;
}
