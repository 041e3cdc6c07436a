from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = _("学校与用户")

    def ready(self):
        from tenants import login_guard, signals  # noqa: F401  (lock-out counters; cache invalidation on save)
