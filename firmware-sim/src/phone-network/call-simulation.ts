/**
 * One outbound call, played out in simulated time the way Twilio does it: status progression with
 * status callbacks, ring timeout, answer, answering-machine detection, TwiML fetched from `Url` (or
 * the `Twiml` param) and obeyed, keys pressed into <Gather>, the action's TwiML obeyed in turn.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { CallbackChain, sendSigned, type FormParams } from "./callbacks";
import type { LiveCall, NetworkState } from "./network-state";
import { PERSON_DEFAULTS, type PersonScript } from "./people";
import { API_VERSION, rfc2822 } from "./resources";
import { parseTwiml, TwimlError, type GatherVerb, type SayVerb, type Verb } from "./twiml";
import { TERMINAL_CALL_STATUSES, type CallEventType, type CallStatus, type RecordedCall } from "./types";

export type TwimlSource = { url: string; method: "GET" | "POST"; extra?: FormParams } | { xml: string };

/** Simulated seconds for the parts a script doesn't set. */
const T = { setup: 0.5, busy: 1, amdHuman: 2, amdMachine: 3, perChar: 0.08, minSay: 1, play: 2 };
/** A gateway that redirects forever must not keep a simulated call alive forever. */
const MAX_DOCUMENTS = 25;

/** Twilio's status callback events: answered is CallStatus in-progress, completed is every end. */
function callbackEvent(s: CallStatus): string {
  if (s === "in-progress") return "answered";
  return TERMINAL_CALL_STATUSES.has(s) ? "completed" : s;
}

function resolveUrl(url: string, base: string | undefined): string {
  try {
    return new URL(url, base).toString();
  } catch {
    throw new TwimlError(`cannot resolve URL "${url}"${base ? ` against ${base}` : " in inline TwiML"}`);
  }
}

export class CallSimulation implements LiveCall {
  readonly #net: NetworkState;
  readonly #call: RecordedCall;
  readonly #person: PersonScript;
  readonly #ctl = new AbortController();
  readonly #callbacks = new CallbackChain();
  #doc = new AbortController();
  #redirectTo: TwimlSource | undefined;
  #pressed = false;
  #sequence = 0;

  constructor(net: NetworkState, call: RecordedCall) {
    this.#net = net;
    this.#call = call;
    this.#person = net.person(call.to);
  }

  start(): void {
    void this.#run();
  }

  hangUp(requested: "canceled" | "completed"): void {
    if (TERMINAL_CALL_STATUSES.has(this.#call.status)) return;
    // Twilio: "canceled" only affects queued or ringing calls; "completed" ends any call.
    if (requested === "canceled" && this.#call.status === "in-progress") return;
    this.#end(this.#call.status === "in-progress" ? "completed" : "canceled");
  }

  redirect(source: TwimlSource): boolean {
    if (this.#call.status !== "in-progress") return false;
    this.#redirectTo = source;
    this.#doc.abort();
    return true;
  }

  stop(): void {
    this.#ctl.abort();
  }

  async #run(): Promise<void> {
    const call = this.#call;
    const p = this.#person;
    try {
      this.#status("initiated");
      await this.#wait(T.setup);
      if (p.busy) {
        await this.#wait(T.busy);
        return this.#end("busy");
      }
      this.#status("ringing");
      const answerAfter = p.never ? Infinity : p.answerAfterS ?? PERSON_DEFAULTS.answerAfterS;
      if (answerAfter >= call.timeoutS) {
        await this.#wait(call.timeoutS); // the `Timeout` param: ring this long, then no-answer
        return this.#end("no-answer");
      }
      await this.#wait(answerAfter);
      call.answeredAt = Date.now();
      this.#status("in-progress");
      await this.#detectMachine();
      await this.#documents(call.twiml !== undefined ? { xml: call.twiml } : { url: call.url!, method: call.method });
      this.#end("completed");
    } catch (err) {
      if (this.#ctl.signal.aborted) return; // hung up through the API, or the network closed
      this.#net.log.error({ err, callSid: call.sid }, "call simulation failed");
      this.#end("failed");
    }
  }

  /** A voicemail is not an answer, so the gateway asks for AMD. */
  async #detectMachine(): Promise<void> {
    const call = this.#call;
    if (!call.machineDetection) return;
    const answeredBy = this.#person.voicemail ? "machine_start" : "human";
    const after = this.#person.amdAfterS ?? (answeredBy === "human" ? T.amdHuman : T.amdMachine);
    const report = () => {
      call.answeredBy = answeredBy;
      this.#event("amd", { detail: answeredBy });
    };
    if (!call.asyncAmd) {
      await this.#wait(after); // synchronous AMD: the TwiML request waits for the result and carries AnsweredBy
      return report();
    }
    void this.#wait(after).then(() => {
      report();
      if (!call.asyncAmdStatusCallback) return;
      const params = { AccountSid: this.#net.config.accountSid, CallSid: call.sid, AnsweredBy: answeredBy, MachineDetectionDuration: String(Math.round(after * 1000)) };
      this.#send(call.asyncAmdStatusCallback, params, call.asyncAmdStatusCallbackMethod);
    }, () => undefined);
  }

  async #documents(first: TwimlSource): Promise<void> {
    let next: TwimlSource | undefined = first;
    for (let n = 1; next; n++) {
      if (n > MAX_DOCUMENTS) return void this.#net.log.warn({ callSid: this.#call.sid }, "too many TwiML documents; hanging up");
      this.#doc = new AbortController();
      this.#redirectTo = undefined;
      const signal = AbortSignal.any([this.#ctl.signal, this.#doc.signal]);
      try {
        const doc = await this.#fetch(next, signal);
        if (!doc) return;
        next = await this.#execute(doc.verbs, doc.url, signal);
      } catch (err) {
        if (this.#ctl.signal.aborted) throw err;
        if (this.#redirectTo) {
          next = this.#redirectTo; // the API replaced the call's TwiML
          continue;
        }
        if (err instanceof TwimlError) return void this.#net.log.warn({ callSid: this.#call.sid, err: err.message }, "bad TwiML (Twilio error 12100); hanging up");
        throw err;
      }
    }
  }

  async #fetch(source: TwimlSource, signal: AbortSignal): Promise<{ verbs: Verb[]; url: string | undefined } | undefined> {
    if ("xml" in source) return { verbs: parseTwiml(source.xml), url: undefined };
    this.#event("twiml", { detail: source.url });
    const res = await sendSigned(source.url, { ...this.#params(), ...source.extra }, {
      authToken: this.#net.config.authToken, method: source.method, signal, log: this.#net.log,
    });
    // Twilio says "an application error has occurred" and hangs up.
    if (!res || res.status >= 300) return undefined;
    return { verbs: parseTwiml(res.body), url: source.url };
  }

  /** Returns the next document to fetch, or undefined when the call ends. */
  async #execute(verbs: Verb[], base: string | undefined, signal: AbortSignal): Promise<TwimlSource | undefined> {
    for (const v of verbs) {
      switch (v.verb) {
        case "say": await this.#say(v, signal); break;
        case "pause": await this.#wait(v.lengthS, signal); break;
        case "play": await this.#wait(T.play, signal); break;
        case "hangup": case "reject": return undefined;
        case "redirect": return { url: resolveUrl(v.url, base), method: v.method };
        case "gather": {
          const next = await this.#gather(v, base, signal);
          if (next) return next;
          break;
        }
        case "other": this.#net.log.debug({ verb: v.name }, "TwiML verb not simulated; skipped"); break;
      }
    }
    return undefined;
  }

  /** The prompt, then the person's key (POSTed as Digits to the action) or the Gather timeout. */
  async #gather(g: GatherVerb, base: string | undefined, signal: AbortSignal): Promise<TwimlSource | undefined> {
    const action = g.action !== undefined ? resolveUrl(g.action, base) : base; // Twilio: no action = this document
    const digit = action && !this.#pressed && !this.#person.voicemail ? this.#person.press ?? undefined : undefined;
    // All of the prompt is recorded as said, also the part a key press cuts short (barge-in).
    for (const p of g.prompts) if (p.verb === "say") this.#record(p);
    const promptS = g.prompts.reduce((sum, p) => sum + this.#seconds(p), 0);
    const pressAt = digit === undefined ? undefined : this.#person.pressAfterS ?? promptS + PERSON_DEFAULTS.pressAfterS;
    if (digit !== undefined && action && pressAt !== undefined && pressAt <= promptS + g.timeoutS) {
      const prompt = new AbortController();
      const playing = this.#play(g.prompts, AbortSignal.any([signal, prompt.signal])).catch(() => undefined);
      await this.#wait(pressAt, signal);
      prompt.abort();
      await playing;
      this.#pressed = true; // one key per call: a re-prompt is left to time out
      this.#call.digits = (this.#call.digits ?? "") + digit;
      this.#event("digits", { detail: digit });
      return { url: action, method: g.method, extra: { Digits: digit, FinishedOnKey: "" } };
    }
    await this.#play(g.prompts, signal);
    await this.#wait(g.timeoutS, signal);
    if (g.actionOnEmptyResult && action) return { url: action, method: g.method, extra: { Digits: "" } };
    return undefined; // Twilio goes on with the verb after the Gather
  }

  async #play(prompts: GatherVerb["prompts"], signal: AbortSignal): Promise<void> {
    for (const p of prompts) await this.#wait(this.#seconds(p), signal);
  }

  /** How long a prompt verb takes to play, in simulated seconds. */
  #seconds(p: GatherVerb["prompts"][number]): number {
    if (p.verb === "pause") return p.lengthS;
    if (p.verb === "play") return T.play;
    return Math.max(T.minSay, [...p.text].length * T.perChar);
  }

  async #say(v: SayVerb, signal: AbortSignal): Promise<void> {
    this.#record(v);
    await this.#wait(this.#seconds(v), signal);
  }

  #record(v: SayVerb): void {
    this.#call.said.push(v.text);
    this.#call.speech.push({ text: v.text, ...(v.language ? { language: v.language } : {}), ...(v.voice ? { voice: v.voice } : {}) });
    this.#event("say", { detail: v.text });
  }

  /** The params Twilio sends with every request about a call. */
  #params(): FormParams {
    const c = this.#call;
    return {
      AccountSid: this.#net.config.accountSid, ApiVersion: API_VERSION, CallSid: c.sid, CallStatus: c.status,
      Called: c.to, Caller: c.from, Direction: "outbound-api", From: c.from, To: c.to,
      ...(c.answeredBy && !c.asyncAmd ? { AnsweredBy: c.answeredBy } : {}),
    };
  }

  #status(s: CallStatus): void {
    const call = this.#call;
    call.status = s;
    call.statuses.push(s);
    this.#event("status", { status: s });
    const event = callbackEvent(s);
    // Twilio: without StatusCallbackEvent only the completed event is sent.
    const wanted = call.statusCallbackEvent?.length ? call.statusCallbackEvent.includes(event) : event === "completed";
    if (!call.statusCallback || !wanted) return;
    const params: FormParams = {
      ...this.#params(), CallbackSource: "call-progress-events", Timestamp: rfc2822(Date.now()), SequenceNumber: String(this.#sequence++),
    };
    if (event === "completed") {
      params.CallDuration = String(call.duration ?? 0);
      params.Duration = String(Math.ceil((call.duration ?? 0) / 60));
    }
    this.#send(call.statusCallback, params, call.statusCallbackMethod);
  }

  #end(s: CallStatus): void {
    const call = this.#call;
    if (TERMINAL_CALL_STATUSES.has(call.status)) return;
    call.endedAt = Date.now();
    if (call.answeredAt !== undefined) call.duration = Math.ceil(((call.endedAt - call.answeredAt) * this.#net.config.speed) / 1000);
    this.#status(s);
    this.#ctl.abort();
    this.#net.live.delete(call.sid);
  }

  #send(url: string, params: FormParams, method: "GET" | "POST"): void {
    const { authToken } = this.#net.config;
    this.#callbacks.push(() => sendSigned(url, params, { authToken, method, signal: this.#net.signal, log: this.#net.log }));
  }

  #event(type: CallEventType, extra: { status?: CallStatus; detail?: string }): void {
    this.#net.events.emit("call-event", { sid: this.#call.sid, type, ...extra, at: Date.now() });
  }

  #wait(seconds: number, signal: AbortSignal = this.#ctl.signal): Promise<void> {
    return sleep(this.#net.ms(seconds), undefined, { signal });
  }
}
