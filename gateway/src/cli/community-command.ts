/** `pnpm hk community create`: a community, its phone numbers read in its country's plan. */
import { z } from "zod";
import { languages, normalizePhone } from "@helpkey/shared";
import { EXIT, oneOf, parse, positiveInt, required, UsageError } from "./cli-kit";
import { group, type Command } from "./command";

const createdSchema = z.object({ id: z.number().int(), name: z.string(), countryCode: z.string() }).loose();

const create: Command = async (args, ctx) => {
  const { values: v } = parse(args, {
    name: { type: "string" }, phone: { type: "string" }, country: { type: "string" }, language: { type: "string" }, district: { type: "string" },
  });
  if (v.help) {
    process.stdout.write(`${ctx.m.help.community}\n`);
    return EXIT.ok;
  }
  const name = required(v.name, "--name", "the community's name").trim();
  if (!name) throw new UsageError("--name must not be empty");
  const country = (v.country ?? "CN").trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(country)) throw new UsageError(`--country must be a two-letter ISO 3166 code such as CN or US; got "${v.country}"`);
  let phone: string | undefined;
  if (v.phone !== undefined) {
    const p = normalizePhone(v.phone, country);
    if (!p.ok) throw new UsageError(`--phone "${v.phone}" is ${p.reason}`);
    phone = p.e164;
  }
  const language = oneOf(v.language, languages, "--language", "zh-CN");
  const districtId = positiveInt(v.district, "--district");
  const api = ctx.connect(v);
  const created = await api.call(createdSchema, "POST", "/api/communities", {
    json: { name, countryCode: country, language, ...(phone ? { phone } : {}), ...(districtId ? { districtId } : {}) },
  });
  process.stdout.write(v.json ? `${JSON.stringify(created)}\n` : `${ctx.m.communityCreated(created.id, created.name, created.countryCode)}\n`);
  return EXIT.ok;
};

export const communityCommand = group((ctx) => ctx.m.help.community, { create });
