/**
 * Device credentials: a device for every household of a unit or a building at once, handed over as
 * the installer's CSV sheet; and one device's new secret (rotation) or its end (revocation). A secret
 * exists in clear only in the gateway's answer: this page offers it once, as a file made in the
 * browser, and forgets it when the page is left.
 */
import { h, mount } from "../dom";
import { t } from "../i18n";
import { toast } from "../toast";
import { confirmed } from "./admin-form";
import { failureText, send, sendJson } from "./admin-http";
import { keepInUrl, placePicker } from "./admin-places";
import type { View, ViewContext } from "./view";

/** Records of an RFC 4180 text (a quoted cell may hold a line break), the header not counted. */
function csvRecords(text: string): number {
  let n = 0;
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (ch === "\n" && !quoted) n++;
  }
  return Math.max(0, n - 1);
}

const fileNameOf = (res: Response, fallback: string) => /filename="([^"]+)"/.exec(res.headers.get("content-disposition") ?? "")?.[1] ?? fallback;

export function adminProvision(_ctx: ViewContext, params: URLSearchParams): View {
  const picker = placePicker({ depth: 3, params });
  const type = h("select", { id: "provision-type", "aria-label": t("colType") }, (["button", "stb"] as const).map((d) => h("option", { value: d }, t(`d_${d}`))));
  const rooms = h("input", { id: "provision-rooms", placeholder: t("adRoomsHint"), size: 24 });
  const replace = h("input", { type: "checkbox", id: "provision-replace" });
  const forUnit = h("button", { class: "btn primary", type: "button", id: "provision-unit" }, t("adProvisionUnit"));
  const forBuilding = h("button", { class: "btn", type: "button", id: "provision-building" }, t("adProvisionBuilding"));
  const out = h("div", { class: "provision-out", id: "provision-out" });
  const deviceId = h("input", { id: "device-id", placeholder: t("adDeviceIdHint"), value: params.get("device") ?? "", size: 28 });
  const rotate = h("button", { class: "btn", type: "button", id: "device-rotate" }, t("adRotate"));
  const revoke = h("button", { class: "btn danger", type: "button", id: "device-revoke" }, t("adRevoke"));
  const single = h("div", { class: "provision-out", id: "device-out" });
  const urls: string[] = [];

  /** A download link for text made here; its address is dropped when the page goes. */
  const download = (text: string, name: string, type: string, id: string) => {
    const url = URL.createObjectURL(new Blob([text], { type }));
    urls.push(url);
    return h("a", { class: "btn good", href: url, download: name, id }, t("adDownload", { name }));
  };
  const onceNote = () => h("p", { class: "secret-note", role: "note" }, t("adSecretsOnce"));

  const sync = () => {
    const p = picker.picked();
    forUnit.disabled = !p.unitId;
    forBuilding.disabled = !p.buildingId;
  };

  const provision = async (at: { unitId: number } | { buildingId: number }) => {
    if (replace.checked && !confirmed(t("adConfirmReplace"))) return;
    forUnit.disabled = forBuilding.disabled = true;
    mount(out, h("p", { class: "muted", role: "status" }, t("adProvisioning")));
    try {
      const res = await send("POST", "/api/devices/bulk", {
        json: { ...at, type: type.value, ...(rooms.value.trim() ? { rooms: rooms.value.trim() } : {}), replace: replace.checked },
        headers: { accept: "text/csv" },
      });
      const text = await res.text();
      const n = csvRecords(text);
      mount(out, n === 0
        ? h("p", { id: "provision-none" }, t("adProvisionNone"))
        : h("div", { id: "provision-result", "data-count": n },
          h("p", {}, t("adProvisioned", { n })), onceNote(),
          download(text, fileNameOf(res, "devices.csv"), "text/csv;charset=utf-8", "credentials-download")));
    } catch (err) {
      mount(out, h("p", { class: "error", role: "alert" }, failureText(err)));
    } finally {
      sync();
    }
  };

  const theDevice = () => {
    const id = deviceId.value.trim();
    if (!id) toast(t("adDeviceIdHint"), "warn");
    return id;
  };
  rotate.addEventListener("click", () => {
    const id = theDevice();
    if (!id || !confirmed(t("adConfirmRotate", { id }))) return;
    sendJson<{ id: string; secret: string; mqtt: { url: string } }>("POST", `/api/devices/${encodeURIComponent(id)}/rotate-secret`)
      .then((d) => mount(single, h("div", { id: "rotated", "data-device-id": d.id },
        h("p", {}, t("adRotated", { id: d.id })),
        h("p", {}, h("code", { class: "secret" }, d.secret)), onceNote(),
        // the credentials file `pnpm sim press --credentials` reads: the gateway's answer as it came
        download(`${JSON.stringify(d, null, 2)}\n`, `${d.id}.json`, "application/json", "rotated-download"))))
      .catch((err: unknown) => mount(single, h("p", { class: "error", role: "alert" }, failureText(err))));
  });
  revoke.addEventListener("click", () => {
    const id = theDevice();
    if (!id || !confirmed(t("adConfirmRevoke", { id }))) return;
    send("DELETE", `/api/devices/${encodeURIComponent(id)}`)
      .then(() => mount(single, h("p", { id: "revoked", "data-device-id": id }, t("adRevoked", { id }))))
      .catch((err: unknown) => mount(single, h("p", { class: "error", role: "alert" }, failureText(err))));
  });

  forUnit.addEventListener("click", () => {
    const unitId = picker.picked().unitId;
    if (unitId) void provision({ unitId });
  });
  forBuilding.addEventListener("click", () => {
    const buildingId = picker.picked().buildingId;
    if (buildingId && confirmed(t("adConfirmBuilding"))) void provision({ buildingId });
  });
  picker.onChange((p) => {
    keepInUrl("admin-provision", p, { device: deviceId.value.trim() });
    mount(out, "");
    sync();
  });
  sync();

  return {
    el: h("section", { class: "view admin-provision" },
      h("h3", {}, t("adProvisionTitle")), h("p", { class: "muted" }, t("adProvisionHint")),
      picker.el,
      h("div", { class: "filters" },
        h("label", {}, t("colType"), type), h("label", {}, t("adRooms"), rooms),
        h("label", { class: "check" }, replace, t("adReplace")), forUnit, forBuilding),
      out,
      h("h3", {}, t("adOneDevice")),
      h("div", { class: "filters" }, h("label", {}, t("colDevice"), deviceId), rotate, revoke),
      single),
    destroy: () => urls.forEach((u) => URL.revokeObjectURL(u)),
  };
}
