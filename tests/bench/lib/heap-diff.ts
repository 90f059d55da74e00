/**
 * What a heap grew by between two V8 heap snapshots, grouped by object kind (node type and
 * constructor name), per added connection: where the broker's memory per device goes.
 */
import { readFileSync } from "node:fs";

export interface HeapRow {
  /** "object:Client", "closure:deliverQoS", "array:(object properties)", "string", … */
  kind: string;
  bytesPer: number;
  objectsPer: number;
}

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
  nodes: number[];
  strings: string[];
}

function byKind(file: string): Map<string, { objects: number; bytes: number }> {
  const s = JSON.parse(readFileSync(file, "utf8")) as Snapshot;
  const fields = s.snapshot.meta.node_fields;
  const width = fields.length;
  const [typeAt, nameAt, sizeAt] = ["type", "name", "self_size"].map((f) => fields.indexOf(f)) as [number, number, number];
  const types = s.snapshot.meta.node_types[0];
  const out = new Map<string, { objects: number; bytes: number }>();
  for (let i = 0; i < s.nodes.length; i += width) {
    const type = types[s.nodes[i + typeAt]!]!;
    // strings and code are named by their content: one row each
    const kind = type.includes("string") ? "string" : type === "code" ? "code" : `${type}:${s.strings[s.nodes[i + nameAt]!]!.slice(0, 50)}`;
    const row = out.get(kind) ?? { objects: 0, bytes: 0 };
    row.objects += 1;
    row.bytes += s.nodes[i + sizeAt]!;
    out.set(kind, row);
  }
  return out;
}

/** Rows sorted by bytes per connection, largest first; `n` = connections added between the snapshots. */
export function heapGrowth(before: string, after: string, n: number): HeapRow[] {
  const a = byKind(before);
  const rows: HeapRow[] = [];
  for (const [kind, b] of byKind(after)) {
    const prior = a.get(kind) ?? { objects: 0, bytes: 0 };
    rows.push({ kind, bytesPer: (b.bytes - prior.bytes) / n, objectsPer: (b.objects - prior.objects) / n });
  }
  return rows.sort((x, y) => y.bytesPer - x.bytesPer);
}
