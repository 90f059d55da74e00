/** Stable error codes: every error that crosses a process boundary carries one of these. */
export const ErrorCodes = {
  BAD_REQUEST: "HK_BAD_REQUEST",
  UNAUTHORIZED: "HK_UNAUTHORIZED",
  FORBIDDEN: "HK_FORBIDDEN",
  NOT_FOUND: "HK_NOT_FOUND",
  CONFLICT: "HK_CONFLICT",
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
  INTERNAL: "HK_INTERNAL",
  // device side (broker and ingest); logged and counted, never sent to the device
  MQTT_AUTH_FAILED: "HK_MQTT_AUTH_FAILED",
  MQTT_ACL_DENIED: "HK_MQTT_ACL_DENIED",
  MQTT_PACKET_TOO_LARGE: "HK_MQTT_PACKET_TOO_LARGE",
  MQTT_RATE_LIMITED: "HK_MQTT_RATE_LIMITED",
  MQTT_BAD_JSON: "HK_MQTT_BAD_JSON",
  MQTT_SCHEMA: "HK_MQTT_SCHEMA",
  MQTT_UNKNOWN_DEVICE: "HK_MQTT_UNKNOWN_DEVICE",
} as const;
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** The body of every HTTP error. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; field?: string };
}
