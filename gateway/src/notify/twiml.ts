/** The call's TwiML, built with the SDK's VoiceResponse (Gather one digit around a Say, said twice). */
import twilio from "twilio";
import type { Language } from "@helpkey/shared";

const { VoiceResponse } = twilio.twiml;
type SayAttrs = Parameters<InstanceType<typeof VoiceResponse>["say"]>[0];

function voice(lang: Language): SayAttrs {
  return lang === "zh-CN" ? { language: "zh-CN", voice: "Polly.Zhiyu" } : { language: "en-US", voice: "Polly.Joanna" };
}

export function promptTwiml(text: string, lang: Language, gatherUrl: string, noInput: string): string {
  const r = new VoiceResponse();
  const g = r.gather({ input: ["dtmf"], numDigits: 1, action: gatherUrl, method: "POST", timeout: 8, actionOnEmptyResult: false });
  g.say(voice(lang), text);
  g.pause({ length: 1 });
  g.say(voice(lang), text);
  r.say(voice(lang), noInput);
  r.hangup();
  return r.toString();
}

export function sayAndHangUp(text: string, lang: Language): string {
  const r = new VoiceResponse();
  r.say(voice(lang), text);
  r.hangup();
  return r.toString();
}

export function hangUpTwiml(): string {
  const r = new VoiceResponse();
  r.hangup();
  return r.toString();
}
