"""Who may see and change which visits and notices: bureau staff every school's, an inspector only
those of the schools currently assigned to them (挂牌督导). Pages and the API both filter with these,
so an object outside them is a 404, not a 403 that would confirm it exists."""

from django.db.models import QuerySet

from inspections.models import RectificationNotice, Visit
from inspections.selectors import inspector_is_assigned, schools_visible_to


def may_act_for(user, school) -> bool:
    """May `user` log visits and raise or close notices for `school`?"""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_bureau:
        return True
    return user.is_inspector and inspector_is_assigned(inspector=user, school=school)


def schools_for(user) -> QuerySet:
    """The schools `user` may log a visit for (the choices of the visit form)."""
    return schools_visible_to(user)


def visible_visits(user) -> QuerySet:
    return Visit.objects.filter(school__in=schools_for(user))


def visible_notices(user) -> QuerySet:
    return RectificationNotice.objects.filter(school__in=schools_for(user))
