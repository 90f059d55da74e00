/**
 * Importing a community from a spreadsheet (docs/csv-import.md): choose the community and the CSV
 * file, run the dry run, read its report (what would be created; every bad row with its line, column
 * and reason), then import for real. "Import" is possible only after a dry run of the same file,
 * encoding and community found no bad row; the real run writes everything or nothing.
 */
import { h, mount } from "../dom";
import { currentLang, t, type StringKey } from "../i18n";
import { importIssueText, type ImportIssue } from "@helpkey/shared/import-texts";
import { failureText, send } from "./admin-http";
import { keepInUrl, placePicker } from "./admin-places";
import type { View, ViewContext } from "./view";

interface ImportError { line: number; field: string; column?: string; reason: string; issue?: ImportIssue }
interface ImportReport {
  communityId: number; dryRun: boolean; applied: boolean; encoding: string; rows: number;
  buildings: number; units: number; households: number; residents: number; contacts: number; livesAlone: number;
  ignoredColumns: string[]; errors: ImportError[]; errorCount: number;
}

const counted = ["rows", "buildings", "units", "households", "residents", "contacts", "livesAlone"] as const;
const countLabel: Record<(typeof counted)[number], StringKey> = {
  rows: "adRows", buildings: "adBuildings", units: "adUnits", households: "adHouseholds", residents: "residents", contacts: "adContactsN", livesAlone: "adLivesAlone",
};

function reportView(r: ImportReport): HTMLElement {
  const heading = r.applied ? t("adImported") : r.errorCount > 0 ? t("adDryRunBad", { n: r.errorCount }) : t("adDryRunGood");
  return h("div", { class: `import-report ${r.errorCount > 0 ? "bad" : "good"}`, id: "import-report", "data-applied": String(r.applied), "data-errors": r.errorCount },
    h("h3", {}, heading),
    h("table", { class: "grid-table compact counts-table" },
      h("thead", {}, h("tr", {}, counted.map((k) => h("th", {}, t(countLabel[k]))))),
      h("tbody", {}, h("tr", {}, counted.map((k) => h("td", { "data-count": k }, r[k]))))),
    h("p", { class: "muted" }, t("adEncodingRead", { enc: r.encoding.toUpperCase() }),
      r.ignoredColumns.length ? ` · ${t("adIgnored", { cols: r.ignoredColumns.join("、") })}` : ""),
    r.errors.length ? h("table", { class: "grid-table compact import-errors", id: "import-errors" },
      h("thead", {}, h("tr", {}, [t("adLine"), t("adColumn"), t("adReason")].map((x) => h("th", {}, x)))),
      h("tbody", {}, r.errors.map((e) => h("tr", { "data-line": e.line }, h("td", {}, e.line), h("td", {}, e.column ?? e.field), h("td", {}, e.issue ? importIssueText(e.issue, currentLang()) : e.reason))))) : null,
    r.errorCount > r.errors.length ? h("p", { class: "muted" }, t("adMoreErrors", { shown: r.errors.length, n: r.errorCount })) : null);
}

export function adminImport(_ctx: ViewContext, params: URLSearchParams): View {
  const picker = placePicker({ depth: 1, create: true, params });
  const file = h("input", { type: "file", id: "import-file", accept: ".csv,text/csv" });
  const encoding = h("select", { id: "import-encoding", "aria-label": t("adEncoding") },
    ([["auto", "adEncAuto"], ["utf-8", "adEncUtf8"], ["gbk", "adEncGbk"]] as const).map(([v, k]) => h("option", { value: v }, t(k))));
  const dryRun = h("button", { class: "btn primary", type: "button", id: "import-dry-run" }, t("adDryRun"));
  const run = h("button", { class: "btn good", type: "button", id: "import-run", disabled: true }, t("adImport"));
  const out = h("div", { class: "import-out", id: "import-out" });
  /** What the last clean dry run was of: the real run is offered only for exactly that. */
  let cleared: { file: File; encoding: string; communityId: number } | null = null;

  const chosen = () => {
    const f = file.files?.[0];
    const communityId = picker.picked().communityId;
    return f && communityId ? { file: f, encoding: encoding.value, communityId } : null;
  };
  const sync = () => {
    const c = chosen();
    dryRun.disabled = !c;
    run.disabled = !(c && cleared && c.file === cleared.file && c.encoding === cleared.encoding && c.communityId === cleared.communityId);
  };
  const invalidate = () => {
    cleared = null;
    mount(out, "");
    sync();
  };

  const post = async (dry: boolean) => {
    const c = chosen();
    if (!c) return;
    dryRun.disabled = run.disabled = true;
    mount(out, h("p", { class: "muted", role: "status" }, dry ? t("adChecking") : t("adImporting")));
    try {
      const res = await send("POST", `/api/communities/${c.communityId}/import?dryRun=${dry}&encoding=${c.encoding}`,
        { raw: c.file, headers: { "content-type": "text/csv" }, accept: [422] });
      const body = (await res.json()) as ImportReport | { report: ImportReport };
      const report = "report" in body ? body.report : body;
      cleared = dry && report.errorCount === 0 ? c : null;
      mount(out, reportView(report), report.applied
        ? h("p", {}, h("a", { href: `#/admin-households?community=${c.communityId}`, id: "import-see-households" }, t("adSeeHouseholds"))) : null);
    } catch (err) {
      cleared = null;
      mount(out, h("p", { class: "error", role: "alert", id: "import-failed" }, failureText(err)));
    } finally {
      sync();
    }
  };

  file.addEventListener("change", invalidate);
  encoding.addEventListener("change", invalidate);
  dryRun.addEventListener("click", () => void post(true));
  run.addEventListener("click", () => void post(false));
  picker.onChange((p) => {
    keepInUrl("admin-import", p);
    invalidate();
  });
  sync();

  return {
    el: h("section", { class: "view admin-import" },
      h("p", { class: "muted" }, t("adImportHint")),
      picker.el,
      h("div", { class: "filters" },
        h("label", {}, t("adCsvFile"), file),
        h("label", {}, t("adEncoding"), encoding),
        dryRun, run),
      out),
  };
}
