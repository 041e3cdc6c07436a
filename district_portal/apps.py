from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DistrictPortalConfig(AppConfig):
    name = "district_portal"
    verbose_name = _("区级平台")

    def ready(self):
        from district_portal.celery import ensure_filesystem_queue

        ensure_filesystem_queue()
