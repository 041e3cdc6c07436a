"""Reading settings from the environment.

A bad setting must stop start-up with one line that names it and says how to fix it, so every
reader here raises SettingError (caught by manage.py and the CLI and printed without a traceback).
"""

import os
from urllib.parse import urlparse

from django.core.exceptions import ImproperlyConfigured


class SettingError(ImproperlyConfigured):
    """A setting from the environment is missing or malformed."""


def get_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip()


def get_bool(name: str, default: bool = False) -> bool:
    value = get_str(name)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise SettingError(f"{name}={value!r} is not a yes/no value: set it to 1 or 0.")


def get_int(name: str, default: int) -> int:
    value = get_str(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise SettingError(f"{name}={value!r} is not a whole number: set it to e.g. {default}.") from None


def get_list(name: str, default: list[str]) -> list[str]:
    value = get_str(name)
    if value is None:
        return list(default)
    return [part.strip() for part in value.split(",") if part.strip()]


def get_url(name: str, schemes: tuple[str, ...], example: str) -> str | None:
    value = get_str(name)
    if value is None:
        return None
    parsed = urlparse(value)
    if parsed.scheme not in schemes:
        allowed = ", ".join(f"{s}://" for s in schemes)
        raise SettingError(f"{name} must start with one of {allowed} — for example {example}.")
    return value


def get_host(name: str, default: str) -> str:
    value = (get_str(name, default) or default).lower()
    if "://" in value or "/" in value or ":" in value or " " in value:
        raise SettingError(
            f"{name}={value!r} must be a bare host name such as edu.example.gov.cn (no scheme, port or path)."
        )
    return value
