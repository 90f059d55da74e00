/**
 * Writes docs/samples/community.csv: a made-up community of eight buildings for trying the import
 * (`pnpm hk import docs/samples/community.csv --community ID`). The same file every run (a seeded
 * generator). Every phone number is in 138 0013 8000–8999, a range of fiction: nobody is called.
 *
 *   node_modules/.bin/tsx scripts/sample-community.ts
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const OUT = path.join(path.dirname(fileURLToPath(import.meta.url)), "../docs/samples/community.csv");

/** mulberry32: small, seeded, the same sequence everywhere. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rnd = random(20261207);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
const chance = (p: number) => rnd() < p;
const between = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));

const SURNAMES = [..."王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴莫孔汤"];
const OLD_MEN = ["建国", "国强", "志明", "德华", "长生", "福生", "永福", "文斌", "振华", "学军", "庆林", "宝山", "树林", "金海", "瑞祥", "广才", "德明", "春生", "玉林", "守仁"];
const OLD_WOMEN = ["桂兰", "秀英", "玉珍", "淑芬", "凤英", "秀兰", "玉兰", "丽华", "春梅", "素珍", "翠花", "美华", "月娥", "金凤", "巧云", "桂芳", "淑华", "秀珍", "兰英", "佩芳"];
const MEN = ["伟", "磊", "军", "勇", "强", "涛", "斌", "鹏", "浩", "海峰", "建华", "志刚", "晓东", "俊杰", "立新", "宏伟", "文博", "国栋", "子健", "振宇"];
const WOMEN = ["丽", "静", "敏", "燕", "艳", "娟", "霞", "婷", "晓燕", "丽娟", "雪梅", "海燕", "红梅", "文静", "慧敏", "思琪", "雅琴", "晓红", "佳怡", "秀芳"];
const MEDICAL = ["高血压", "糖尿病", "冠心病", "脑梗后遗症", "阿尔茨海默病早期", "慢阻肺", "高血压、糖尿病", "心脏搭桥术后", "骨质疏松"];
const MOBILITY = ["拄拐", "助行器", "轮椅", "卧床", "行动缓慢"];

let nextPhone = 8000;
/** The next fictional number, typed the ways people type them. */
function phone(): string {
  const n = String(nextPhone++);
  if (nextPhone > 8999) throw new Error("out of fictional numbers");
  const style = rnd();
  if (style < 0.55) return `138 0013 ${n}`;
  if (style < 0.75) return `1380013${n}`;
  if (style < 0.9) return `138-0013-${n}`;
  return `+86 138 0013 ${n}`;
}

const personName = (surname: string, given: readonly string[]) => surname + pick(given);

interface Row {
  building: string; unit: string; room: string; household: string; livesAlone: string; resident: string; age: string;
  language: string; medical: string; mobility: string; contact: string; phone: string; relation: string; priority: string; hasKey: string; role: string;
}
const HEADER = ["楼栋", "单元", "房号", "户名", "独居", "居民", "年龄", "语言", "病史", "行动", "联系人", "电话", "关系", "顺位", "有钥匙", "角色"];
const cells = (r: Row) => [r.building, r.unit, r.room, r.household, r.livesAlone, r.resident, r.age, r.language, r.medical, r.mobility, r.contact, r.phone, r.relation, r.priority, r.hasKey, r.role];

const rows: Row[] = [];
for (let b = 1; b <= 8; b++) {
  const building = `${b}号楼`;
  // one grid worker looks after each building
  const gridWorker = { name: personName(pick(SURNAMES), WOMEN), phone: phone() };
  for (let u = 1; u <= 2; u++) {
    const unit = `${u}单元`;
    for (let floor = 1; floor <= 7; floor++) {
      for (let flat = 1; flat <= 2; flat++) {
        // a few flats are empty or not signed up
        if (chance(0.06)) continue;
        const room = `${floor}0${flat}`;
        const alone = chance(0.35);
        const husband = { name: personName(pick(SURNAMES), OLD_MEN), age: between(62, 94) };
        const wife = { name: personName(pick(SURNAMES), OLD_WOMEN), age: between(60, 92) };
        const residents = alone ? [chance(0.6) ? wife : husband] : [husband, wife];
        const familyName = [...husband.name][0]!;
        const head = residents[0]!;
        const people = residents.map((p) => ({
          ...p, medical: chance(0.45) ? pick(MEDICAL) : "", mobility: chance(0.3) ? pick(MOBILITY) : "", language: chance(0.2) ? "中文" : "",
        }));
        const contacts: { name: string; phone: string; relation: string; hasKey: string; role: string }[] = [];
        const children = between(1, 2);
        for (let c = 0; c < children; c++) {
          const son = chance(0.5);
          let name = personName(familyName, son ? MEN : WOMEN);
          while (contacts.some((x) => x.name === name)) name = personName(familyName, son ? MEN : WOMEN);
          contacts.push({ name, phone: phone(), relation: son ? "儿子" : "女儿", hasKey: chance(0.6) ? "是" : "否", role: "" });
        }
        if (chance(0.25)) contacts.push({ name: personName(familyName, chance(0.5) ? MEN : WOMEN), phone: phone(), relation: "孙辈", hasKey: "否", role: "" });
        if (chance(0.5)) contacts.push({ name: personName(pick(SURNAMES), chance(0.5) ? OLD_MEN : OLD_WOMEN), phone: phone(), relation: "邻居", hasKey: chance(0.3) ? "是" : "否", role: "邻居" });
        if (alone) contacts.push({ name: gridWorker.name, phone: gridWorker.phone, relation: "网格员", hasKey: "否", role: "网格员" });
        // call order written for most households, left to the row order for some
        const written = chance(0.8);
        for (let i = 0; i < Math.max(people.length, contacts.length); i++) {
          const p = people[i];
          const c = contacts[i];
          rows.push({
            building, unit, room, household: i === 0 ? `${head.name}家` : "", livesAlone: i === 0 ? (alone ? "是" : "否") : "",
            resident: p?.name ?? "", age: p ? String(p.age) : "", language: p?.language ?? "", medical: p?.medical ?? "", mobility: p?.mobility ?? "",
            contact: c?.name ?? "", phone: c?.phone ?? "", relation: c?.relation ?? "", priority: c && written ? String(i + 1) : "",
            hasKey: c?.hasKey ?? "", role: c?.role ?? "",
          });
        }
      }
    }
  }
}

// commas never appear in a value here, so no cell needs quotes
const text = [HEADER, ...rows.map(cells)].map((r) => r.join(",")).join("\r\n") + "\r\n";
writeFileSync(OUT, `\uFEFF${text}`);
process.stdout.write(`${OUT}: ${rows.length} rows\n`);
