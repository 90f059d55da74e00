/**
 * One household on the admin households page: its residents, its contacts in call order and its
 * devices, with the administrator's changes (edit, add, delete, maintenance, move a device). The
 * card reads itself again after each change, so what it shows is what the gateway stored.
 */
import { api } from "../api";
import { dateTime, h, mount } from "../dom";
import { t } from "../i18n";
import { fetchAll } from "../paged";
import { toast } from "../toast";
import { adminForm, confirmed, type Field, type Values } from "./admin-form";
import {
  contactFields, householdFields, langName, moveFields, residentFields, say,
  type Contact, type Device, type Household, type Resident,
} from "./admin-household-forms";
import { failureText } from "./admin-http";

export interface Full { household: Household; residents: Resident[]; contacts: Contact[]; devices: Device[] }

export interface CardContext {
  admin: boolean;
  /** The households of the list: where a device may move to. */
  households(): Household[];
  /** A household's devices (administrators read the registry, others the health board). */
  devicesOf(householdId: number): Promise<Device[]>;
  /** The provisioning page with this device's rotate / revoke ready. */
  deviceHref(deviceId: string): string;
  removed(householdId: number): void;
}

export async function loadFull(household: Household, cx: CardContext): Promise<Full> {
  const [residents, contacts, devices] = await Promise.all([
    fetchAll<Resident>(`/api/residents?householdId=${household.id}`),
    fetchAll<Contact>(`/api/contacts?householdId=${household.id}`),
    cx.devicesOf(household.id),
  ]);
  return { household, residents, contacts: [...contacts].sort((a, b) => a.priority - b.priority || a.id - b.id), devices };
}

const yes = (b: boolean) => (b ? t("adYes") : "—");
const cells = (...xs: (Node | string | number | null | undefined)[]) => xs.map((x) => h("td", {}, x ?? "—"));

export function householdCard(first: Full, cx: CardContext): HTMLElement {
  const card = h("article", { class: "hh-card", "data-household-id": first.household.id, "data-room": first.household.room });
  const formSlot = h("div", { class: "hh-form" });
  let full = first;

  const refresh = async () => {
    const household = await api<Household>("GET", `/api/households/${full.household.id}`);
    full = await loadFull(household, cx);
    render();
  };
  /** Runs a change, then reads the card again; a refusal is said in a toast with the server's reason. */
  const change = (f: () => Promise<unknown>, done?: string) => () => void f()
    .then(() => {
      if (done) toast(done);
      return refresh();
    })
    .catch((err: unknown) => toast(failureText(err), "error"));
  const open = (id: string, fields: Field[], submit: "adSave" | "adCreate" | "adMove", onSubmit: (v: Values) => Promise<unknown>) => {
    mount(formSlot, adminForm({
      id, fields, submit, onCancel: () => mount(formSlot, ""),
      onSubmit: async (v) => {
        await onSubmit(v);
        mount(formSlot, "");
        await refresh();
      },
    }));
    formSlot.querySelector<HTMLElement>("input, select, textarea")?.focus();
  };
  const btn = (label: string, action: string, onclick: () => void, cls = "btn link") =>
    cx.admin ? h("button", { class: cls, type: "button", "data-do": action, onclick }, label) : null;

  const residentRow = (r: Resident) => h("tr", { "data-resident-id": r.id },
    cells(r.name, r.age, langName(r.language), r.phone, r.medical, r.mobility),
    cx.admin ? h("td", { class: "row-actions" },
      btn(t("adEdit"), "edit-resident", () => open(`edit-resident-${r.id}`, residentFields(r), "adSave", (v) => api("PATCH", `/api/residents/${r.id}`, v))),
      btn(t("adDelete"), "delete-resident", change(async () => {
        if (confirmed(t("adConfirmDelete", { what: r.name }))) await api("DELETE", `/api/residents/${r.id}`);
      }))) : null);

  const contactRow = (c: Contact) => h("tr", { "data-contact-id": c.id },
    cells(c.priority, c.name, h("span", { class: "phone" }, c.phone), say(`rel_${c.relation}`, c.relation), t(`adCr_${c.role}`), yes(c.hasKey), langName(c.language)),
    cx.admin ? h("td", { class: "row-actions" },
      btn(t("adEdit"), "edit-contact", () => open(`edit-contact-${c.id}`, contactFields(c), "adSave", (v) => api("PATCH", `/api/contacts/${c.id}`, v))),
      btn(t("adDelete"), "delete-contact", change(async () => {
        if (confirmed(t("adConfirmDelete", { what: c.name }))) await api("DELETE", `/api/contacts/${c.id}`);
      }))) : null);

  const deviceRow = (d: Device) => {
    const inMaintenance = !!d.maintenanceAt;
    return h("tr", { "data-device-id": d.id, class: inMaintenance ? "in-maintenance" : "" },
      cells(d.id, say(`d_${d.type}`, d.type),
        h("span", { class: `badge ${d.online ? "h-online" : "h-offline"}` }, t(d.online ? "h_online" : "h_offline")),
        d.battery === null ? null : `${d.battery}%`, dateTime(d.lastSeenAt)),
      cx.admin ? h("td", {}, inMaintenance ? h("span", { class: "badge maint" }, t("adMaintSince", { t: dateTime(d.maintenanceAt) })) : "—") : null,
      cx.admin ? h("td", { class: "row-actions" },
        btn(t(inMaintenance ? "adMaintOff" : "adMaintOn"), "device-maintenance",
          change(() => api("POST", `/api/devices/${encodeURIComponent(d.id)}/maintenance`, { on: !inMaintenance }), t(inMaintenance ? "adMaintOffDone" : "adMaintOnDone"))),
        btn(t("adMove"), "move-device", () => open(`move-${d.id}`, moveFields(cx.households(), full.household.id), "adMove", async (v) => {
          const target = (v.otherId as number | undefined) ?? (v.target ? Number(v.target) : undefined);
          if (!target) throw new Error(t("adChooseHousehold"));
          await api("PATCH", `/api/devices/${encodeURIComponent(d.id)}`, { householdId: target });
          toast(t("adMoved", { id: d.id }));
        })),
        h("a", { class: "btn link", href: cx.deviceHref(d.id), "data-do": "device-secret" }, t("adRotateRevoke"))) : null);
  };

  const section = (title: string, head: string[], rows: HTMLElement[], add: HTMLElement | null, cls: string) =>
    h("section", { class: `hh-part ${cls}` }, h("h4", {}, title, add),
      rows.length ? h("table", { class: "grid-table compact" }, h("thead", {}, h("tr", {}, head.map((x) => h("th", {}, x)), cx.admin ? h("th", {}) : null)), h("tbody", {}, rows))
        : h("p", { class: "muted" }, t("adNone")));

  const render = () => {
    const x = full.household;
    const maint = !!x.maintenanceAt;
    card.dataset.room = x.room;
    card.classList.toggle("in-maintenance", maint);
    mount(card,
      h("header", { class: "hh-head" },
        h("b", { class: "hh-room" }, x.room), x.name ? h("span", { class: "hh-name" }, x.name) : null,
        x.livesAlone ? h("span", { class: "badge" }, t("adLivesAlone")) : null,
        maint ? h("span", { class: "badge maint" }, t("adMaintSince", { t: dateTime(x.maintenanceAt) })) : null,
        h("span", { class: "hh-actions" },
          btn(t("adEdit"), "edit-household", () => open(`edit-household-${x.id}`, householdFields(x), "adSave", (v) => api("PATCH", `/api/households/${x.id}`, v))),
          btn(t(maint ? "adMaintOff" : "adMaintOn"), "household-maintenance",
            change(() => api("POST", `/api/households/${x.id}/maintenance`, { on: !maint }), t(maint ? "adMaintOffDone" : "adMaintOnDone"))),
          btn(t("adDelete"), "delete-household", () => {
            if (!confirmed(t("adConfirmDelete", { what: x.room }))) return;
            api("DELETE", `/api/households/${x.id}`).then(() => cx.removed(x.id)).catch((err: unknown) => toast(failureText(err), "error"));
          }))),
      x.notes ? h("p", { class: "notes" }, x.notes) : null,
      section(t("residents"), [t("adName"), t("adAge"), t("adLanguage"), t("rcPhone"), t("rcMedical"), t("rcMobility")],
        full.residents.map(residentRow),
        btn(`+ ${t("adAddResident")}`, "add-resident", () => open(`add-resident-${x.id}`, residentFields(), "adCreate", (v) => api("POST", "/api/residents", { ...v, householdId: x.id }))), "hh-residents"),
      section(t("adContacts"), [t("adPriority"), t("adName"), t("rcPhone"), t("adRelation"), t("adContactRole"), t("hasKey"), t("adLanguage")],
        full.contacts.map(contactRow),
        btn(`+ ${t("adAddContact")}`, "add-contact", () => open(`add-contact-${x.id}`, contactFields(), "adCreate", (v) => api("POST", "/api/contacts", { ...v, householdId: x.id }))), "hh-contacts"),
      section(t("adDevices"), [t("colDevice"), t("colType"), t("colState"), t("colBattery"), t("lastSeen"), ...(cx.admin ? [t("adMaintenance")] : [])],
        full.devices.map(deviceRow), null, "hh-devices"),
      formSlot);
  };
  render();
  return card;
}
