import { describe, expect, it } from "vitest";
import { parseOptions, UsageError, type BenchOptions } from "./lib/options";

const parse = (argv: string[]) => parseOptions(argv) as BenchOptions;

describe("bench options: `pnpm bench [--quick] [...]`", () => {
  it("runs the issue's scenarios by default: 19,000 devices, 1,000 presses/s for 60 s, storm in 10 s", () => {
    const o = parse([]);
    expect(o).toMatchObject({ quick: false, devices: 19_000, processes: 4, rate: 1000, sustainedS: 60, stormS: 10, quiet: 300, quietGapMs: 200, settleS: 120, peer: true, write: true });
  });

  it("--quick shortens every phase so the whole run fits in under a minute", () => {
    const o = parse(["--quick"]);
    expect(o).toMatchObject({ quick: true, devices: 1000, processes: 2, rate: 200, sustainedS: 4, stormS: 2, quiet: 40, quietGapMs: 50, settleS: 0 });
  });

  it("an explicit option wins over the quick default", () => {
    expect(parse(["--quick", "--sustained-s", "10", "--quiet-gap-ms", "0"])).toMatchObject({ sustainedS: 10, quietGapMs: 0 });
  });

  it("answers bad input with a UsageError that names the option and its range", () => {
    expect(() => parseOptions(["--devices", "30000"])).toThrow(new UsageError('--devices must be a number from 10 to 19900, got "30000"'));
    expect(() => parseOptions(["--log-level", "loud"])).toThrow(UsageError);
    expect(() => parseOptions(["--no-such-flag"])).toThrow(UsageError);
  });

  it("--help asks for the help text", () => {
    expect(parseOptions(["-h"])).toBe("help");
  });
});
