/**
 * `pnpm sim <command>` (and `pnpm press …`, which is `pnpm sim press …`): the firmware-sim commands.
 * Exit codes are in cli/usage.ts (EXIT).
 */
import { langFrom, messages } from "./cli/messages";
import { runPress } from "./cli/press-command";
import { runFleetCommand } from "./fleet/fleet-command";
import { EXIT, UsageError } from "./cli/usage";
import { runStb } from "./cli/stb-command";
import { runPhoneNetwork } from "./phone-network/main";

const commands = { press: runPress, "phone-network": runPhoneNetwork, stb: runStb, fleet: runFleetCommand } as const;

/** --lang is applied here, so it may stand anywhere on the line. */
function withoutLang(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--lang") i++;
    else if (!argv[i]!.startsWith("--lang=")) out.push(argv[i]!);
  }
  return out;
}

async function main(argv: string[]): Promise<number> {
  const m = messages(langFrom(argv));
  const [command, ...rest] = withoutLang(argv);
  if (command === undefined || command === "--help" || command === "-h" || command === "help") {
    (command ? process.stdout : process.stderr).write(`${m.topHelp}\n`);
    return command ? EXIT.ok : EXIT.usage;
  }
  const run = commands[command as keyof typeof commands];
  if (!run) {
    process.stderr.write(`${m.unknownCommand(command)}\n`);
    return EXIT.usage;
  }
  try {
    // --lang is taken off the line above; the set-top box also needs to know whether it was given
    const given = argv.some((a) => a === "--lang" || a.startsWith("--lang=")) ? langFrom(argv) : undefined;
    return await run(rest, m, given);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`${m.usageError(err.message, command)}\n`);
    return EXIT.usage;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`error: ${err.stack ?? err.message}\n`);
    process.exit(EXIT.refused);
  },
);
