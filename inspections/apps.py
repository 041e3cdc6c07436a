from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = _("责任督学")

    def ready(self):
        from inspections.school_panel import notices_panel
        from schools.extensions import register_dashboard_panel

        register_dashboard_panel(notices_panel)
