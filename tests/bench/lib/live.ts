/** Live counters on stderr while a phase runs: one line, redrawn each second (a new line every 5 s when not a terminal). */
export class Live {
  private timer: NodeJS.Timeout | null = null;
  private phase = "";
  private startedAt = 0;
  private ticks = 0;
  constructor(private readonly line: () => string) {}

  begin(phase: string): void {
    this.end();
    this.phase = phase;
    this.startedAt = performance.now();
    this.ticks = 0;
    this.timer = setInterval(() => this.draw(false), 1000);
  }

  private draw(final: boolean): void {
    const tty = process.stderr.isTTY;
    this.ticks++;
    if (!tty && !final && this.ticks % 5 !== 0) return;
    const s = `[${this.phase} ${((performance.now() - this.startedAt) / 1000).toFixed(0)}s] ${this.line()}`;
    process.stderr.write(tty ? `\r\x1b[K${s}${final ? "\n" : ""}` : `${s}\n`);
  }

  end(): void {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = null;
    this.draw(true);
  }

  log(s: string): void {
    if (this.timer && process.stderr.isTTY) process.stderr.write("\r\x1b[K");
    process.stderr.write(`${s}\n`);
  }
}
