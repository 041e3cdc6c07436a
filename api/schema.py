"""The OpenAPI schema of each site, generated once and then served from the cache
(it depends only on the code, and takes a second or more to build)."""

from django.views.decorators.cache import cache_page
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from tenants.access import PUBLIC, public_view

SCHEMA_CACHE_SECONDS = 3600


def schema_view(urlconf: str):
    return public_view(cache_page(SCHEMA_CACHE_SECONDS)(SpectacularAPIView.as_view(urlconf=urlconf)))


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI for this site's schema, all served by the app (the sidecar package, no CDN).

    The split view serves its start-up script from the same URL (`?script`), so the page has no
    inline script and runs under our Content-Security-Policy (script-src 'self'). Not cached:
    the script carries the visitor's CSRF token, for "Try it out" with the session."""

    site_access = PUBLIC
    url_name = "api-schema"


class SiteBoundTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.SiteBoundTokenAuthentication"
    name = "siteToken"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": "Token <key> — a personal token made for this site (school or district)."}  # fmt: skip


# --- the parts of the contract every operation shares, added to the generated schema --------

ERROR_SCHEMA = {
    "type": "object",
    "description": "The one error shape of the API (see api.errors).",
    "properties": {
        "code": {
            "type": "string",
            "description": "invalid, not_found, not_authenticated, permission_denied, stale, "
            "version_required, idempotency, …",
        },
        "message": {"type": "string", "description": "What went wrong, in the request's language."},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "description": "Messages by field; empty when the error is not about one field.",
        },
        "current_version": {
            "type": "integer",
            "description": "Only with code `stale`: the version stored now.",
        },
    },
    "required": ["code", "message", "errors"],
}
IDEMPOTENCY_KEY = {
    "in": "header",
    "name": "Idempotency-Key",
    "required": False,
    "schema": {"type": "string", "maxLength": 100},
    "description": "Send the same key again to get the first answer back instead of doing it twice "
    "(scoped to this site and caller; anonymous calls are never replayed).",
}
ERRORS = {
    "400": "The request (body or query) is invalid.",
    "401": "No credentials, or the token is unknown or revoked.",
    "403": "Not allowed: another site's token, or a role without this right.",
    "404": "No such object here (or not visible to you), or no such page.",
    "409": "A stale edit (`stale`: the version sent is not the current one), or the same "
    "Idempotency-Key is still being answered.",
    "415": "The body is not JSON (the public endpoints take JSON only).",
    "422": "This Idempotency-Key was already used for another request, or with another body.",
    "428": "An edit without the version it started from (`version_required`): send `version` or If-Match.",
    "429": "Too many requests; try again later.",
}


def document_shared_responses(result, generator, request, public):
    """A postprocessing hook: the error answers every operation can give, all in the one error
    shape, and the Idempotency-Key header every POST accepts (api.idempotency)."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            parameters = operation.setdefault("parameters", [])
            is_public = operation.get("security") == [{}]
            codes = set()
            writes = method in ("post", "put", "patch")
            if writes or any(p["in"] == "query" for p in parameters):
                codes.add("400")
            if not is_public:
                codes |= {"401", "403"}
            if method == "post" or parameters or "{" in path:
                codes.add("404")  # the object named by the path or the body, or the page asked for
            if writes:
                codes |= {"409", "428"}
            if method == "post":
                codes.add("422")
                parameters.append(IDEMPOTENCY_KEY)
            if is_public:
                codes.add("429")  # the public endpoints are rate-limited
                if method == "post":
                    codes.add("415")  # JSON only: no cross-site form posts
            for code in sorted(codes):
                operation["responses"].setdefault(
                    code,
                    {"description": ERRORS[code],
                     "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                )  # fmt: skip
            if not operation["parameters"]:
                del operation["parameters"]
    return result
