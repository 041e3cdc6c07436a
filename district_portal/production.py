"""What a real deployment must not start with: the start-up refusals of `serve` (and the Docker
image's web role) outside the demo. Each refusal is one line saying what is wrong and how to fix it."""

import hashlib
import os
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.core.cache import cache


def refusals() -> list[str]:
    if settings.SEED_DEMO:
        return []
    problems = []
    if settings.DEBUG:
        problems.append("DEBUG is on: unset DEBUG (or DEBUG=0); it shows settings and code on error pages.")
    if settings.SECRET_KEY_GENERATED:
        problems.append(
            "SECRET_KEY is not set (a generated one is in var/secret_key): set SECRET_KEY to a long random "
            "string, e.g. the output of: python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    demo_accounts = accounts_with_demo_password()
    if demo_accounts:
        names = ", ".join(demo_accounts[:5]) + (" …" if len(demo_accounts) > 5 else "")
        problems.append(
            f"{len(demo_accounts)} account(s) still have the demo password ({names}): give each a new "
            "password (manage.py changepassword NAME) or deactivate it; for a demo, set SEED_DEMO=1."
        )
    return problems


def accounts_with_demo_password() -> list[str]:
    """Active accounts whose password is DEMO_PASSWORD. Checking a password costs a deliberate
    fraction of a second, so a verdict is remembered (in the shared cache) for that stored hash:
    only new or changed passwords are checked at the next start."""
    from tenants.models import User

    users = list(User.objects.filter(is_active=True).exclude(password="").values_list("username", "password"))
    demo_password = settings.DEMO_PASSWORD

    def verdict(row) -> tuple[str, bool]:
        username, encoded = row
        key = "demo-password-check:" + hashlib.sha256(f"{demo_password}\0{encoded}".encode()).hexdigest()
        known = cache.get(key)
        if known is None:
            from django.contrib.auth.hashers import check_password

            known = check_password(demo_password, encoded)
            cache.set(key, known, timeout=None)
        return username, known

    # PBKDF2 releases the GIL, so the checks run on every core.
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        return sorted(username for username, is_demo in pool.map(verdict, users) if is_demo)
