from django.conf import settings


def site_url(host: str, path: str = "/") -> str:
    """The address a person types for a host, with the port only when it is not the default."""
    port = settings.SITE_PORT
    default = 443 if settings.SITE_SCHEME == "https" else 80
    netloc = host if port == default else f"{host}:{port}"
    return f"{settings.SITE_SCHEME}://{netloc}{path}"


def district_url(path: str = "/") -> str:
    return site_url(settings.DISTRICT_HOST, path)
