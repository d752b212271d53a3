"""Statistics. `center_stats` is for investigators; `public_stats` has counts only, by category, with small
numbers suppressed so that a count cannot single out one report."""

from statistics import median

from django.db.models import Count
from django.utils import timezone

from wuyou.workdays.calendar import workdays_between

from .models import Outcome, Report, Status

SUPPRESS_BELOW = 3
SUBSTANTIATED = [Outcome.SUBSTANTIATED, Outcome.PARTLY]


def _by(qs, *fields):
    return list(qs.values(*fields).annotate(n=Count("id", distinct=True)).order_by("-n", *fields))


def center_stats(qs=None) -> dict:
    qs = Report.objects.all() if qs is None else qs
    concluded = qs.exclude(outcome="")
    n_concluded = concluded.count()
    n_subst = concluded.filter(outcome__in=SUBSTANTIATED).count()
    spans = [
        workdays_between(timezone.localtime(c).date(), timezone.localtime(d).date())
        for c, d in concluded.values_list("created_at", "concluded_at")
        if d
    ]
    return {
        "total": qs.count(),
        "by_status": _by(qs, "status"),
        "by_category": _by(qs, "items__domain__category__code", "items__domain__category__name"),
        "by_domain": _by(qs, "items__domain__code", "items__domain__name"),
        "by_item": _by(qs, "items__code")[:30],
        "by_department": _by(qs, "department__code", "department__name"),
        "by_outcome": _by(concluded, "outcome"),
        "concluded": n_concluded,
        "substantiated": n_subst,
        "substantiation_rate": round(100 * n_subst / n_concluded, 1) if n_concluded else None,
        "workdays_to_conclusion_avg": round(sum(spans) / len(spans), 1) if spans else None,
        "workdays_to_conclusion_median": median(spans) if spans else None,
    }


def _suppress(n: int):
    return n if n == 0 or n >= SUPPRESS_BELOW else f"少于{SUPPRESS_BELOW}"


def public_stats() -> dict:
    qs = Report.objects.all()
    concluded = qs.exclude(outcome="")
    rows = _by(qs, "items__domain__category__code", "items__domain__category__name")
    return {
        "received": _suppress(qs.count()),
        "accepted": _suppress(qs.exclude(status__in=[Status.SUBMITTED, Status.REJECTED]).count()),
        "concluded": _suppress(concluded.count()),
        "substantiated": _suppress(concluded.filter(outcome__in=SUBSTANTIATED).count()),
        "by_category": [
            {"name": r["items__domain__category__name"], "n": _suppress(r["n"])}
            for r in rows
            if r["items__domain__category__name"]
        ],
    }
