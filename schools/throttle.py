"""Rate limits for the public pages. The client key is a salted hash of the client address (see
`tenants.counters.client_address` for reverse proxies); counts are atomic database rows of the
public schema that expire with their window, and hold no address."""

from django.db import connection

from tenants import counters


def wait(request, scope: str, *, per_client: int, per_school: int, window: int = 3600) -> int:
    """Count one attempt. Returns 0 when it may go ahead, otherwise the seconds to wait (for
    Retry-After) once this client or this school has used up the window's allowance."""
    client = counters.hashed("client", counters.client_address(request))
    keys = [
        (f"throttle:{connection.schema_name}:{scope}:client:{client}", per_client),
        (f"throttle:{connection.schema_name}:{scope}:school", per_school),
    ]
    for key, limit in keys:
        count, remaining = counters.hit(key, window)
        if count > limit:
            return remaining
    return 0
