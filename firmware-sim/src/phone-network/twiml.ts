/**
 * Just enough of a TwiML reader for the verbs our gateway uses: Say, Gather (with nested Say / Pause /
 * Play), Pause, Play, Redirect, Hangup, Reject. Unknown verbs are kept as `other` and skipped.
 */

export interface SayVerb { verb: "say"; text: string; language?: string; voice?: string }
export interface PauseVerb { verb: "pause"; lengthS: number }
export interface PlayVerb { verb: "play"; url: string }
export interface GatherVerb {
  verb: "gather";
  action?: string;
  method: "GET" | "POST";
  numDigits?: number;
  timeoutS: number;
  actionOnEmptyResult: boolean;
  prompts: (SayVerb | PauseVerb | PlayVerb)[];
}
export interface RedirectVerb { verb: "redirect"; url: string; method: "GET" | "POST" }
export interface EndVerb { verb: "hangup" | "reject" }
export interface OtherVerb { verb: "other"; name: string }
export type Verb = SayVerb | PauseVerb | PlayVerb | GatherVerb | RedirectVerb | EndVerb | OtherVerb;

interface Node {
  name: string;
  attrs: Record<string, string>;
  children: Node[];
  text: string;
}

export class TwimlError extends Error {
  readonly code = 12100; // Twilio: "Document parse failure"
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decode(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (m, e: string) => {
    if (e[0] === "#") return String.fromCodePoint(e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    return ENTITIES[e] ?? m;
  });
}

function attributes(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of s.matchAll(/([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) out[m[1]!] = decode(m[2] ?? m[3] ?? "");
  return out;
}

/** A tolerant tree builder: tags, text, CDATA; comments, processing instructions and doctypes dropped. */
function tree(xml: string): Node {
  const root: Node = { name: "#root", attrs: {}, children: [], text: "" };
  const stack: Node[] = [root];
  const re = /<!\[CDATA\[([\s\S]*?)\]\]>|<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!DOCTYPE[^>]*>|<(\/?)([\w:-]+)([^>]*?)(\/?)>|([^<]+)/gi;
  for (const m of xml.matchAll(re)) {
    const top = stack.at(-1)!;
    if (m[1] !== undefined) top.text += m[1];
    else if (m[6] !== undefined) top.text += decode(m[6]);
    else if (m[3] !== undefined) {
      if (m[2] === "/") {
        if (stack.length > 1 && top.name === m[3]) stack.pop();
        else throw new TwimlError(`unexpected </${m[3]}>`);
      } else {
        const node: Node = { name: m[3], attrs: attributes(m[4] ?? ""), children: [], text: "" };
        top.children.push(node);
        if (m[5] !== "/") stack.push(node);
      }
    }
  }
  if (stack.length !== 1) throw new TwimlError(`<${stack.at(-1)!.name}> is not closed`);
  return root;
}

const method = (s: string | undefined): "GET" | "POST" => (s?.toUpperCase() === "GET" ? "GET" : "POST");
const num = (s: string | undefined, dflt: number): number => (s !== undefined && Number.isFinite(Number(s)) ? Number(s) : dflt);

function verb(n: Node): Verb {
  switch (n.name) {
    case "Say": {
      const v: SayVerb = { verb: "say", text: n.text.trim() };
      if (n.attrs.language) v.language = n.attrs.language;
      if (n.attrs.voice) v.voice = n.attrs.voice;
      return v;
    }
    case "Pause": return { verb: "pause", lengthS: num(n.attrs.length, 1) };
    case "Play": return { verb: "play", url: n.text.trim() };
    case "Redirect": return { verb: "redirect", url: n.text.trim(), method: method(n.attrs.method) };
    case "Hangup": return { verb: "hangup" };
    case "Reject": return { verb: "reject" };
    case "Gather": {
      const prompts = n.children.map(verb).filter((c): c is SayVerb | PauseVerb | PlayVerb => c.verb === "say" || c.verb === "pause" || c.verb === "play");
      const g: GatherVerb = {
        verb: "gather",
        method: method(n.attrs.method),
        timeoutS: num(n.attrs.timeout, 5), // Twilio's default
        actionOnEmptyResult: n.attrs.actionOnEmptyResult === "true",
        prompts,
      };
      if (n.attrs.action) g.action = n.attrs.action;
      if (n.attrs.numDigits) g.numDigits = num(n.attrs.numDigits, 1);
      return g;
    }
    default: return { verb: "other", name: n.name };
  }
}

export function parseTwiml(xml: string): Verb[] {
  const response = tree(xml).children.find((n) => n.name === "Response");
  if (!response) throw new TwimlError("no <Response> element");
  return response.children.map(verb);
}
