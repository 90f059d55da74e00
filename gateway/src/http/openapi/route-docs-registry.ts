/** The registry's routes in the OpenAPI document: the directory, devices, help groups, districts, accounts, audit, import. */
import {
  auditQuerySchema, bulkProvisionSchema, createDeviceSchema, createDistrictSchema, createHelpGroupMemberSchema, createHelpGroupSchema,
  deviceIdParamSchema, districtDashboardQuerySchema, districtListQuerySchema, helpGroupListQuerySchema, helpGroupMemberListQuerySchema,
  helpGroupMemberParamSchema, idParamSchema, importQuerySchema, listQuerySchemas, maintenanceBodySchema, moveDeviceSchema,
  patchDistrictSchema, patchHelpGroupMemberSchema, patchHelpGroupSchema,
} from "@helpkey/shared";
import { kinds, type Kind } from "../../registry/registry-kinds";
import { createUserSchema, patchUserSchema, userListQuerySchema } from "../../users/roles";
import type { RouteDoc, RouteDocs } from "./route-doc";

const PAGED = "One page, as a JSON array; `limit` (1–500, default 100) and `cursor`; the header `x-next-cursor` is set while more rows follow.";

const kindNames: Record<Kind, { one: string; many: string; parent?: string }> = {
  communities: { one: "community", many: "communities" },
  buildings: { one: "building", many: "buildings", parent: "communityId" },
  units: { one: "unit", many: "units", parent: "buildingId" },
  households: { one: "household", many: "households", parent: "unitId" },
  residents: { one: "resident", many: "residents", parent: "householdId" },
  contacts: { one: "contact", many: "contacts", parent: "householdId" },
};

/** The directory's five routes per kind, from the same table of kinds the handlers are built from. */
function directoryDocs(): Record<string, RouteDoc> {
  const docs: Record<string, RouteDoc> = {};
  for (const kind of Object.keys(kinds) as Kind[]) {
    const def = kinds[kind];
    const { one, many, parent } = kindNames[kind];
    const tags = ["Directory"];
    const phones = def.phoneFields.length ? ` Phone numbers (${def.phoneFields.join(", ")}) are read in the community's country and stored as E.164.` : "";
    docs[`POST /api/${kind}`] = {
      summary: `Create a ${one}`, tags, body: def.create, status: 201, response: `the ${one}`,
      description: `${parent ? `The body names its parent (\`${parent}\`).` : ""}${phones} Audited.`.trim(),
    };
    docs[`GET /api/${kind}`] = { summary: `List ${many}`, tags, querystring: def.list, response: `${many} the caller sees`, description: PAGED };
    docs[`GET /api/${kind}/:id`] = { summary: `Read a ${one}`, tags, params: idParamSchema, response: `the ${one}`, description: `Another community's ${one} is 404.` };
    docs[`PATCH /api/${kind}/:id`] = { summary: `Change a ${one}`, tags, params: idParamSchema, body: def.patch, response: `the ${one}`, description: `Changes only the fields it names.${phones} Audited.` };
    docs[`DELETE /api/${kind}/:id`] = { summary: `Delete a ${one}`, tags, params: idParamSchema, status: 204, description: "409 `HK_CONFLICT` while records depend on it. Audited." };
  }
  return docs;
}

const devices = ["Devices"];
const helpGroups = ["Help groups"];
const districts = ["District"];
const accounts = ["Accounts"];

export const registryDocs: RouteDocs = {
  ...directoryDocs(),

  "POST /api/devices": {
    summary: "Provision a device for a household", tags: devices, body: createDeviceSchema, status: 201,
    response: "`{id, secret, mqtt: {url}}`: the secret is shown only here", description: "409 when the id exists. Audited (never the secret).",
  },
  "GET /api/devices": { summary: "List devices (never their secrets)", tags: devices, querystring: listQuerySchemas.devices, response: "devices", description: PAGED },
  "GET /api/devices/:id": { summary: "Read a device", tags: devices, params: deviceIdParamSchema, response: "the device" },
  "PATCH /api/devices/:id": {
    summary: "Move a device to another household", tags: devices, params: deviceIdParamSchema, body: moveDeviceSchema, response: "the device",
    description: "Its next press raises an alert for the new household; alerts it raised stay with the old one. Audited.",
  },
  "POST /api/devices/:id/rotate-secret": {
    summary: "Issue a new device secret", tags: devices, params: deviceIdParamSchema, body: "none",
    response: "`{id, secret, mqtt: {url}}`: the new secret, shown once", description: "The device's session is cut; the old secret stops working. Audited.",
  },
  "DELETE /api/devices/:id": {
    summary: "Revoke a device", tags: devices, params: deviceIdParamSchema, status: 204,
    description: "Disconnected at once and refused from then on; the record stays for the audit trail.",
  },
  "POST /api/devices/:id/maintenance": {
    summary: "Turn a device's maintenance mode on or off", tags: devices, params: deviceIdParamSchema, body: maintenanceBodySchema, response: "the device",
    description: "In maintenance its presses still raise alerts, marked maintenance, and nobody is texted or called. Audited.",
  },
  "POST /api/households/:id/maintenance": {
    summary: "Turn a household's maintenance mode on or off", tags: devices, params: idParamSchema, body: maintenanceBodySchema,
    response: "`{id, maintenanceAt}`", description: "Covers every device of the household. Audited.",
  },
  "POST /api/devices/bulk": {
    summary: "Provision one device per household of a unit or building", tags: devices, body: bulkProvisionSchema, status: 201, produces: "text/csv",
    response: "the installer's sheet (CSV with the secrets), or with `Accept: application/json` the credentials array",
    description: "Secrets are in this answer only (`Cache-Control: no-store`). Households already equipped are skipped unless `replace`. Audited.",
  },
  "POST /api/communities/:id/import": {
    summary: "Import households, residents and contacts from a CSV file", tags: ["Import"], params: idParamSchema, querystring: importQuerySchema,
    body: { mediaTypes: ["text/csv", "application/octet-stream"], description: "The CSV file itself (UTF-8 or GBK, at most 5 MB); columns in docs/csv-import.md." },
    response: "the import report (200 for a dry run, 201 once written)",
    description: "A dry run (the default) only reports. Written all or nothing: bad rows are 422 `HK_IMPORT_ROWS_INVALID` with the report, and nothing is written. 413 over 5 MB.",
  },

  "POST /api/help-groups": {
    summary: "Create a help group for a building or a unit", tags: helpGroups, body: createHelpGroupSchema, status: 201, response: "the help group",
    description: "Its members are called for each of the place's households after the family. Audited.",
  },
  "GET /api/help-groups": { summary: "List help groups", tags: helpGroups, querystring: helpGroupListQuerySchema, response: "help groups", description: PAGED },
  "GET /api/help-groups/:id": { summary: "Read a help group", tags: helpGroups, params: idParamSchema, response: "the help group" },
  "PATCH /api/help-groups/:id": { summary: "Change a help group", tags: helpGroups, params: idParamSchema, body: patchHelpGroupSchema, response: "the help group", description: "Audited." },
  "DELETE /api/help-groups/:id": { summary: "Delete a help group and its members", tags: helpGroups, params: idParamSchema, status: 204, description: "Audited." },
  "GET /api/help-groups/:id/members": {
    summary: "List a help group's members", tags: helpGroups, params: idParamSchema, querystring: helpGroupMemberListQuerySchema, response: "members", description: PAGED,
  },
  "POST /api/help-groups/:id/members": {
    summary: "Add a member to a help group", tags: helpGroups, params: idParamSchema, body: createHelpGroupMemberSchema, status: 201, response: "the member",
    description: "The phone is read in the community's country and stored as E.164. Audited.",
  },
  "PATCH /api/help-groups/:id/members/:memberId": {
    summary: "Change a help group member", tags: helpGroups, params: helpGroupMemberParamSchema, body: patchHelpGroupMemberSchema, response: "the member", description: "Audited.",
  },
  "DELETE /api/help-groups/:id/members/:memberId": { summary: "Remove a help group member", tags: helpGroups, params: helpGroupMemberParamSchema, status: 204, description: "Audited." },

  "POST /api/districts": { summary: "Create a district", tags: districts, body: createDistrictSchema, status: 201, response: "the district", description: "Audited." },
  "GET /api/districts": { summary: "List the districts the caller sees", tags: districts, querystring: districtListQuerySchema, response: "districts", description: PAGED },
  "GET /api/districts/:id": { summary: "Read a district", tags: districts, params: idParamSchema, response: "the district", description: "A district the caller does not see is 404." },
  "PATCH /api/districts/:id": { summary: "Change a district", tags: districts, params: idParamSchema, body: patchDistrictSchema, response: "the district", description: "Audited." },
  "DELETE /api/districts/:id": {
    summary: "Delete a district", tags: districts, params: idParamSchema, status: 204, description: "409 `HK_CONFLICT` while communities name it. Audited.",
  },
  "GET /api/district/dashboard": {
    summary: "The district command centre's dashboard", tags: districts, querystring: districtDashboardQuerySchema,
    response: "per community of the caller's districts: live and unclaimed alarms, those escalated to the district, offline devices, today's answer times",
  },

  "POST /api/users": { summary: "Create a console account", tags: accounts, body: createUserSchema, status: 201, response: "the account (never its password)", description: "409 when the username is taken. Audited." },
  "GET /api/users": { summary: "List console accounts", tags: accounts, querystring: userListQuerySchema, response: "accounts", description: PAGED },
  "GET /api/users/:id": { summary: "Read a console account", tags: accounts, params: idParamSchema, response: "the account" },
  "PATCH /api/users/:id": {
    summary: "Change a console account", tags: accounts, params: idParamSchema, body: patchUserSchema, response: "the account",
    description: "A change of password, role or scope ends the account's sessions and consoles at once. Audited.",
  },
  "DELETE /api/users/:id": { summary: "Disable a console account", tags: accounts, params: idParamSchema, status: 204, description: "Disabled, not deleted: its name stays on what it did. Its sessions end." },

  "GET /api/audit": {
    summary: "The registry's audit trail, newest first", tags: ["Audit"], querystring: auditQuerySchema,
    response: "rows: who created, changed or deleted which record, with the record before and after",
    description: `Supervisors read the rows of their communities; install-wide rows are for admins. ${PAGED}`,
  },
};
