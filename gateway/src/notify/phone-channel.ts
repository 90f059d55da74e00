/** The narrow port the outbox sends through. */
export interface SmsRequest {
  to: string;
  body: string;
  statusCallback: string;
  validityPeriodS?: number;
  /** A From number, or a Messaging Service sid (MG…) that picks a number of its pool; unset: the channel's own. */
  sender?: string;
}

export interface CallRequest {
  to: string;
  /** Where the provider fetches the call's TwiML. */
  url: string;
  statusCallback: string;
  amdCallback: string;
  ringTimeoutS: number;
  /** The From number; unset: the channel's own. */
  sender?: string;
}

export interface PhoneChannel {
  sendSms(req: SmsRequest): Promise<{ sid: string }>;
  startCall(req: CallRequest): Promise<{ sid: string }>;
  hangUp(sid: string): Promise<void>;
  /** Replaces a live call's TwiML (say something, then hang up). */
  redirect(sid: string, twiml: string): Promise<void>;
}

export interface ProviderFailure {
  /** Worth retrying with backoff; otherwise the row is marked failed. */
  transient: boolean;
  /** "Too many requests" (HTTP 429, Twilio 20429): the account is congested, not this row. */
  congested: boolean;
  /**
   * The provider refused our credentials (HTTP 401, Twilio 20003): nobody can be reached until an
   * operator fixes them, so the row waits (retried with backoff) and the channel is reported down.
   */
  refused: boolean;
  message: string;
}

/** Transient failures are retried with backoff; permanent ones mark the row failed. */
export function classifyError(err: unknown): ProviderFailure {
  const e = err as { status?: number; code?: number | string; message?: string };
  const status = typeof e.status === "number" ? e.status : undefined;
  const message = `${e.code ?? status ?? "error"}: ${e.message ?? String(err)}`.slice(0, 300);
  const congested = status === 429 || Number(e.code) === 20429;
  const refused = status === 401 || Number(e.code) === 20003;
  if (status === undefined) return { transient: true, congested, refused, message }; // connection refused, reset, timeout
  if (congested || refused || status >= 500) return { transient: true, congested, refused, message };
  return { transient: false, congested, refused, message };
}
