/**
 * The texts of service requests and welfare checks, for grid workers and named contacts: no reply
 * code to claim (nobody is called; the console's service queue tracks who answers), the category
 * and the answer-time target instead.
 */
import { WELFARE_CHECK, type Address, type Language, type ServiceCategory } from "@helpkey/shared";
import { clock } from "./texts";

export interface ServiceFacts {
  alertId: number;
  address: Address;
  residents: string[];
  category: string | null;
  categories: readonly ServiceCategory[];
  at: number;
  answerDueAt: number | null;
  timeZone: string;
}

const zh = (lang: Language) => lang === "zh-CN";

function categoryName(f: ServiceFacts, lang: Language): string {
  if (f.category === WELFARE_CHECK) return zh(lang) ? "安康探访" : "welfare check";
  const c = f.categories.find((x) => x.key === f.category);
  if (c) return zh(lang) ? c.nameZh : c.nameEn;
  return zh(lang) ? "服务请求" : "service request";
}

function who(f: ServiceFacts, lang: Language): string {
  if (f.residents.length) return f.residents.join(zh(lang) ? "、" : ", ");
  return zh(lang) ? "住户" : "the resident";
}

function place(a: Address, lang: Language): string {
  return zh(lang) ? `${a.community}${a.building}${a.unit}${a.room}室` : `${a.community}, ${a.building}, ${a.unit}, room ${a.room}`;
}

export const serviceTexts = {
  /** A new service request, or a welfare check (no sign of life from someone who lives alone). */
  requestSms(f: ServiceFacts, lang: Language): string {
    const by = f.answerDueAt !== null ? clock(f.answerDueAt, f.timeZone) : null;
    if (f.category === WELFARE_CHECK) {
      return zh(lang)
        ? `【一键通】安康探访：${who(f, lang)}（${place(f.address, lang)}）长时间没有活动迹象，请上门或致电看望。#${f.alertId}`
        : `[helpkey] Welfare check: no sign of life from ${who(f, lang)} (${place(f.address, lang)}) for a long time; please visit or call. #${f.alertId}`;
    }
    return zh(lang)
      ? `【一键通】${who(f, lang)}${clock(f.at, f.timeZone)}请求${categoryName(f, lang)}：${place(f.address, lang)}。${by ? `请于${by}前答复。` : ""}#${f.alertId}`
      : `[helpkey] ${categoryName(f, lang)} requested by ${who(f, lang)} at ${clock(f.at, f.timeZone)}: ${place(f.address, lang)}.${by ? ` Please answer by ${by}.` : ""} #${f.alertId}`;
  },
};
