"""The desk's pickers (issue 10, item 3): departments with their pinyin initials for the filters."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse

from .. import desk

register = template.Library()


@register.simple_tag
def desk_departments():
    """[(department, initials)] of the active departments, for a datalist or a filterable list."""
    return desk.department_choices()


SESSION_KEY = "desk_from"


@register.inclusion_tag("appeals/_next_item.html", takes_context=True)
def next_item(context, appeal):
    """「下一件」 on an appeal's page: the next appeal of the queue the user opened it from.

    The queue comes as ?from=<list>:<tab> (checked against the user's own queues; never a URL). It is
    remembered for this appeal in the session, so the page shown after an action on it (the form's
    redirect has no query string) still offers the next one."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return {"next_url": None}
    user = request.user
    value = desk.valid_from(user, request.GET.get("from"))
    remembered = request.session.get(SESSION_KEY) or {}
    if value:
        if remembered != {"pk": appeal.pk, "from": value}:
            request.session[SESSION_KEY] = {"pk": appeal.pk, "from": value}
    elif remembered.get("pk") == appeal.pk:
        value = desk.valid_from(user, remembered.get("from"))
    if not value:
        return {"next_url": None}
    nxt = desk.next_in_queue(user, value, appeal.pk)
    return {
        "queue_url": desk.queue_url(value),
        "queue_label": desk.queue_label(value),
        "next_url": f"{reverse('appeal_detail', args=[nxt])}?{urlencode({'from': value})}" if nxt else None,
        "queue_done": nxt is None,
    }
