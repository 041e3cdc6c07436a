from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    name = "oversight"
    verbose_name = _("区级监管")

    def ready(self):
        from oversight import signals  # noqa: F401  (connects the receivers)
