"""Who may use which site: one decision used by the page middleware and the API permission.

A view declares how wide its door is; the default is the narrowest that makes sense for the
host — members of this school on a school site, district roles on the district site.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

PUBLIC = "public"  # anyone, no login (login page, 公示, 爱心信箱, published disclosures)
MEMBERS = "members"  # the school's own staff (school site default)
INSPECTORS = "inspectors"  # the school's staff and the inspectors assigned to it
DISTRICT = "district"  # bureau staff and inspectors (district site default)
BUREAU = "bureau"  # bureau admin and staff only


def site_access(level: str):
    """Decorate a view function (or set `site_access` on a class) to declare its door."""

    def decorate(view):
        view.site_access = level
        return view

    return decorate


public_view = site_access(PUBLIC)
inspector_view = site_access(INSPECTORS)
bureau_view = site_access(BUREAU)


def break_glass_view(view):
    """Declare that a district user holding a break-glass grant for the incident named by the
    URL's `pk` may read this school page (GET only; see break_glass_grant)."""
    view.break_glass = True
    return view


def declared_access(view_func) -> str | None:
    level = getattr(view_func, "site_access", None)
    if level is None:
        view_class = getattr(view_func, "view_class", None) or getattr(view_func, "cls", None)
        level = getattr(view_class, "site_access", None)
    return level


@dataclass(frozen=True)
class Decision:
    allowed: bool
    needs_login: bool = False
    reason: str = ""


ALLOW = Decision(True)


def decide(user, school, level: str | None) -> Decision:
    """May `user` pass a door of `level` on `school`'s site (school=None: the district site)?"""
    if school is None:
        level = level or DISTRICT
    else:
        level = level or MEMBERS
    if level == PUBLIC:
        return ALLOW
    if not user.is_authenticated:
        return Decision(False, needs_login=True, reason=str(_("请先登录。")))
    if school is None:
        if level == BUREAU and not user.is_bureau:
            return Decision(False, reason=str(_("此页面仅限教育局工作人员访问。")))
        if level in (DISTRICT, BUREAU) and not (user.is_bureau or user.is_inspector):
            return Decision(False, reason=str(_("您的账号没有区级权限。学校用户请从本校站点登录。")))
        return ALLOW
    if user.membership_in(school) is not None:
        return ALLOW
    if level == INSPECTORS and is_assigned_inspector(user, school):
        return ALLOW
    return Decision(False, reason=str(_("您不是本校成员，无权访问本校站点。")))


def break_glass_grant(user, school, view_func, view_kwargs):
    """The unexpired, unrevoked grant under which a bureau user may read this page of this school,
    or None. Only pages declared with @break_glass_view, and only for the grant's own incident."""
    if school is None or not user.is_authenticated or not getattr(view_func, "break_glass", False):
        return None
    from oversight.break_glass import active_grant

    return active_grant(user=user, school=school, incident_id=(view_kwargs or {}).get("pk"))


def is_assigned_inspector(user, school) -> bool:
    from inspections.selectors import inspector_is_assigned

    return user.is_inspector and inspector_is_assigned(inspector=user, school=school)
