"""Panels that the district-layer apps add to a school's dashboard. The school workspace cannot
import them (layers point one way), so they register here when their app is ready."""

PANELS = []


def register_dashboard_panel(panel):
    """`panel(request)` returns None or a dict: title, count, link, late (bool), lines [(text, link, late)]."""
    if panel not in PANELS:
        PANELS.append(panel)
    return panel


def dashboard_panels(request) -> list[dict]:
    return [shown for shown in (panel(request) for panel in PANELS) if shown]
