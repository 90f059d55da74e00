/**
 * Everything a contact reads or hears, in their language (zh-CN or en), with every time in the
 * community's time zone. A Chinese SMS segment holds 70 characters (UCS-2): the alarm text stays
 * within one for a typical address. "Going" is said only of a person on the way; a dispatcher's
 * acknowledge is the community centre handling it.
 */
import type { AckState, AlarmKind, Address, Language } from "@helpkey/shared";

const kindNames: Record<Language, Record<AlarmKind, string>> = {
  "zh-CN": { emergency: "紧急求助", medical: "医疗求助", fire: "火警", intrusion: "入侵报警", service: "服务请求" },
  en: { emergency: "emergency", medical: "medical emergency", fire: "fire alarm", intrusion: "intrusion alarm", service: "service request" },
};

export interface AlarmFacts {
  alertId: number;
  kind: AlarmKind;
  address: Address;
  residents: string[];
  /** When the alarm was raised (or raised to this kind). */
  at: number;
  /** The community's IANA time zone (policy `timeZone`). */
  timeZone: string;
}

/** Who cancelled: the resident on the device, or a dispatcher at the community centre. */
export type CancelledBy = { by: "resident" } | { by: "centre"; name: string };

/** What became of an alarm, told together with it to a contact whose alarm text never went out. */
export type Outcome =
  | { type: "going"; goer: string; at: number }
  | { type: "handling"; dispatcher: string }
  | { type: "cancelled"; cancelled: CancelledBy }
  | { type: "resolved" }
  /** Back to open: nobody is on the way, so the text is the alarm itself, with its reply code. */
  | { type: "reopened" };

// One formatter per zone: the zones come from validated community policies, a short list.
const formats = new Map<string, Intl.DateTimeFormat>();

/** 24-hour HH:mm in `timeZone`, whatever the server's own zone is. */
export function clock(at: number, timeZone: string): string {
  let f = formats.get(timeZone);
  if (!f) formats.set(timeZone, (f = new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" })));
  return f.format(at);
}

const zh = (lang: Language) => lang === "zh-CN";

function who(f: Pick<AlarmFacts, "residents">, lang: Language): string {
  if (f.residents.length) return f.residents.join(zh(lang) ? "、" : ", ");
  return zh(lang) ? "住户" : "the resident";
}

function place(a: Address, lang: Language): string {
  return zh(lang) ? `${a.community}${a.building}${a.unit}${a.room}室` : `${a.community}, ${a.building}, ${a.unit}, room ${a.room}`;
}

/** "dispatcher Li" / "调度员李"; a name that already says so ("Dispatcher Zhao", "李调度") is kept as it is. */
function dispatcher(name: string, lang: Language): string {
  if (/dispatcher|调度/i.test(name)) return name;
  return zh(lang) ? `调度员${name}` : `dispatcher ${name}`;
}

export function kindName(kind: AlarmKind, lang: Language): string {
  return kindNames[lang][kind];
}

function cancelledBy(c: CancelledBy, lang: Language): string {
  if (c.by === "resident") return zh(lang) ? "住户" : "the resident";
  return zh(lang) ? `社区中心（${dispatcher(c.name, lang)}）` : `the community centre (${dispatcher(c.name, lang)})`;
}

/** The alarm's who, what, where and when, as the first sentence of a text. */
function alarmLine(f: AlarmFacts, lang: Language): string {
  return zh(lang)
    ? `【一键呼救】${who(f, lang)}${clock(f.at, f.timeZone)}发出${kindName(f.kind, lang)}：${place(f.address, lang)}。`
    : `[helpkey] ${kindName(f.kind, lang)} from ${who(f, lang)} at ${clock(f.at, f.timeZone)}: ${place(f.address, lang)}.`;
}

function outcomeLine(o: Outcome, f: AlarmFacts, lang: Language): string {
  switch (o.type) {
    case "going":
      return zh(lang) ? `${o.goer}正在前往（${clock(o.at, f.timeZone)}）。` : `${o.goer} is on the way (${clock(o.at, f.timeZone)}).`;
    case "handling":
      return zh(lang) ? `社区中心（${dispatcher(o.dispatcher, lang)}）正在处理。` : `The community centre (${dispatcher(o.dispatcher, lang)}) is handling it.`;
    case "cancelled":
      return zh(lang) ? `已由${cancelledBy(o.cancelled, lang)}取消，无需前往。` : `It was cancelled by ${cancelledBy(o.cancelled, lang)}; no need to go.`;
    case "resolved":
      return zh(lang) ? "已处理完毕。" : "It is resolved.";
    case "reopened":
      return "";
  }
}

export const texts = {
  /** The alarm SMS; its reply code (the alert id) lets a contact of two households answer the right one. */
  alarmSms(f: AlarmFacts, lang: Language, canClaim: boolean): string {
    if (zh(lang)) return `${alarmLine(f, lang)}${canClaim ? `回复 1 #${f.alertId} 表示您前往。` : `请联系社区中心。#${f.alertId}`}`;
    return `${alarmLine(f, lang)} ${canClaim ? `Reply 1 #${f.alertId} if you are going.` : `Please contact the community centre. #${f.alertId}`}`;
  },
  /** One text for a contact whose alarm text had not gone out: the alarm and what became of it. */
  alarmWithOutcomeSms(f: AlarmFacts, o: Outcome, lang: Language): string {
    if (o.type === "reopened") return texts.alarmSms(f, lang, true);
    return zh(lang) ? `${alarmLine(f, lang)}${outcomeLine(o, f, lang)}#${f.alertId}` : `${alarmLine(f, lang)} ${outcomeLine(o, f, lang)} #${f.alertId}`;
  },
  goingSms(goer: string, at: number, f: AlarmFacts, lang: Language): string {
    return zh(lang)
      ? `【一键呼救】#${f.alertId} ${goer}正在前往${place(f.address, lang)}（${clock(at, f.timeZone)}）。`
      : `[helpkey] #${f.alertId}: ${goer} is on the way to ${place(f.address, lang)} (${clock(at, f.timeZone)}).`;
  },
  /** A dispatcher acknowledged: the centre has it. Never says anyone is coming. */
  handlingSms(dispatcherName: string, f: AlarmFacts, lang: Language): string {
    return zh(lang)
      ? `【一键呼救】#${f.alertId} 社区中心（${dispatcher(dispatcherName, lang)}）已收到${who(f, lang)}的求助，正在处理。`
      : `[helpkey] #${f.alertId}: the community centre (${dispatcher(dispatcherName, lang)}) has ${who(f, lang)}'s alarm and is handling it.`;
  },
  resolvedSms(f: AlarmFacts, lang: Language): string {
    return zh(lang) ? `【一键呼救】#${f.alertId}已处理完毕。` : `[helpkey] Alert #${f.alertId} is resolved.`;
  },
  cancelledSms(f: AlarmFacts, c: CancelledBy, lang: Language): string {
    return zh(lang)
      ? `【一键呼救】#${f.alertId}已由${cancelledBy(c, lang)}取消，无需前往。`
      : `[helpkey] Alert #${f.alertId} was cancelled by ${cancelledBy(c, lang)}; no need to go.`;
  },
  /** The person who claimed it, after a new press while someone is with her. */
  pressedAgainSms(f: AlarmFacts, pressedAt: number, lang: Language): string {
    return zh(lang)
      ? `【一键呼救】#${f.alertId} ${who(f, lang)}在${clock(pressedAt, f.timeZone)}再次按下求助键，请查看情况。`
      : `[helpkey] #${f.alertId}: ${who(f, lang)} pressed again at ${clock(pressedAt, f.timeZone)}. Please check on them.`;
  },
  /** The person on the way, when nobody is on site in time (or she pressed again): a call follows. */
  overdueSms(f: AlarmFacts, claimedAt: number, pressedAgainAt: number | null, lang: Language): string {
    const r = who(f, lang);
    if (zh(lang)) {
      const again = pressedAgainAt !== null ? `${r}在${clock(pressedAgainAt, f.timeZone)}再次按下求助键。` : "";
      return `【一键呼救】#${f.alertId} ${again}您${clock(claimedAt, f.timeZone)}表示前往，尚无人确认到场。我们将致电您：在${r}身边请按1，不能前往请按2。`;
    }
    const again = pressedAgainAt !== null ? `${r} pressed again at ${clock(pressedAgainAt, f.timeZone)}. ` : "";
    return `[helpkey] #${f.alertId}: ${again}You said at ${clock(claimedAt, f.timeZone)} you were going; nobody has confirmed being with ${r}. We are calling you: press 1 if you are with ${r}, 2 if you cannot go.`;
  },
  /** Everyone told of the alarm, when the person on the way did not get there: it needs someone again. */
  reopenedSms(f: AlarmFacts, lang: Language): string {
    return zh(lang)
      ? `【一键呼救】#${f.alertId} ${who(f, lang)}的求助仍无人到场，如您能前往请回复 1 #${f.alertId}。`
      : `[helpkey] #${f.alertId}: still nobody is with ${who(f, lang)}. Reply 1 #${f.alertId} if you can go.`;
  },
  /** A bare "1" from a number texted about several live alarms: which one? */
  whichAlarmSms(alertIds: number[], lang: Language): string {
    const codes = alertIds.map((id) => `1 #${id}`);
    const list = codes.length > 1 ? `${codes.slice(0, -1).join(zh(lang) ? "、" : ", ")}${zh(lang) ? " 或 " : " or "}${codes.at(-1)}` : codes.join("");
    return zh(lang) ? `【一键呼救】您有${alertIds.length}个求助：回复 ${list}` : `[helpkey] You have ${alertIds.length} alarms: reply ${list}`;
  },
  /** Read aloud on the call, twice, inside the Gather. */
  callPrompt(f: AlarmFacts, lang: Language): string {
    return zh(lang)
      ? `这里是一键呼救。${who(f, lang)}发出${kindName(f.kind, lang)}。地址：${place(f.address, lang)}。如果您前往，请按1；如果您不能前往，请按2。`
      : `This is helpkey. ${who(f, lang)} needs help: ${kindName(f.kind, lang)}. Address: ${place(f.address, lang)}. Press 1 if you are going. Press 2 if you cannot.`;
  },
  /** The call to the person on the way when nobody is on site in time. */
  confirmPrompt(f: AlarmFacts, claimedAt: number, lang: Language): string {
    const r = who(f, lang);
    return zh(lang)
      ? `这里是一键呼救。您在${clock(claimedAt, f.timeZone)}表示前往${r}处，尚无人确认到场。如果您已在${r}身边，请按1；如果您不能前往，请按2。`
      : `This is helpkey. At ${clock(claimedAt, f.timeZone)} you said you were going to ${r}, and nobody has confirmed being there. Press 1 if you are with ${r}. Press 2 if you cannot go.`;
  },
  callClaimed(lang: Language): string {
    return zh(lang) ? "谢谢，已通知其他人您正在前往。" : "Thank you. Everyone has been told you are going.";
  },
  callAlreadyClaimed(by: string, lang: Language): string {
    return zh(lang) ? `谢谢。${by}已经在前往途中。` : `Thank you. ${by} is already going.`;
  },
  /** A dispatcher has it (nobody is said to be going): the call ends. */
  callCentreHandling(dispatcherName: string, lang: Language): string {
    return zh(lang) ? `谢谢。社区中心（${dispatcher(dispatcherName, lang)}）正在处理此求助。` : `Thank you. The community centre (${dispatcher(dispatcherName, lang)}) is handling this alarm.`;
  },
  callClosed(lang: Language): string {
    return zh(lang) ? "谢谢。此求助已经结束，无需前往。" : "Thank you. This alarm is over. No need to go.";
  },
  callPassed(lang: Language): string {
    return zh(lang) ? "好的，我们将联系下一位联系人。" : "All right, we will call the next contact.";
  },
  callCancelled(lang: Language): string {
    return zh(lang) ? "求助已取消，无需前往。谢谢。" : "The alarm was cancelled. No need to go. Thank you.";
  },
  callNoInput(lang: Language): string {
    return zh(lang) ? "没有收到按键，再见。" : "No key was pressed. Goodbye.";
  },
  confirmArrived(lang: Language): string {
    return zh(lang) ? "谢谢，已记录您已到场。" : "Thank you. You are recorded as being with them.";
  },
  confirmDeclined(lang: Language): string {
    return zh(lang) ? "好的，我们将联系其他人前往。" : "All right, we will find someone else to go.";
  },
  /** A confirm call answered after the question was settled otherwise (arrived, reopened, closed). */
  confirmSettled(lang: Language): string {
    return zh(lang) ? "谢谢，此求助已有新的安排，无需操作。" : "Thank you. This alarm has been taken care of; nothing more is needed.";
  },
};

/** What the resident's device shows for the alert ("Daughter Wang is on the way (10:02)"). */
export interface DeviceFacts {
  state: AckState;
  goingBy: string | null;
  goingAt: number | null;
  acknowledgedBy: string | null;
  timeZone: string;
  /** Back to open after a claim came to nothing: calling others again. */
  reopened?: boolean;
}

export function deviceText(f: DeviceFacts, lang: Language): string {
  const z = zh(lang);
  if ((f.state === "acknowledged" || f.state === "responding") && f.goingBy) {
    const t = f.goingAt !== null ? clock(f.goingAt, f.timeZone) : "";
    return z ? `${f.goingBy}正在赶来${t ? `（${t}）` : ""}` : `${f.goingBy} is on the way${t ? ` (${t})` : ""}`;
  }
  const d = dispatcher(f.acknowledgedBy ?? (z ? "值班" : "on duty"), lang);
  switch (f.state) {
    case "received":
      if (f.reopened) return z ? "求助已收到，正在联系其他人" : "Help requested: calling others";
      return z ? "求助已收到" : "Help requested";
    case "acknowledged":
      return z ? `社区中心已收到您的求助，正在处理（${d}）` : `The community centre has your alarm and is handling it (${d})`;
    case "responding":
      return z ? `社区中心已通知巡逻人员，正在处理（${d}）` : `The community centre has alerted the patrol and is handling it (${d})`;
    case "resolved":
      return z ? "求助已处理" : "Resolved";
    case "cancelled":
      return z ? "求助已取消" : "Cancelled";
  }
}
