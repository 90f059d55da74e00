/** `pnpm hk users create`: a console user; the password given, generated and shown once, or asked for. */
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { languages } from "@helpkey/shared";
import { EXIT, idList, oneOf, parse, required, UsageError } from "./cli-kit";
import { group, type Command } from "./command";
import { promptSecret } from "./prompt-secret";

const roles = ["dispatcher", "supervisor", "district", "admin"] as const;
const createdSchema = z.object({ id: z.number().int(), username: z.string(), role: z.string() }).loose();
const MIN_PASSWORD = 8;

async function passwordOf(v: { password?: string | undefined; "generate-password"?: boolean | undefined }, ctx: Parameters<Command>[1]): Promise<{ password: string; generated: boolean }> {
  if (v.password !== undefined && v["generate-password"]) throw new UsageError("give --password or --generate-password, not both");
  if (v.password !== undefined) return { password: v.password, generated: false };
  // 18 random bytes: 24 characters of base64url, nothing a person has to spell out loud twice
  if (v["generate-password"]) return { password: randomBytes(18).toString("base64url"), generated: true };
  if (!process.stdin.isTTY) throw new UsageError("no terminal to ask the password on: give --password P or --generate-password");
  const first = await promptSecret(ctx.m.passwordPrompt);
  const again = await promptSecret(ctx.m.passwordAgain);
  if (first !== again) throw new UsageError(ctx.m.passwordMismatch);
  return { password: first, generated: false };
}

const create: Command = async (args, ctx) => {
  const { values: v } = parse(args, {
    username: { type: "string" }, name: { type: "string" }, role: { type: "string" }, communities: { type: "string" }, districts: { type: "string" },
    password: { type: "string" }, "generate-password": { type: "boolean" }, language: { type: "string" },
  });
  if (v.help) {
    process.stdout.write(`${ctx.m.help.users}\n`);
    return EXIT.ok;
  }
  const username = required(v.username, "--username", "the login name");
  const name = required(v.name, "--name", "the name the console and the audit trail show");
  const role = oneOf(required(v.role, "--role", roles.join(", ")), roles, "--role", "dispatcher");
  const communityIds = idList(v.communities, "--communities");
  const districtIds = idList(v.districts, "--districts");
  const language = oneOf(v.language, languages, "--language", "zh-CN");
  const api = ctx.connect(v);
  const { password, generated } = await passwordOf(v, ctx);
  if (password.length < MIN_PASSWORD) throw new UsageError(`the password needs at least ${MIN_PASSWORD} characters`);
  const user = await api.call(createdSchema, "POST", "/api/users", {
    json: { username, name, role, password, language, communityIds, ...(districtIds.length ? { districtIds } : {}) },
  });
  process.stdout.write(v.json ? `${JSON.stringify(user)}\n` : `${ctx.m.userCreated(user.id, user.username, user.role)}\n`);
  if (generated) process.stdout.write(`${ctx.m.generatedPassword(password)}\n`);
  return EXIT.ok;
};

export const usersCommand = group((ctx) => ctx.m.help.users, { create });
