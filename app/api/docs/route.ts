// GET /api/docs: Swagger UI over /api/openapi.json, from the locally installed swagger-ui-dist
// (copied to public/vendor at install). Public.
import { api } from "@/lib/contracts";
import { handle } from "@/server/http/route";

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <title>AI Infra Console API</title>
  <link rel="stylesheet" href="/vendor/swagger-ui/swagger-ui.css" />
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/vendor/swagger-ui/swagger-ui-bundle.js"></script>
  <script src="/swagger-init.js"></script>
</body>
</html>`;

export const GET = handle(api.docs, async () => new Response(PAGE, { headers: { "content-type": "text/html; charset=utf-8" } }));
