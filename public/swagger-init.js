// Starts Swagger UI on /api/docs (a file, not an inline script, so a strict CSP allows it).
window.ui = SwaggerUIBundle({ url: "/api/openapi.json", dom_id: "#swagger-ui", deepLinking: true });
