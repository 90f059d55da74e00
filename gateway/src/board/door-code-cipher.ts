/**
 * Door codes at rest: AES-256-GCM under a key that lives beside the database, not in it, so a copy
 * of the database (a backup, a stolen disk image of the data file) opens no door. The key is
 * HK_DOOR_CODE_KEY (32 bytes, base64) or `door-code.key` in the data directory, made on first use.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const PREFIX = "v1:";

export class DoorCodeCipher {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error("the door-code key must be 32 bytes");
  }

  /** The configured key, else the data directory's key file (created with mode 0600). */
  static load(dataDir: string, configured: string | undefined): DoorCodeCipher {
    if (configured) return new DoorCodeCipher(Buffer.from(configured, "base64"));
    const file = path.join(dataDir, "door-code.key");
    if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString("base64") + "\n", { mode: 0o600, flag: "wx" });
    return new DoorCodeCipher(Buffer.from(readFileSync(file, "utf8").trim(), "base64"));
  }

  seal(code: string): string {
    const iv = randomBytes(12);
    const c = createCipheriv("aes-256-gcm", this.key, iv);
    const body = Buffer.concat([c.update(code, "utf8"), c.final()]);
    return PREFIX + [iv, c.getAuthTag(), body].map((b) => b.toString("base64url")).join(".");
  }

  /**
   * A sealed code in clear; a value stored before codes were sealed is returned as it is. Null when
   * it was sealed under another key (a database restored without its key file).
   */
  open(stored: string): string | null {
    if (!stored.startsWith(PREFIX)) return stored;
    try {
      const [iv, tag, body] = stored.slice(PREFIX.length).split(".").map((s) => Buffer.from(s, "base64url"));
      const d = createDecipheriv("aes-256-gcm", this.key, iv!);
      d.setAuthTag(tag!);
      return Buffer.concat([d.update(body!), d.final()]).toString("utf8");
    } catch {
      return null;
    }
  }

  isSealed(stored: string): boolean {
    return stored.startsWith(PREFIX);
  }
}
