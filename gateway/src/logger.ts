/**
 * Structured logs (pino). JSON when piped (for log shippers), readable lines on a terminal.
 * Secrets never reach a log: redacted by key. Phone numbers are logged only at debug level.
 */
import { pino, type Logger } from "pino";

const redact = ["password", "secret", "*.password", "*.secret", "req.headers.authorization", "req.headers.cookie", "token", "*.token"];

export function createLogger(level: string): Logger {
  if (process.stdout.isTTY) {
    return pino({ level, redact, transport: { target: "pino-pretty", options: { colorize: true, translateTime: "HH:MM:ss.l", ignore: "pid,hostname", destination: 2 } } });
  }
  return pino({ level, redact });
}
