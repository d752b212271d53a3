"""Panels rendered inside the appeals pages (registered in DispatchConfig.ready)."""

from django.template.loader import render_to_string
from django.urls import reverse

from . import selectors
from .similarity import SAME_PROBLEM_THRESHOLD


def detail_panel(request, appeal):
    user = request.user
    ctx = {"a": appeal, "same": SAME_PROBLEM_THRESHOLD}
    if selectors.can_see_suggestions(user, appeal):
        ctx["show_suggestions"] = True
        ctx["suggestions"] = selectors.suggestions_for(appeal, user)
    ctx["similar"] = selectors.similar_for(user, appeal=appeal)
    if selectors.is_staff(user):
        ctx["clusters"] = [
            c for c in selectors.clusters_for_appeal(appeal.pk) if selectors.can_see_cluster(user, c)
        ]
    if not (ctx.get("show_suggestions") or ctx["similar"] or ctx.get("clusters")):
        return None
    return render_to_string("dispatch/_detail_panel.html", ctx, request=request)


def intake_panel(request):
    # Filled as the user types (htmx); the endpoint applies the same visibility rule.
    return render_to_string(
        "dispatch/_intake_panel.html", {"url": reverse("dispatch_similar")}, request=request
    )
