"""Places where later modules plug into the appeals pages without appeals importing them.

A module registers callables in its AppConfig.ready(); the appeals views render whatever is registered.
Each callable returns an HTML string (already escaped/safe) or None.
"""

from collections.abc import Callable

from django.utils.safestring import mark_safe

# (request, appeal) -> str | None: panels shown on the appeal page above the actions.
DETAIL_PANELS: list[Callable] = []
# (request) -> str | None: shown under the intake form (e.g. similar appeals as the user types).
INTAKE_PANELS: list[Callable] = []


def register_detail_panel(fn: Callable) -> Callable:
    if fn not in DETAIL_PANELS:
        DETAIL_PANELS.append(fn)
    return fn


def register_intake_panel(fn: Callable) -> Callable:
    if fn not in INTAKE_PANELS:
        INTAKE_PANELS.append(fn)
    return fn


def render_detail_panels(request, appeal) -> str:
    return mark_safe("".join(html for fn in DETAIL_PANELS if (html := fn(request, appeal))))


def render_intake_panels(request) -> str:
    return mark_safe("".join(html for fn in INTAKE_PANELS if (html := fn(request))))
