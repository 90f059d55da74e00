/**
 * The admin pages' forms: labelled fields, a submit and a cancel, and the gateway's 400 shown next to
 * the field it names (a phone number the server could not read says so under the phone box, with its
 * example). Values come out typed: numbers as numbers, checkboxes as booleans, a blank field left out.
 */
import { ApiError } from "../api";
import { h, mount } from "../dom";
import { t, type StringKey } from "../i18n";
import { failureText } from "./admin-http";

export type FieldKind = "text" | "number" | "password" | "select" | "checkbox" | "textarea" | "checks";

export interface Field {
  name: string;
  label: StringKey;
  kind?: FieldKind;
  /** select and checks: [value, label] pairs. */
  options?: readonly (readonly [string, string])[];
  value?: string | number | boolean | readonly (string | number)[] | null;
  required?: boolean;
  placeholder?: string;
  /** A blank sends "" (a note cleared on edit) instead of leaving the field out. */
  clearable?: boolean;
  min?: number;
  max?: number;
  /** text: values offered while typing ([value, words]); anything else may still be typed. */
  suggest?: readonly (readonly [string, string])[];
  /** Shown only when this returns true for the form's current values (a role's communities). */
  showIf?: (values: Values) => boolean;
}

export type Values = Record<string, unknown>;

export interface FormOptions {
  id: string;
  fields: Field[];
  submit: StringKey;
  onSubmit(values: Values): Promise<void>;
  onCancel?(): void;
}

let suggestions = 0;

function control(f: Field): HTMLElement {
  const common = { name: f.name, required: f.required ?? false };
  switch (f.kind ?? "text") {
    case "select":
      return h("select", common, (f.options ?? []).map(([v, label]) => h("option", { value: v, selected: String(f.value ?? "") === v }, label)));
    case "checkbox":
      return h("input", { ...common, type: "checkbox", checked: f.value === true, required: false });
    case "textarea":
      return h("textarea", { ...common, rows: 2, placeholder: f.placeholder }, String(f.value ?? ""));
    case "checks": {
      const on = new Set((Array.isArray(f.value) ? f.value : []).map(String));
      return h("span", { class: "checks", "data-checks": f.name },
        (f.options ?? []).map(([v, label]) => h("label", { class: "check" }, h("input", { type: "checkbox", value: v, checked: on.has(v) }), label)));
    }
    default: {
      const input = h("input", {
        ...common, type: f.kind === "number" ? "number" : f.kind === "password" ? "password" : "text",
        value: f.value === null || f.value === undefined ? "" : String(f.value), placeholder: f.placeholder,
        min: f.min, max: f.max, autocomplete: f.kind === "password" ? "new-password" : "off",
      });
      if (!f.suggest) return input;
      const list = h("datalist", { id: `suggest-${++suggestions}` }, f.suggest.map(([v, words]) => h("option", { value: v }, words)));
      input.setAttribute("list", list.id);
      return h("span", { class: "suggest" }, input, list);
    }
  }
}

function read(form: HTMLFormElement, fields: Field[]): Values {
  const out: Values = {};
  for (const f of fields) {
    const kind = f.kind ?? "text";
    if (kind === "checks") {
      const box = form.querySelector(`[data-checks="${f.name}"]`);
      out[f.name] = Array.from(box?.querySelectorAll<HTMLInputElement>("input:checked") ?? []).map((i) => (/^\d+$/.test(i.value) ? Number(i.value) : i.value));
      continue;
    }
    const el = form.elements.namedItem(f.name) as HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement | null;
    if (!el) continue;
    if (kind === "checkbox") out[f.name] = (el as HTMLInputElement).checked;
    else if (el.value.trim() === "") {
      if (f.clearable) out[f.name] = "";
    } else out[f.name] = kind === "number" ? Number(el.value) : kind === "password" ? el.value : el.value.trim();
  }
  return out;
}

/** The server's words without the field's name in front: they are shown under that field. */
const withoutField = (message: string, field: string) => (message.startsWith(`${field}: `) ? message.slice(field.length + 2) : message);

export function adminForm(o: FormOptions): HTMLFormElement {
  const general = h("p", { class: "error form-error", role: "alert" });
  const rows = o.fields.map((f) => h("label", { class: `field field-${f.kind ?? "text"}`, "data-field": f.name },
    h("span", {}, t(f.label)), control(f), h("small", { class: "field-error error", "data-error-for": f.name, role: "alert" })));
  const submit = h("button", { class: "btn primary", type: "submit" }, t(o.submit));
  const form = h("form", { class: "admin-form", id: o.id, novalidate: true },
    h("div", { class: "fields" }, rows), general,
    h("div", { class: "form-buttons" }, submit, o.onCancel ? h("button", { class: "btn", type: "button", onclick: o.onCancel }, t("adCancel")) : null));

  const clearErrors = () => {
    mount(general, "");
    form.querySelectorAll(".field-error").forEach((e) => mount(e, ""));
  };
  const applyShowIf = () => {
    const values = read(form, o.fields);
    o.fields.forEach((f, i) => {
      if (f.showIf) rows[i]!.hidden = !f.showIf(values);
    });
  };
  form.addEventListener("change", applyShowIf);
  applyShowIf();

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    clearErrors();
    const values = read(form, o.fields);
    for (const f of o.fields) if (f.showIf && !f.showIf(values)) delete values[f.name];
    const missing = o.fields.filter((f) => f.required && (values[f.name] === undefined || values[f.name] === "") && !(f.showIf && !f.showIf(values)));
    if (missing.length) {
      for (const f of missing) mount(form.querySelector(`[data-error-for="${f.name}"]`)!, t("adRequired"));
      return;
    }
    submit.disabled = true;
    o.onSubmit(values)
      .catch((err: unknown) => {
        const slot = err instanceof ApiError && err.field ? form.querySelector(`[data-error-for="${err.field}"]`) : null;
        if (slot && err instanceof ApiError) mount(slot, err.phone ? err.message : t("adFieldInvalid", { why: withoutField(err.serverMessage, err.field!) }));
        else mount(general, failureText(err));
      })
      .finally(() => (submit.disabled = false));
  });
  return form;
}

/** Asks before a change that cannot be undone from this page. */
export const confirmed = (question: string): boolean => confirm(question);
