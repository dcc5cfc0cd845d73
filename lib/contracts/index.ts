import { auditEndpoints } from "./audit";
import { authEndpoints } from "./auth";
import { billingEndpoints } from "./billing";
import { clustersEndpoints } from "./clusters";
import { imagesEndpoints } from "./images";
import { instancesEndpoints } from "./instances";
import { jobsEndpoints } from "./jobs";
import { metricsEndpoints } from "./metrics";
import { nodesEndpoints } from "./nodes";
import { notificationsEndpoints } from "./notifications";
import { specsEndpoints } from "./specs";
import { sshEndpoints } from "./ssh";
import { systemEndpoints } from "./system";
import { systemLogsEndpoints } from "./system-logs";
import { tokensEndpoints } from "./tokens";
import { usersEndpoints } from "./users";
import { webhooksEndpoints } from "./webhooks";

// The whole API contract. The OpenAPI document lists exactly these, and a test checks that
// every route handler under app/api is one of them.
export const api = {
  ...authEndpoints,
  ...usersEndpoints,
  ...tokensEndpoints,
  ...sshEndpoints,
  ...systemEndpoints,
  ...imagesEndpoints,
  ...specsEndpoints,
  ...nodesEndpoints,
  ...instancesEndpoints,
  ...metricsEndpoints,
  ...billingEndpoints,
  ...notificationsEndpoints,
  ...jobsEndpoints,
  ...clustersEndpoints,
  ...auditEndpoints,
  ...systemLogsEndpoints,
  ...webhooksEndpoints,
};

export type Api = typeof api;
