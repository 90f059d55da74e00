/**
 * Structured logs (pino). JSON when piped (for log shippers), readable lines on a terminal.
 * Secrets never reach a log: redacted by key. A phone number at info and above is masked with
 * `maskPhone` (last four digits); only debug lines, such as the phone-network emulator's SMS bodies,
 * carry full numbers.
 * Lines are written asynchronously (the audit trail is the database, not the log).
 */
import { pino, type Logger } from "pino";

const redact = ["password", "secret", "*.password", "*.secret", "req.headers.authorization", "req.headers.cookie", "token", "*.token"];

export function createLogger(level: string): Logger {
  if (process.stdout.isTTY) {
    return pino({ level, redact, transport: { target: "pino-pretty", options: { colorize: true, translateTime: "HH:MM:ss.l", ignore: "pid,hostname", destination: 2 } } });
  }
  // Written off the event loop, so that a busy second's lines are not each a write on the thread
  // that acks the alarms; pino writes what is left synchronously when the process exits.
  return pino({ level, redact }, pino.destination({ dest: 1, sync: false }));
}
