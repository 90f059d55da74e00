/** `pnpm hk admin-token rotate`: a new admin token on stdout (alone on its line, for scripts); the rest on stderr. */
import { z } from "zod";
import { EXIT, parse } from "./cli-kit";
import { group, type Command } from "./command";

const rotatedSchema = z.object({ token: z.string().min(16), endedSessions: z.number().int(), closedConsoles: z.number().int() });

const rotate: Command = async (args, ctx) => {
  const { values: v } = parse(args, {});
  if (v.help) {
    process.stdout.write(`${ctx.m.help.adminToken}\n`);
    return EXIT.ok;
  }
  const r = await ctx.connect(v).call(rotatedSchema, "POST", "/api/admin-token/rotate", { json: {} });
  process.stdout.write(v.json ? `${JSON.stringify(r)}\n` : `${r.token}\n`);
  process.stderr.write(`${ctx.m.tokenRotated(r.endedSessions, r.closedConsoles)}\n`);
  return EXIT.ok;
};

export const adminTokenCommand = group((ctx) => ctx.m.help.adminToken, { rotate });
