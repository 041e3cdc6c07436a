"""What the school nav needs to know about the member looking at it."""

from schools import permissions


def school_nav(request):
    membership = getattr(request, "membership", None)
    # A callable: the template asks only when it draws the school nav (one query, cached on the membership).
    return {"can_see_care_list": lambda: permissions.can_see_care_list(membership)}
