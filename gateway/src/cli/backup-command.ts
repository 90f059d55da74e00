/**
 * `pnpm hk backup FILE` and `pnpm hk restore FILE`: the database of a data directory (--data-dir,
 * else HK_DATA_DIR, else ./data), on this machine, not over the HTTP API. A backup is safe while
 * the gateway runs (db/backup.ts); a restore is refused while it does. Progress on stderr.
 * Exit codes: 0 done, 1 failed (nothing half-written), 2 usage.
 */
import { existsSync } from "node:fs";
import { BackupError, backupDatabase, restoreDatabase, UsageRefusal } from "../db/backup";
import { cliEnv } from "./cli-env";
import { EXIT, parse, progress, UsageError } from "./cli-kit";
import type { Command } from "./command";
import { messages } from "./messages";

interface Texts {
  backupHelp: string;
  restoreHelp: string;
  copying(percent: number, pages: number, restarts: number): string;
  backedUp(file: string, mb: string, alerts: number, events: number, restarts: number): string;
  doorKey: string;
  restored(dataDir: string, alerts: number, events: number, replaced: string | null): string;
  exists(file: string): string;
  backupFailed(reason: string): string;
  restoreFailed(reason: string): string;
}

const en: Texts = {
  backupHelp: `usage: pnpm hk backup FILE [--data-dir DIR] [--force]

Copies the database of the data directory to FILE with SQLite's online backup: safe while the
gateway runs (it keeps answering alarms), one consistent state of the database, checked before it is
kept. Written to FILE.partial and renamed when complete.

options:
  --data-dir DIR   the gateway's data directory (default: HK_DATA_DIR, else ./data)
  --force          write over FILE if it exists
  -h, --help       this help

Door codes are sealed with a key that is not in the database (HK_DOOR_CODE_KEY, else door-code.key
in the data directory): keep a copy of it too, apart from the backups.

exit codes: 0 done, 1 failed (FILE not written), 2 usage error`,
  restoreHelp: `usage: pnpm hk restore FILE [--data-dir DIR] [--force]

Puts a backup made by pnpm hk backup in place as the data directory's database. Stop the gateway
first: the restore is refused while a gateway has the database open. A database already there is
kept beside it as helpkey.sqlite.before-restore-<time>; --force says that replacing it is meant.
Start the gateway again afterwards (it brings an older backup's schema up to date).

options:
  --data-dir DIR   the gateway's data directory (default: HK_DATA_DIR, else ./data)
  --force          replace the database that is there
  -h, --help       this help

exit codes: 0 done, 1 failed (a gateway runs on it, or FILE is no helpkey backup), 2 usage error`,
  copying: (pct, pages, restarts) => `backup: ${pct}% of ${pages} pages${restarts ? ` (started over ${restarts}× while the gateway wrote)` : ""}`,
  backedUp: (file, mb, alerts, events, restarts) => `backed up to ${file}: ${mb} MB, ${alerts} alerts, ${events} events${restarts ? `; started over ${restarts}× while the gateway wrote` : ""}`,
  doorKey: "note: door codes are sealed with a key outside the database (HK_DOOR_CODE_KEY or door-code.key in the data directory); keep a copy of that key apart from this backup",
  restored: (dir, alerts, events, replaced) => `restored into ${dir}: ${alerts} alerts, ${events} events${replaced ? `; the database that was there is kept as ${replaced}` : ""}. Start the gateway again (pnpm start)`,
  exists: (f) => `${f} exists: choose another file, or add --force to write over it`,
  backupFailed: (reason) => `error: backup failed: ${reason}`,
  restoreFailed: (reason) => `error: restore failed: ${reason}`,
};

const zh: Texts = {
  backupHelp: `用法：pnpm hk backup FILE [--data-dir DIR] [--force]

用 SQLite 在线备份把数据目录中的数据库复制到 FILE：网关运行时也可安全执行（报警照常应答），
得到数据库的一个一致状态，校验通过后才保留。先写入 FILE.partial，完成后再改名。

选项：
  --data-dir DIR   网关的数据目录（默认：HK_DATA_DIR，否则 ./data）
  --force          FILE 已存在时覆盖
  -h, --help       本帮助

门禁密码用不在数据库中的密钥加密（HK_DOOR_CODE_KEY，否则为数据目录中的 door-code.key）：
请另行备份该密钥，并与数据库备份分开存放。

退出码：0 完成，1 失败（未写出 FILE），2 用法错误`,
  restoreHelp: `用法：pnpm hk restore FILE [--data-dir DIR] [--force]

把 pnpm hk backup 生成的备份放回数据目录，作为其数据库。请先停止网关：网关打开着数据库时拒绝恢复。
原有的数据库保留为 helpkey.sqlite.before-restore-<时间>；需加 --force 表示确实要替换。
恢复后重新启动网关（较旧备份的表结构会在启动时自动升级）。

选项：
  --data-dir DIR   网关的数据目录（默认：HK_DATA_DIR，否则 ./data）
  --force          替换已有的数据库
  -h, --help       本帮助

退出码：0 完成，1 失败（网关正在使用该数据库，或 FILE 不是 helpkey 备份），2 用法错误`,
  copying: (pct, pages, restarts) => `备份：${pages} 页中已完成 ${pct}%${restarts ? `（网关写入期间已重新开始 ${restarts} 次）` : ""}`,
  backedUp: (file, mb, alerts, events, restarts) => `已备份到 ${file}：${mb} MB，报警 ${alerts} 条，事件 ${events} 条${restarts ? `；网关写入期间重新开始 ${restarts} 次` : ""}`,
  doorKey: "提示：门禁密码用数据库之外的密钥加密（HK_DOOR_CODE_KEY 或数据目录中的 door-code.key），请另行备份该密钥，并与本备份分开存放",
  restored: (dir, alerts, events, replaced) => `已恢复到 ${dir}：报警 ${alerts} 条，事件 ${events} 条${replaced ? `；原数据库保留为 ${replaced}` : ""}。请重新启动网关（pnpm start）`,
  exists: (f) => `${f} 已存在：请换一个文件名，或加 --force 覆盖`,
  backupFailed: (reason) => `错误：备份失败：${reason}`,
  restoreFailed: (reason) => `错误：恢复失败：${reason}`,
};

const options = { "data-dir": { type: "string" }, force: { type: "boolean" } } as const;

/** The command's texts in the language the hk CLI was asked for (--lang). */
const textsOf = (m: ReturnType<typeof messages>): Texts => (m === messages("zh-CN") ? zh : en);

function fileArg(positionals: string[]): string {
  const file = positionals[0];
  if (!file) throw new UsageError("FILE is required: where the backup is");
  return file;
}

export const backupCommand: Command = async (args, ctx) => {
  const t = textsOf(ctx.m);
  const { values: v, positionals } = parse(args, options, 1);
  if (v.help) {
    process.stdout.write(`${t.backupHelp}\n`);
    return EXIT.ok;
  }
  const file = fileArg(positionals);
  const dataDir = v["data-dir"] ?? cliEnv().dataDir;
  if (existsSync(file) && !v.force) {
    process.stderr.write(`${t.exists(file)}\n`);
    return EXIT.usage;
  }
  const shown = progress();
  try {
    const r = await backupDatabase(dataDir, file, (p) => shown.update(t.copying(Math.floor((100 * (p.totalPages - p.remainingPages)) / Math.max(1, p.totalPages)), p.totalPages, p.restarts)));
    shown.done();
    process.stderr.write(`${t.backedUp(file, (r.bytes / 1e6).toFixed(1), r.alerts, r.events, r.restarts)}\n${t.doorKey}\n`);
    return EXIT.ok;
  } catch (err) {
    shown.done();
    if (!(err instanceof BackupError) && !(err as { code?: string }).code) throw err;
    process.stderr.write(`${t.backupFailed((err as Error).message)}\n`);
    return EXIT.refused;
  }
};

export const restoreCommand: Command = async (args, ctx) => {
  const t = textsOf(ctx.m);
  const { values: v, positionals } = parse(args, options, 1);
  if (v.help) {
    process.stdout.write(`${t.restoreHelp}\n`);
    return EXIT.ok;
  }
  const file = fileArg(positionals);
  const dataDir = v["data-dir"] ?? cliEnv().dataDir;
  try {
    const r = await restoreDatabase(file, dataDir, { replace: v.force ?? false, now: new Date() });
    process.stderr.write(`${t.restored(dataDir, r.alerts, r.events, r.replaced)}\n`);
    return EXIT.ok;
  } catch (err) {
    if (err instanceof UsageRefusal) throw new UsageError(err.message);
    if (!(err instanceof BackupError) && !(err as { code?: string }).code) throw err;
    process.stderr.write(`${t.restoreFailed((err as Error).message)}\n`);
    return EXIT.refused;
  }
};
