"""{% record_links kind pk %}: a record's place in the follow-through chain, both ways, on any page
of the district site (for pages owned by other packages, such as the serious-case register)."""

from django import template

from oversight import record_chain

register = template.Library()


@register.inclusion_tag("oversight/summons/_record_links.html", takes_context=True)
def record_links(context, kind, pk, school_id=None):
    request = context["request"]
    links = record_chain.links_of(viewer=request.user, kind=kind, pk=pk, school_id=school_id)
    return {"links": links, "kind": kind, "pk": pk}
