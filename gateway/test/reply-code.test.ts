import { describe, expect, it } from "vitest";
import { parseReply, replyTarget } from "../src/engine/reply-code";

describe("parseReply", () => {
  it("reads the reply code in every way a phone writes it", () => {
    for (const body of ["1 #12", "1#12", "#12 1", "１ ＃12", "＃１２　１", " 1 # 12 ", "1 #12 on my way", "1#12我马上到"]) {
      expect(parseReply(body), body).toEqual({ digit: "1", alertId: 12 });
    }
    expect(parseReply("2 #15")).toEqual({ digit: "2", alertId: 15 });
  });
  it("a bare 1 or 2, maybe with words after it", () => {
    expect(parseReply("1")).toEqual({ digit: "1", alertId: null });
    expect(parseReply("１")).toEqual({ digit: "1", alertId: null });
    expect(parseReply("1 我马上到")).toEqual({ digit: "1", alertId: null });
    expect(parseReply("2")).toEqual({ digit: "2", alertId: null });
  });
  it("anything else is no answer (never a longer number read as a 1)", () => {
    for (const body of ["12点到", "#12", "3", "ok", "", "1 2", "#121", "13 #12"]) expect(parseReply(body), body).toBeNull();
  });
});

describe("replyTarget", () => {
  it("a code names the alert, if this number was texted about it", () => {
    expect(replyTarget({ digit: "1", alertId: 12 }, [12, 15])).toEqual({ type: "alert", alertId: 12 });
    expect(replyTarget({ digit: "1", alertId: 13 }, [12, 15])).toEqual({ type: "none" });
  });
  it("a bare 1 with one live alert claims it; with two or more asks which, never guesses", () => {
    expect(replyTarget({ digit: "1", alertId: null }, [12, 12])).toEqual({ type: "alert", alertId: 12 });
    expect(replyTarget({ digit: "1", alertId: null }, [15, 12, 15])).toEqual({ type: "ask", alertIds: [12, 15] });
    expect(replyTarget({ digit: "1", alertId: null }, [])).toEqual({ type: "none" });
  });
});
