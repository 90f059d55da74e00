/**
 * The bytes of an uploaded spreadsheet as text. Spreadsheets in China save CSV as UTF-8 (often with
 * a byte-order mark) or as GBK, the system code page of Chinese Windows: `auto` reads valid UTF-8 as
 * UTF-8 and anything else as GBK.
 */
import iconv from "iconv-lite";

export type Encoding = "auto" | "utf-8" | "gbk";
export type Decoded = { ok: true; text: string; encoding: "utf-8" | "gbk" } | { ok: false; reason: string };

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export function decodeCsv(bytes: Buffer, asked: Encoding): Decoded {
  // "Unicode text" from a spreadsheet is UTF-16 (and tab-separated): neither reading would be right
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    return { ok: false, reason: "the file is UTF-16 (\"Unicode text\"): save it as \"CSV UTF-8\" or \"CSV\" instead" };
  }
  const bom = bytes.subarray(0, 3).equals(UTF8_BOM);
  if (asked === "gbk") return gbk(bytes);
  const body = bom ? bytes.subarray(3) : bytes;
  try {
    return { ok: true, text: new TextDecoder("utf-8", { fatal: true }).decode(body), encoding: "utf-8" };
  } catch {
    if (asked === "utf-8") return { ok: false, reason: "the file is not valid UTF-8: save it as \"CSV UTF-8\", or send encoding=gbk (or auto) for a GBK file" };
    return gbk(bytes);
  }
}

function gbk(bytes: Buffer): Decoded {
  const text = iconv.decode(bytes, "gbk");
  // GBK has no U+FFFD: one in the text is a byte sequence GBK does not have either
  if (text.includes("\uFFFD")) return { ok: false, reason: "the file is neither UTF-8 nor GBK: save it as \"CSV UTF-8\"" };
  return { ok: true, text, encoding: "gbk" };
}
