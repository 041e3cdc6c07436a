"""The OpenAPI schema of each site, generated once and then served from the cache
(it depends only on the code, and takes a second or more to build)."""

from django.views.decorators.cache import cache_page
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.views import SpectacularAPIView

from tenants.access import public_view

SCHEMA_CACHE_SECONDS = 3600


def schema_view(urlconf: str):
    return public_view(cache_page(SCHEMA_CACHE_SECONDS)(SpectacularAPIView.as_view(urlconf=urlconf)))


class SiteBoundTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.SiteBoundTokenAuthentication"
    name = "siteToken"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": "Token <key> — a personal token made for this site (school or district)."}  # fmt: skip
