"""What each member of a school may see and do — the role rules of the school workspace, in one place.

- school admins see and do everything;
- committee members (a leadership-group member linked to their account) see the care list;
- 政教, 安全办, the principal and committee members handle incidents and see their parties;
- a 班主任 sees care entries of their own classes only, and of an incident only the parties in
  their own classes — every other party is shown as "其他学生（非本班）", even in an incident that
  involves one of their pupils;
- the 心理老师 sees counselling records, and the parties of incidents they are assigned to support:
  an incident with a live support session they recorded or that names them as its 负责人
  (their full name or user name);
- a 门卫 (and any other post) sees neither the care list nor incident parties.
"""

import copy

from django.utils.translation import gettext_lazy as _

from tenants.roles import StaffPost

HANDLER_POSTS = {StaffPost.PRINCIPAL, StaffPost.SAFETY_OFFICE, StaffPost.MORAL_EDUCATION}


def is_committee_member(membership) -> bool:
    from schools.models import GovernanceMember

    if membership is None:
        return False
    if not hasattr(membership, "_is_committee"):
        membership._is_committee = GovernanceMember.objects.filter(
            user_id=membership.user_id, active=True
        ).exists()
    return membership._is_committee


def is_admin(membership) -> bool:
    return membership is not None and membership.is_admin


def handles_incidents(membership) -> bool:
    """May record incidents through to closure and see their parties."""
    return is_admin(membership) or (
        membership is not None and (membership.post in HANDLER_POSTS or is_committee_member(membership))
    )


def can_log_incident(membership) -> bool:
    """Any member can log what they saw; a 门卫 logs from the gate."""
    return membership is not None


OTHER_PUPIL = _("其他学生（非本班）")


def is_support_counsellor(membership, incident) -> bool:
    """Is this 心理老师 assigned to support a victim of this incident?"""
    if membership is None or membership.post != StaffPost.COUNSELLOR or incident is None:
        return False
    user = membership.user
    names = {n for n in (user.get_full_name(), getattr(user, "full_name", ""), user.get_username()) if n}
    return any(
        session.voided_at is None
        and (session.created_by_id == user.pk or session.provided_by.strip() in names)
        for party in incident.parties.all()
        for session in party.support_sessions.all()
    )


def _sees_party(membership, incident, party) -> bool:
    if handles_incidents(membership) or is_support_counsellor(membership, incident):
        return True
    return (
        membership is not None
        and membership.post == StaffPost.HEAD_TEACHER
        and party.class_name in membership.class_list()
    )


def can_see_parties(membership, incident=None) -> bool:
    """May see at least one party of this incident by name (then `parties_visible_to` says which)."""
    if handles_incidents(membership):
        return True
    if membership is None or incident is None:
        return False
    return any(_sees_party(membership, incident, p) for p in incident.parties.all() if p.voided_at is None)


def parties_visible_to(membership, incident) -> list:
    """The live parties of an incident as this member may see them — for every door (page, API,
    exports): a party they may not see by name comes back as an unsaved copy with the name, grade,
    class and family contact blanked, `student_name` = "其他学生（非本班）" and `masked` = True.
    Members who may see no party at all get an empty list."""
    if not can_see_parties(membership, incident):
        return []
    shown = []
    for party in incident.parties.all():
        if party.voided_at is not None:
            continue
        if _sees_party(membership, incident, party):
            party.masked = False
            shown.append(party)
            continue
        masked = copy.copy(party)
        masked.pk = masked.id = None
        masked.student_name = str(OTHER_PUPIL)
        masked.grade = masked.class_name = ""
        masked.family_notified_at = None
        masked.masked = True
        shown.append(masked)
    return shown


def can_see_counselling(membership) -> bool:
    return is_admin(membership) or (membership is not None and membership.post == StaffPost.COUNSELLOR)


def can_see_care_list(membership) -> bool:
    return (
        is_admin(membership)
        or is_committee_member(membership)
        or (membership is not None and membership.post == StaffPost.HEAD_TEACHER)
    )


def care_entries_visible_to(membership, queryset):
    """The care entries a member may read: all for admins and committee, own classes for a 班主任."""
    if is_admin(membership) or is_committee_member(membership):
        return queryset
    if membership is not None and membership.post == StaffPost.HEAD_TEACHER:
        return queryset.filter(class_name__in=membership.class_list())
    return queryset.none()


def can_keep_care_for_class(membership, class_name: str) -> bool:
    """May put a student of this class on the care list (or move an entry to it): admins and
    committee for any class, a 班主任 for their own classes only."""
    if is_admin(membership) or is_committee_member(membership):
        return True
    return (
        membership is not None
        and membership.post == StaffPost.HEAD_TEACHER
        and class_name in membership.class_list()
    )


def can_manage_records(membership) -> bool:
    """Ledger, activities, governance: admins, handlers and committee members."""
    return handles_incidents(membership)


def can_triage_tips(membership) -> bool:
    return handles_incidents(membership)


def can_view_incident(membership, user, incident) -> bool:
    """Handlers see every incident; others see what they logged or, for a 班主任/心理老师, their pupils'."""
    if membership is None:
        return False
    if incident.voided_at is not None and not is_admin(membership):
        return False
    return (
        handles_incidents(membership)
        or incident.created_by_id == user.pk
        or can_see_parties(membership, incident)
    )


def incidents_visible_to(membership, user, queryset):
    """The incidents a member may open — the same rule as `can_view_incident`, as a query for lists
    (page and API): handlers every one; others what they logged, a 班主任 also those with a party in
    their classes, a 心理老师 those they are assigned to support. Voided ones for admins only."""
    from django.db.models import Q

    if membership is None:
        return queryset.none()
    if not is_admin(membership):
        queryset = queryset.filter(voided_at__isnull=True)
    if handles_incidents(membership):
        return queryset
    mine = Q(created_by=user)
    if membership.post == StaffPost.HEAD_TEACHER:
        mine |= Q(parties__class_name__in=membership.class_list(), parties__voided_at__isnull=True)
    if membership.post == StaffPost.COUNSELLOR:
        names = [n for n in (user.get_full_name(), getattr(user, "full_name", ""), user.get_username()) if n]
        mine |= Q(parties__support_sessions__voided_at__isnull=True) & (
            Q(parties__support_sessions__created_by=user)
            | Q(parties__support_sessions__provided_by__in=names)
        )
    return queryset.filter(pk__in=queryset.filter(mine).values("pk"))
