"""What each member of a school may see and do — the role rules of the school workspace, in one place.

- school admins see and do everything;
- committee members (a leadership-group member linked to their account) see the care list;
- 政教, 安全办, the principal and committee members handle incidents and see their parties;
- a 班主任 sees care entries of their own classes only, and parties of incidents in them;
- the 心理老师 sees counselling records and the parties they support;
- a 门卫 (and any other post) sees neither the care list nor incident parties.
"""

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


def can_see_parties(membership, incident=None) -> bool:
    if handles_incidents(membership):
        return True
    if membership is None or incident is None:
        return False
    if membership.post == StaffPost.HEAD_TEACHER:
        classes = set(membership.class_list())
        return any(p.class_name in classes for p in incident.parties.all())
    if membership.post == StaffPost.COUNSELLOR:
        return True
    return False


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
