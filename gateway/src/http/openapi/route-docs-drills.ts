/** The drill routes in the OpenAPI document. */
import { idParamSchema } from "@helpkey/shared";
import { drillListQuerySchema, startDrillSchema } from "@helpkey/shared/drills";
import type { RouteDocs } from "./route-doc";

const drills = ["Drills"];

export const drillDocs: RouteDocs = {
  "POST /api/drills": {
    summary: "Start a drill in a community", tags: drills, body: startDrillSchema, status: 201, response: "the drill and its (empty) report",
    description: "While it runs, every alarm of the community is a drill alarm (`drillId`), bannered on the consoles; without `callFamily` no contact is texted or called (the consoles, the patrol and the devices' acks work as usual), and drill alarms never go up to the district. 409 `HK_CONFLICT` while another drill runs there. Audited.",
  },
  "POST /api/drills/:id/end": {
    summary: "End a drill and write its report", tags: drills, params: idParamSchema, body: "none", response: "the drill with its report",
    description: "The report times each alarm from its press: ack, console, first call, claim, arrival, each met or missed against the community's policy `targets`, in its time zone. 409 when it ended already. Audited.",
  },
  "GET /api/drills": { summary: "Drills, newest first", tags: drills, querystring: drillListQuerySchema, response: "an array of drills; `x-next-cursor` while more follow", description: "`running=true`: the drills running now (the consoles' banner)." },
  "GET /api/drills/:id": { summary: "A drill and its report", tags: drills, params: idParamSchema, response: "the drill with its report: the stored one once ended, the report so far while it runs" },
};
