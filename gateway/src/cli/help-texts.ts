/** `pnpm hk … --help`, in English and Chinese. */
import { csvColumns } from "@helpkey/shared";

export interface HelpTexts {
  top: string;
  community: string;
  import: string;
  devices: string;
  users: string;
  adminToken: string;
}

const columns = Object.entries(csvColumns).map(([key, names]) => `${names[0]}/${key}`).join(", ");

const commonEn = `common options:
  --url URL        the gateway (default: HK_URL, else http://HK_HOST:HK_HTTP_PORT, i.e. http://127.0.0.1:8080)
  --token TOKEN    the admin token (default: HK_ADMIN_TOKEN; prefer the variable: a flag shows in ps)
  --json           print the server's answer as JSON
  --lang en|zh-CN  language of messages (default en)
  -h, --help       this help`;

const exitEn = "exit codes: 0 ok, 1 the server refused (bad rows, a record that exists), 2 usage error, 3 cannot reach the gateway, token refused, or server failure";

const en: HelpTexts = {
  top: `pnpm hk: administer a running helpkey gateway over its HTTP API

usage: pnpm hk <command> [options]

commands:
  community create   create a community
  import FILE        import households, residents and contacts from a CSV file (dry run unless --apply)
  devices provision  provision devices for a household, a unit or a building; write their credentials file
  users create       create a console user
  admin-token rotate replace the admin token (the old one stops working)
  backup FILE        back up this machine's database while the gateway runs (see backup --help)
  restore FILE       put a backup in place, the gateway stopped (see restore --help)

${commonEn}

${exitEn}`,
  community: `usage: pnpm hk community create --name NAME [--phone PHONE] [--country CC] [--language zh-CN|en] [--district ID]

Creates a community. Phone numbers typed for it and its households (here and in imports) are read in
the numbering plan of --country (ISO code, default CN: "138 0013 8000" → +8613800138000).

options:
  --name NAME         the community's name
  --phone PHONE       the community centre's number (shown to responders)
  --country CC        ISO 3166 country code whose numbering plan reads local numbers (default CN)
  --language LANG     zh-CN or en: what its console, texts and calls speak (default zh-CN)
  --district ID       the district command centre above it

${commonEn}

${exitEn}`,
  import: `usage: pnpm hk import FILE --community ID [--apply] [--encoding auto|utf-8|gbk]

Checks a CSV file of households against the community and prints what it would create and every
bad row (line, column, why). Nothing is written unless --apply is given, and then only if every row is
good: all of it in one transaction, or nothing. A household the community already has is a bad row
(an import adds new households only), so importing the same file twice creates nothing twice.

The first row names the columns, in Chinese or English:
  ${columns}
One row per household, resident or contact: rows with the same 楼栋, 单元 and 房号 are one household;
each adds its resident and its contact (a name or number repeated is the same person).
See docs/csv-import.md and the sample docs/samples/community.csv.

options:
  --community ID      the community to import into
  --apply             write it (default: dry run)
  --encoding ENC      auto (default: UTF-8 if the file is valid UTF-8, else GBK), utf-8 or gbk

${commonEn}

exit codes: 0 every row good (dry run) or imported, 1 bad rows (nothing written), 2 usage error, 3 cannot reach the gateway`,
  devices: `usage: pnpm hk devices provision (--household ID | --unit ID | --building ID) --out FILE [--type button|stb] [--count N]

Provisions devices through the API, one per household of the unit or building (or --count per
household), with progress on stderr, and writes their credentials to FILE: a JSON array of
{id, secret, mqtt: {url}, householdId}, mode 0600. The secrets are shown nowhere else; FILE is never
overwritten. Give it to the installer; \`pnpm sim press --credentials FILE [--device ID]\` presses one.

options:
  --household ID      one household
  --unit ID           every household of the unit
  --building ID       every household of the building
  --type TYPE         button (default) or stb (a set-top box)
  --count N           devices per household (default 1)
  --out FILE          the credentials file to write

${commonEn}

${exitEn}`,
  users: `usage: pnpm hk users create --username USER --name NAME --role ROLE [--communities 1,2] [--districts 1] [--password P | --generate-password] [--language zh-CN|en]

Creates a console user. Without --password or --generate-password the password is asked for (twice,
not shown) on a terminal.

options:
  --username USER       the login name (letters, digits, _ . @ -)
  --name NAME           the name shown in the console and the audit trail
  --role ROLE           dispatcher, supervisor, district or admin
  --communities IDS     the communities a dispatcher or supervisor sees (comma-separated)
  --districts IDS       the districts a district user sees (comma-separated)
  --password P          the password (at least 8 characters; a flag shows in ps)
  --generate-password   generate one and print it once
  --language LANG       the console's language for this user (default zh-CN)

${commonEn}

${exitEn}`,
  adminToken: `usage: pnpm hk admin-token rotate

Replaces the admin token: the gateway issues a new one, printed once on stdout; the old one stops
working at once, and the console sessions it opened end. Refused (exit 1) when the gateway takes its
token from HK_ADMIN_TOKEN: change that variable and restart the gateway instead.

${commonEn}

${exitEn}`,
};

const commonZh = `通用选项：
  --url URL        网关地址（默认：HK_URL，否则 http://HK_HOST:HK_HTTP_PORT，即 http://127.0.0.1:8080）
  --token TOKEN    管理员令牌（默认：HK_ADMIN_TOKEN；建议用环境变量，命令行参数会出现在 ps 中）
  --json           以 JSON 输出服务器的应答
  --lang en|zh-CN  提示语言（默认 en）
  -h, --help       本帮助`;

const exitZh = "退出码：0 成功，1 服务器拒绝（行无效、记录已存在），2 用法错误，3 无法连接网关、令牌被拒或服务器出错";

const zh: HelpTexts = {
  top: `pnpm hk：通过 HTTP API 管理正在运行的 helpkey 网关

用法：pnpm hk <命令> [选项]

命令：
  community create   创建社区
  import FILE        从 CSV 文件导入住户、居民和联系人（不加 --apply 时只试导入）
  devices provision  为一户、一个单元或一栋楼开通设备，并写出凭据文件
  users create       创建控制台用户
  admin-token rotate 更换管理员令牌（旧令牌立即失效）
  backup FILE        在网关运行时备份本机数据库（见 backup --help）
  restore FILE       在网关停止时恢复备份（见 restore --help）

${commonZh}

${exitZh}`,
  community: `用法：pnpm hk community create --name 名称 [--phone 电话] [--country 国家代码] [--language zh-CN|en] [--district ID]

创建社区。为该社区及其住户填写的电话号码（包括导入的）按 --country 的号码规则解读
（ISO 代码，默认 CN：“138 0013 8000” → +8613800138000）。

选项：
  --name 名称         社区名称
  --phone 电话        社区中心电话（显示给出警人员）
  --country 代码      解读本地号码所用的 ISO 3166 国家代码（默认 CN）
  --language 语言     zh-CN 或 en：控制台、短信和电话使用的语言（默认 zh-CN）
  --district ID       上级辖区指挥中心

${commonZh}

${exitZh}`,
  import: `用法：pnpm hk import 文件 --community ID [--apply] [--encoding auto|utf-8|gbk]

对照社区检查住户 CSV 文件，列出将创建的记录和每一处无效的行（行号、列、原因）。不加 --apply
不写入；加 --apply 时也只有在所有行都有效时才写入：在一个事务中全部写入，或全部不写。社区中已有
的住户视为无效行（导入只新增住户），因此同一文件导入两次不会重复创建。

第一行是列名，中文或英文均可：
  ${columns}
每行一户、一位居民或一位联系人：楼栋、单元、房号相同的行属于同一户，每行添加其中的居民和联系人
（重复出现的姓名或号码视为同一人）。详见 docs/csv-import.md 和示例 docs/samples/community.csv。

选项：
  --community ID      导入到哪个社区
  --apply             写入（默认只试导入）
  --encoding 编码     auto（默认：文件是有效的 UTF-8 则按 UTF-8，否则按 GBK）、utf-8 或 gbk

${commonZh}

退出码：0 所有行有效（试导入）或已导入，1 有无效的行（未写入），2 用法错误，3 无法连接网关`,
  devices: `用法：pnpm hk devices provision (--household ID | --unit ID | --building ID) --out 文件 [--type button|stb] [--count N]

通过 API 开通设备：单元或楼栋中每户一台（或每户 --count 台），进度显示在 stderr，凭据写入文件：
JSON 数组 {id, secret, mqtt: {url}, householdId}，权限 0600。密钥不会在别处显示，文件不会被覆盖。
请交给安装人员；\`pnpm sim press --credentials 文件 [--device ID]\` 可模拟按键。

选项：
  --household ID      一户
  --unit ID           单元中的每一户
  --building ID       楼栋中的每一户
  --type 类型         button（默认，求助按钮）或 stb（机顶盒）
  --count N           每户台数（默认 1）
  --out 文件          要写入的凭据文件

${commonZh}

${exitZh}`,
  users: `用法：pnpm hk users create --username 用户名 --name 姓名 --role 角色 [--communities 1,2] [--districts 1] [--password 密码 | --generate-password] [--language zh-CN|en]

创建控制台用户。未给出 --password 或 --generate-password 时，在终端上询问密码（输入两次，不显示）。

选项：
  --username 用户名     登录名（字母、数字、_ . @ -）
  --name 姓名           显示在控制台和审计记录中的姓名
  --role 角色           dispatcher（调度员）、supervisor（值班主管）、district（辖区）或 admin（管理员）
  --communities IDS     调度员或值班主管可见的社区（逗号分隔）
  --districts IDS       辖区用户可见的辖区（逗号分隔）
  --password 密码       密码（至少 8 个字符；命令行参数会出现在 ps 中）
  --generate-password   自动生成密码并显示一次
  --language 语言       该用户控制台的语言（默认 zh-CN）

${commonZh}

${exitZh}`,
  adminToken: `用法：pnpm hk admin-token rotate

更换管理员令牌：网关生成新令牌，在 stdout 显示一次；旧令牌立即失效，由其登录的控制台会话随之结束。
若网关的令牌来自 HK_ADMIN_TOKEN，则拒绝更换（退出码 1）：请修改该变量并重新启动网关。

${commonZh}

${exitZh}`,
};

export const helpTexts: Record<"en" | "zh-CN", HelpTexts> = { en, "zh-CN": zh };
