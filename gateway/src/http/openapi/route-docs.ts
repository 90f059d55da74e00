/**
 * Every route's entry in the OpenAPI document (/docs), one table per area. A route no table names is
 * still listed, as "Not documented yet", and the document test fails on it.
 */
import { mergeRouteDocs } from "./route-doc";
import { alertDocs } from "./route-docs-alerts";
import { drillDocs } from "./route-docs-drills";
import { registryDocs } from "./route-docs-registry";
import { supervisionDocs } from "./route-docs-supervision";
import { systemDocs } from "./route-docs-system";

export { routeKey, type RouteDoc, type RouteDocs } from "./route-doc";

export const routeDocs = mergeRouteDocs(registryDocs, alertDocs, systemDocs, supervisionDocs, drillDocs);
