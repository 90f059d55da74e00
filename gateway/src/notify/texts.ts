/**
 * Everything a contact reads or hears, in their language (zh-CN or en).
 * A Chinese SMS segment holds 70 characters (UCS-2): the alarm text stays within two.
 */
import type { AlarmKind, Address, Language } from "@helpkey/shared";

const kindNames: Record<Language, Record<AlarmKind, string>> = {
  "zh-CN": { emergency: "紧急求助", medical: "医疗求助", fire: "火警", intrusion: "入侵报警", service: "服务请求" },
  en: { emergency: "emergency", medical: "medical emergency", fire: "fire alarm", intrusion: "intrusion alarm", service: "service request" },
};

export interface AlarmFacts {
  alertId: number;
  kind: AlarmKind;
  address: Address;
  residents: string[];
  at: number;
}

function clock(at: number): string {
  const d = new Date(at);
  return `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
}

function who(f: AlarmFacts, lang: Language): string {
  if (f.residents.length) return f.residents.join(lang === "zh-CN" ? "、" : ", ");
  return lang === "zh-CN" ? "住户" : "the resident";
}

function place(a: Address, lang: Language): string {
  return lang === "zh-CN" ? `${a.community}${a.building}${a.unit}${a.room}室` : `${a.community}, ${a.building}, ${a.unit}, room ${a.room}`;
}

export function kindName(kind: AlarmKind, lang: Language): string {
  return kindNames[lang][kind];
}

export const texts = {
  alarmSms(f: AlarmFacts, lang: Language, canClaim: boolean): string {
    if (lang === "zh-CN") {
      const claim = canClaim ? "回复1表示您前往" : "请联系社区中心";
      return `【一键呼救】${who(f, lang)}${clock(f.at)}发出${kindName(f.kind, lang)}:${place(f.address, lang)}。${claim}。#${f.alertId}`;
    }
    const claim = canClaim ? "Reply 1 if you are going." : "Please contact the community centre.";
    return `[helpkey] ${kindName(f.kind, lang)} from ${who(f, lang)} at ${clock(f.at)}: ${place(f.address, lang)}. ${claim} #${f.alertId}`;
  },
  goingSms(goer: string, f: AlarmFacts, lang: Language): string {
    return lang === "zh-CN"
      ? `【一键呼救】${goer}已前往${place(f.address, lang)}处理#${f.alertId}。`
      : `[helpkey] ${goer} is going to ${place(f.address, lang)} (#${f.alertId}).`;
  },
  resolvedSms(f: AlarmFacts, lang: Language): string {
    return lang === "zh-CN" ? `【一键呼救】#${f.alertId}已处理完毕。` : `[helpkey] Alert #${f.alertId} is resolved.`;
  },
  cancelledSms(f: AlarmFacts, lang: Language): string {
    return lang === "zh-CN" ? `【一键呼救】#${f.alertId}已由住户取消,无需前往。` : `[helpkey] Alert #${f.alertId} was cancelled by the resident; no need to go.`;
  },
  /** Read aloud on the call, twice, inside the Gather. */
  callPrompt(f: AlarmFacts, lang: Language): string {
    return lang === "zh-CN"
      ? `这里是一键呼救。${who(f, lang)}发出${kindName(f.kind, lang)}。地址:${place(f.address, lang)}。如果您前往,请按1;如果您不能前往,请按2。`
      : `This is helpkey. ${who(f, lang)} needs help: ${kindName(f.kind, lang)}. Address: ${place(f.address, lang)}. Press 1 if you are going. Press 2 if you cannot.`;
  },
  callClaimed(lang: Language): string {
    return lang === "zh-CN" ? "谢谢,已通知其他人您正在前往。" : "Thank you. Everyone has been told you are going.";
  },
  callAlreadyClaimed(by: string, lang: Language): string {
    return lang === "zh-CN" ? `谢谢。${by}已经在前往途中。` : `Thank you. ${by} is already going.`;
  },
  callPassed(lang: Language): string {
    return lang === "zh-CN" ? "好的,我们将联系下一位联系人。" : "All right, we will call the next contact.";
  },
  callCancelled(lang: Language): string {
    return lang === "zh-CN" ? "求助已取消,无需前往。谢谢。" : "The alarm was cancelled. No need to go. Thank you.";
  },
  callNoInput(lang: Language): string {
    return lang === "zh-CN" ? "没有收到按键,再见。" : "No key was pressed. Goodbye.";
  },
  /** Shown on the resident's TV / device with ack states ("Daughter Wang is on the way, 10:02"). */
  deviceText(state: "received" | "acknowledged" | "responding" | "resolved" | "cancelled", lang: Language, by?: string, at?: number | null): string {
    const t = at ? (lang === "zh-CN" ? `(${clock(at)})` : `, ${clock(at)}`) : "";
    const zh = { received: "求助已收到", acknowledged: `${by ?? "有人"}正在赶来${t}`, responding: `巡逻人员已出发${t}`, resolved: "求助已处理", cancelled: "求助已取消" };
    const en = { received: "Help requested", acknowledged: `${by ?? "Someone"} is on the way${t}`, responding: `The patrol is on the way${t}`, resolved: "Resolved", cancelled: "Cancelled" };
    return (lang === "zh-CN" ? zh : en)[state];
  },
};
