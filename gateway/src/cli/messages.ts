/** What the hk CLI prints, in English and Chinese (--lang en|zh-CN); the help texts are in help-texts.ts. */
import { importIssueText, type ImportIssue, type ImportReport } from "@helpkey/shared";
import { helpTexts, type HelpTexts } from "./help-texts";

export type Lang = "en" | "zh-CN";

export interface Messages {
  help: HelpTexts;
  usageError(message: string, command: string): string;
  unknownCommand(command: string): string;
  noToken: string;
  unreachable(url: string, reason: string): string;
  unauthorized(url: string): string;
  serverFailed(status: number, message: string): string;
  refused(status: number, code: string, message: string, field?: string): string;
  communityCreated(id: number, name: string, country: string): string;
  importReport(r: ImportReport, file: string): string;
  provisionPlan(devices: number, households: number): string;
  provisionProgress(done: number, total: number): string;
  provisionDone(devices: number, households: number, file: string): string;
  provisionStopped(devices: number, total: number, file: string): string;
  noHouseholds(target: string): string;
  outExists(file: string): string;
  userCreated(id: number, username: string, role: string): string;
  generatedPassword(password: string): string;
  passwordPrompt: string;
  passwordAgain: string;
  passwordMismatch: string;
  tokenRotated(ended: number, consoles: number): string;
  working(seconds: number): string;
}

const en: Messages = {
  help: helpTexts.en,
  usageError: (message, command) => `error: ${message}\n(see pnpm hk ${command} --help)`,
  unknownCommand: (c) => `error: unknown command "${c}"\n(see pnpm hk --help)`,
  noToken: "no admin token: set HK_ADMIN_TOKEN (or pass --token). The gateway printed it at its first start; lost it? restart the gateway with --new-admin-token",
  unreachable: (url, reason) => `error: cannot reach the gateway at ${url} (${reason}): is it running (pnpm start)? Point --url or HK_URL at it`,
  unauthorized: (url) => `error: the gateway at ${url} refused the admin token: check HK_ADMIN_TOKEN or --token (a rotated token replaces the old one)`,
  serverFailed: (status, message) => `error: the gateway failed (${status}: ${message}); nothing may have been changed: look at its log, then try again`,
  refused: (status, code, message, field) => `refused (${status} ${code}${field ? `, field ${field}` : ""}): ${message}`,
  communityCreated: (id, name, country) => `community ${id} created: ${name} (phone numbers read as ${country})`,
  importReport(r, file) {
    const head = r.applied
      ? `imported ${file} into community ${r.communityId}`
      : r.errorCount > 0 ? `${file}: ${r.errorCount} bad row(s), nothing imported` : `dry run of ${file} for community ${r.communityId}: nothing written`;
    const verb = r.applied ? "created" : "would create";
    const lines = [
      head,
      `  read as ${r.encoding}, ${r.rows} rows`,
      `  ${verb}: ${r.buildings} buildings, ${r.units} units, ${r.households} households (${r.livesAlone} living alone), ${r.residents} residents, ${r.contacts} contacts`,
    ];
    if (r.ignoredColumns.length) lines.push(`  columns not read: ${r.ignoredColumns.join(", ")}`);
    for (const e of r.errors) lines.push(`  line ${e.line}, ${e.column ? `${e.column} (${e.field})` : e.field}: ${e.reason}`);
    if (r.errorCount > r.errors.length) lines.push(`  … and ${r.errorCount - r.errors.length} more`);
    if (r.errorCount > 0) lines.push("fix these rows and run it again (nothing is written until every row is good)");
    else if (!r.applied) lines.push("run it again with --apply to write it");
    return lines.join("\n");
  },
  provisionPlan: (d, h) => `provisioning ${d} device(s) for ${h} household(s)`,
  provisionProgress: (done, total) => `provisioned ${done}/${total}`,
  provisionDone: (d, h, file) => `${d} device(s) provisioned for ${h} household(s); credentials in ${file} (mode 0600: it holds the secrets, shown nowhere else)`,
  provisionStopped: (d, total, file) => `stopped after ${d} of ${total} device(s); the credentials of those ${d} are in ${file}`,
  noHouseholds: (t) => `error: ${t} has no households: import or create them first`,
  outExists: (f) => `${f} exists: a credentials file is never overwritten (its secrets cannot be shown again); choose another --out`,
  userCreated: (id, u, role) => `user ${id} created: ${u} (${role})`,
  generatedPassword: (p) => `password: ${p}   (shown only now: give it to the user)`,
  passwordPrompt: "password for the new user: ",
  passwordAgain: "the same password again: ",
  passwordMismatch: "the two passwords differ",
  tokenRotated: (ended, consoles) => `the admin token was replaced: the old one no longer works; ${ended} console session(s) and ${consoles} open console(s) it opened were ended. Keep the new one (above) safe: set it as HK_ADMIN_TOKEN for this CLI`,
  working: (s) => `still working (${s} s)…`,
};

const zh: Messages = {
  help: helpTexts["zh-CN"],
  usageError: (message, command) => `错误：${message}\n（请参阅 pnpm hk ${command} --help）`,
  unknownCommand: (c) => `错误：未知命令“${c}”\n（请参阅 pnpm hk --help）`,
  noToken: "没有管理员令牌。请设置 HK_ADMIN_TOKEN（或使用 --token）。网关首次启动时已显示令牌；如已遗失，请用 --new-admin-token 重新启动网关",
  unreachable: (url, reason) => `错误：无法连接网关 ${url}（${reason}）。网关是否已启动（pnpm start）？请用 --url 或 HK_URL 指定其地址`,
  unauthorized: (url) => `错误：网关 ${url} 拒绝了管理员令牌。请检查 HK_ADMIN_TOKEN 或 --token（更换令牌后旧令牌失效）`,
  serverFailed: (status, message) => `错误：网关出错（${status}：${message}），可能未做任何更改。请查看网关日志后重试`,
  refused: (status, code, message, field) => `被拒绝（${status} ${code}${field ? `，字段 ${field}` : ""}）：${message}`,
  communityCreated: (id, name, country) => `已创建社区 ${id}：${name}（电话号码按 ${country} 解读）`,
  importReport(r, file) {
    const head = r.applied
      ? `已将 ${file} 导入社区 ${r.communityId}`
      : r.errorCount > 0 ? `${file}：有 ${r.errorCount} 行无效，未导入任何内容` : `${file} 试导入到社区 ${r.communityId}：未写入任何内容`;
    const verb = r.applied ? "已创建" : "将创建";
    const lines = [
      head,
      `  编码 ${r.encoding}，共 ${r.rows} 行`,
      `  ${verb}：楼栋 ${r.buildings} 个，单元 ${r.units} 个，住户 ${r.households} 户（独居 ${r.livesAlone} 户），居民 ${r.residents} 人，联系人 ${r.contacts} 人`,
    ];
    if (r.ignoredColumns.length) lines.push(`  未读取的列：${r.ignoredColumns.join("、")}`);
    for (const e of r.errors) lines.push(`  第 ${e.line} 行，${e.column ? `${e.column}（${e.field}）` : e.field}：${e.issue ? importIssueText(e.issue as ImportIssue, "zh-CN") : e.reason}`);
    if (r.errorCount > r.errors.length) lines.push(`  ……另有 ${r.errorCount - r.errors.length} 处`);
    if (r.errorCount > 0) lines.push("请修改这些行后重新运行（所有行都有效后才会写入）");
    else if (!r.applied) lines.push("确认无误后加 --apply 重新运行即可写入");
    return lines.join("\n");
  },
  provisionPlan: (d, h) => `正在为 ${h} 户开通 ${d} 台设备`,
  provisionProgress: (done, total) => `已开通 ${done}/${total}`,
  provisionDone: (d, h, file) => `已为 ${h} 户开通 ${d} 台设备，凭据保存在 ${file}（权限 0600：其中的密钥不会再次显示）`,
  provisionStopped: (d, total, file) => `共 ${total} 台，已开通 ${d} 台后停止；这 ${d} 台的凭据保存在 ${file}`,
  noHouseholds: (t) => `错误：${t} 下没有住户，请先导入或创建住户`,
  outExists: (f) => `${f} 已存在：凭据文件不会被覆盖（其中的密钥无法再次显示），请换一个 --out`,
  userCreated: (id, u, role) => `已创建用户 ${id}：${u}（${role}）`,
  generatedPassword: (p) => `密码：${p}（仅显示这一次，请转交用户）`,
  passwordPrompt: "新用户的密码：",
  passwordAgain: "再次输入密码：",
  passwordMismatch: "两次输入的密码不一致",
  tokenRotated: (ended, consoles) => `管理员令牌已更换，旧令牌立即失效；由旧令牌登录的 ${ended} 个控制台会话和 ${consoles} 个已打开的控制台已结束。请妥善保存新令牌（见上一行），并将其设为本工具的 HK_ADMIN_TOKEN`,
  working: (s) => `仍在处理（${s} 秒）……`,
};

export function messages(lang: Lang): Messages {
  return lang === "zh-CN" ? zh : en;
}

/** --lang anywhere on the line (zh, zh-CN), else English. */
export function langFrom(argv: string[]): Lang {
  const i = argv.findIndex((a) => a === "--lang" || a.startsWith("--lang="));
  const v = i < 0 ? undefined : argv[i]!.includes("=") ? argv[i]!.split("=")[1] : argv[i + 1];
  return v === "zh-CN" || v === "zh" ? "zh-CN" : "en";
}
