/**
 * The patrol's dispatch SMS: where to go, what happened, and the responder link. In the member's
 * language; the link makes it a multi-part SMS in Chinese (UCS-2, 67 characters a part), which is
 * why the words around it stay short.
 */
import type { AlarmKind, Address, Language } from "@helpkey/shared";
import { kindName } from "../notify/texts";

export interface PatrolFacts {
  alertId: number;
  kind: AlarmKind;
  address: Address;
  residents: string[];
}

export function patrolSms(f: PatrolFacts, lang: Language, link: string): string {
  const a = f.address;
  if (lang === "zh-CN") {
    const who = f.residents.length ? f.residents.join("、") : "住户";
    return `【一键呼救】请前往${a.building}${a.unit}${a.room}室：${who}${kindName(f.kind, lang)}#${f.alertId}。${link}`;
  }
  const who = f.residents.length ? f.residents.join(", ") : "the resident";
  return `[helpkey] Please go to ${a.building}, ${a.unit}, room ${a.room}: ${kindName(f.kind, lang)}, ${who} (#${f.alertId}). ${link}`;
}
