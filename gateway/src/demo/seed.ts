/**
 * The demo community (HK_DEMO=1, on an empty database only, so it is idempotent): three buildings,
 * twelve households with residents, contacts and help buttons, a set-top box and two patrol members. Device
 * credentials go to <dataDir>/demo/<id>.json for `pnpm press --credentials …`.
 */
import { mkdirSync, writeFileSync, existsSync, readdirSync } from "node:fs";
import path from "node:path";
import type { CreatedDevice } from "@helpkey/shared";
import type { AlertContext } from "../alerts/context";
import { buildings, communities, contacts, devices, householdAccess, households, patrolMembers, residents, units } from "../db/schema";
import { hashDeviceSecret, newSecret, type Derive } from "../devices/secret-hash";

export interface DemoInfo {
  communityId: number;
  created: boolean;
  /** Credentials files of the demo devices (first one is the one the banner suggests). */
  credentialFiles: string[];
}

/**
 * Every demo phone number is in the range Ofcom reserves for drama (+44 7700 900000–900999): no
 * such number is ever given to anyone, so a demo run against a real provider reaches nobody.
 */
export const FICTION_PREFIX = "+447700900";
export const fiction = (n: number) => `${FICTION_PREFIX}${String(n).padStart(3, "0")}`;
/** The community centre's demo number. */
export const DEMO_CENTRE_PHONE = fiction(5);
/** Household i's phones: k = 1 daughter, 2 son, 3 neighbour, 4 grid worker, 5 the resident. */
export const demoPhone = (i: number, k: number) => fiction(10 + i * 10 + k);

/** Three buildings of two units of two households. */
export const DEMO_HOUSEHOLDS = 12;
const surnames = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙"];
const given = ["秀英", "建国", "桂兰", "志强", "淑珍", "国华", "玉梅", "德明", "凤英", "文斌", "丽华", "福生"];
// The family's given names, so each contact reads as a person: 王丽（女儿）.
const daughters = ["丽", "敏", "静", "燕", "娟", "霞", "芳", "婷", "雪", "琳", "颖", "慧"];
const sons = ["伟", "强", "磊", "军", "勇", "杰", "涛", "斌", "超", "明", "刚", "平"];
const neighbours = ["刘芳", "赵红", "孙丽萍", "周玉兰"];
const gridWorkers = ["陈晓", "林佳"];
/** What a responder must know, for every third household. */
const care = [
  { medical: "高血压，服用降压药 / high blood pressure, on medication", mobility: "使用助行器 / uses a walker" },
  { medical: "糖尿病，注射胰岛素 / diabetic, insulin", mobility: "可以自己走动 / walks unaided" },
  { medical: "心脏起搏器 / pacemaker", mobility: "坐轮椅 / wheelchair" },
  { medical: "阿尔茨海默病早期 / early Alzheimer's", mobility: "卧床 / bedridden" },
];

/** Household i's contacts: names that read as names, the relation in brackets as a dispatcher writes it. */
export function demoContacts(i: number) {
  return [
    { name: `${surnames[i]}${daughters[i]}（女儿）`, phone: demoPhone(i, 1), relation: "daughter", priority: 1, language: "zh-CN" as const, hasKey: true },
    { name: `${surnames[i]}${sons[i]}（儿子）`, phone: demoPhone(i, 2), relation: "son", priority: 1, language: i === 0 ? "en" as const : "zh-CN" as const, hasKey: false },
    { name: `${neighbours[i % neighbours.length]}（邻居）`, phone: demoPhone(i, 3), relation: "neighbour", priority: 2, language: "zh-CN" as const, hasKey: i % 2 === 0 },
    { name: `${gridWorkers[i % gridWorkers.length]}（网格员）`, phone: demoPhone(i, 4), relation: "grid worker", priority: 3, language: "zh-CN" as const, hasKey: false },
  ];
}

/** Household i's resident. */
export const demoResidentName = (i: number) => `${surnames[i]}${given[i]}`;

export async function seedDemo(ctx: AlertContext, dataDir: string, mqttUrl: string, now: number, derive?: Derive): Promise<DemoInfo> {
  const dir = path.join(dataDir, "demo");
  const existing = ctx.db.select().from(communities).limit(1).get();
  if (existing) {
    const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".json")).sort().map((f) => path.join(dir, f)) : [];
    return { communityId: existing.id, created: false, credentialFiles: files };
  }
  mkdirSync(dir, { recursive: true });
  const creds: { id: string; secret: string; householdId: number; type: "button" | "stb" }[] = [];
  const c = ctx.db.insert(communities).values({ name: "幸福里社区", supervisorPhone: fiction(0), phone: DEMO_CENTRE_PHONE, language: "zh-CN", createdAt: now }).returning().get();
  // The patrol on duty, for "dispatch patrol" on the console.
  ctx.db.insert(patrolMembers).values([
    { communityId: c.id, name: "巡逻队员老赵", phone: fiction(1), language: "zh-CN", createdAt: now },
    { communityId: c.id, name: "Patrol Sam", phone: fiction(2), language: "en", createdAt: now },
  ]).run();
  let n = 0;
  for (let b = 1; b <= 3; b++) {
    const building = ctx.db.insert(buildings).values({ communityId: c.id, name: `${b}号楼`, createdAt: now }).returning().get();
    for (let u = 1; u <= 2; u++) {
      const unit = ctx.db.insert(units).values({ buildingId: building.id, name: `${u}单元`, createdAt: now }).returning().get();
      for (const room of ["101", "202"]) {
        const i = n++;
        const h = ctx.db.insert(households).values({ unitId: unit.id, room, name: `${surnames[i]}家`, notes: i % 3 === 0 ? "独居，行动不便 / lives alone, uses a walker" : null, livesAlone: i % 3 === 0, createdAt: now }).returning().get();
        const needs = i % 3 === 0 ? care[(i / 3) % care.length]! : { medical: null, mobility: null };
        ctx.db.insert(residents).values({ householdId: h.id, name: demoResidentName(i), language: "zh-CN", phone: demoPhone(i, 5), ...needs, createdAt: now }).run();
        ctx.db.insert(contacts).values(demoContacts(i).map((c) => ({ ...c, householdId: h.id, createdAt: now }))).run();
        // A fictional key-safe code, so the resident card's audited reveal has something to show.
        if (i % 2 === 0) ctx.db.insert(householdAccess).values({ householdId: h.id, doorCode: `${1000 + i * 37}#`, updatedAt: now }).run();
        creds.push({ id: `btn-${b}${u}${room}`, secret: newSecret(), householdId: h.id, type: "button" });
        // The first household lives alone: its TV's red key is its help key, its green key asks for services.
        if (i === 0) creds.push({ id: `stb-${b}${u}${room}`, secret: newSecret(), householdId: h.id, type: "stb" });
      }
    }
  }
  const files: string[] = [];
  for (const d of creds) {
    ctx.db.insert(devices).values({ id: d.id, householdId: d.householdId, type: d.type, secretHash: await hashDeviceSecret(d.secret, derive), createdAt: now }).run();
    const file = path.join(dir, `${d.id}.json`);
    writeFileSync(file, JSON.stringify({ id: d.id, secret: d.secret, mqtt: { url: mqttUrl } } satisfies CreatedDevice, null, 2), { mode: 0o600 });
    files.push(file);
  }
  ctx.dir.invalidate();
  return { communityId: c.id, created: true, credentialFiles: files };
}
