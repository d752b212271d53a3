"""{% print_links appeal %}: the appeal's printable sheets that the signed-in user may print."""

from django import template

from ..printing import KINDS, TITLES, may_print

register = template.Library()


@register.inclusion_tag("appeals/print_links.html", takes_context=True)
def print_links(context, appeal):
    user = context["request"].user
    sheets = []
    for kind in KINDS:
        if not may_print(user, kind):
            continue
        if kind == "dispatch" and appeal.dispatched_at is None:
            continue  # no dispatch sheet before the appeal is dispatched
        if kind == "supervision" and not appeal.escalation_level and not appeal.supervisions.exists():
            continue
        sheets.append((kind, TITLES[kind]))
    return {"a": appeal, "sheets": sheets}
