/** The narrow port the outbox sends through (STYLE.md: shaped by the domain, not the SDK). */
export interface SmsRequest {
  to: string;
  body: string;
  statusCallback: string;
  validityPeriodS?: number;
}

export interface CallRequest {
  to: string;
  /** Where the provider fetches the call's TwiML. */
  url: string;
  statusCallback: string;
  amdCallback: string;
  ringTimeoutS: number;
}

export interface PhoneChannel {
  sendSms(req: SmsRequest): Promise<{ sid: string }>;
  startCall(req: CallRequest): Promise<{ sid: string }>;
  hangUp(sid: string): Promise<void>;
  /** Replaces a live call's TwiML (say something, then hang up). */
  redirect(sid: string, twiml: string): Promise<void>;
}

/** Transient failures are retried with backoff; permanent ones mark the row failed. */
export function classifyError(err: unknown): { transient: boolean; message: string } {
  const e = err as { status?: number; code?: number | string; message?: string };
  const status = typeof e.status === "number" ? e.status : undefined;
  const message = `${e.code ?? status ?? "error"}: ${e.message ?? String(err)}`.slice(0, 300);
  if (status === undefined) return { transient: true, message }; // connection refused, reset, timeout
  if (status === 429 || e.code === 20429 || status >= 500) return { transient: true, message };
  return { transient: false, message };
}
