"""Reads used by several views and the API: who sees which appeals, queues and boards."""

from datetime import timedelta

from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from wuyou.orgs.access import CADRE, DEPT, ENTERPRISE, READ_ALL, TEAM, has_role, role_of

from .models import Action, Appeal, CoHandler, Event, Status

HANDLING = [Status.DISPATCHED, Status.IN_PROGRESS]
REPLIED_WINDOW = timedelta(days=90)


def visible_appeals(user) -> QuerySet[Appeal]:
    """The one visibility rule: every list, detail and action starts here."""
    qs = Appeal.objects.all()
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    role = role_of(user)
    if role in READ_ALL:
        return qs
    if role in ENTERPRISE:
        return qs.filter(enterprise_id=user.enterprise_id) if user.enterprise_id else qs.none()
    if role in CADRE:
        return qs.filter(created_by=user)
    if role in DEPT:
        if not user.department_id:
            return qs.none()
        co = CoHandler.objects.filter(appeal_id=OuterRef("pk"), department_id=user.department_id)
        return qs.filter(Q(department_id=user.department_id) | Exists(co))
    if role in TEAM:
        return qs.filter(escalation_level__gte=2)
    return qs.none()


def overdue_q(now=None) -> Q:
    now = now or timezone.now()
    return Q(status__in=HANDLING, reply_due_at__lt=now) | Q(status=Status.DISPATCHED, sign_due_at__lt=now)


def is_overdue(appeal: Appeal, now=None) -> bool:
    now = now or timezone.now()
    if appeal.status in HANDLING and appeal.reply_due_at and appeal.reply_due_at < now:
        return True
    return appeal.status == Status.DISPATCHED and bool(appeal.sign_due_at and appeal.sign_due_at < now)


def list_related(qs: QuerySet[Appeal]) -> QuerySet[Appeal]:
    return qs.select_related("enterprise", "department")


def _led(user) -> QuerySet[Appeal]:
    return Appeal.objects.filter(department_id=user.department_id)


def _awaiting_opinion(user) -> QuerySet[Appeal]:
    # One filter() call: the same co-handler row must be this department's and still without an opinion.
    return Appeal.objects.filter(
        co_handlers__department_id=user.department_id, co_handlers__opinion_at__isnull=True
    )


OPEN_HANDLING = [Status.DISPATCHED, Status.IN_PROGRESS, Status.PAUSED]

# The inbox of a department user: tabs of the appeals the department leads (主办), plus one tab of the
# open appeals it co-handles (协办) and still owes an opinion on; it cannot sign or reply those. Keeping
# the two apart lets every tab run on the department's own indexes; "led OR co-handled" in one query
# could not, and cost the page most of its time at a million appeals (docs/performance.md).
DEPT_TABS = {
    "to_sign": (
        "待签收",
        lambda user, now: _led(user).filter(status=Status.DISPATCHED).order_by("sign_due_at"),
    ),
    "in_progress": (
        "办理中",
        lambda user, now: (
            _led(user).filter(status__in=[Status.IN_PROGRESS, Status.PAUSED]).order_by("reply_due_at")
        ),
    ),
    "due_soon": (
        "即将到期",
        lambda user, now: (
            _led(user)
            .filter(status__in=HANDLING, warn_at__lte=now, reply_due_at__gte=now)
            .order_by("reply_due_at")
        ),
    ),
    "overdue": (
        "已超期",
        lambda user, now: (
            _led(user).filter(status__in=HANDLING, reply_due_at__lt=now).order_by("reply_due_at")
        ),
    ),
    "co_handling": (
        "待协办",
        lambda user, now: _awaiting_opinion(user).filter(status__in=OPEN_HANDLING).order_by("reply_due_at"),
    ),
    # The department's history is the search page's job; the inbox shows the last 90 days of replies.
    "replied": (
        "近90天已答复",
        lambda user, now: (
            _led(user)
            .filter(
                status__in=[Status.REPLIED, Status.REVIEWING, Status.CLOSED],
                replied_at__gte=now - REPLIED_WINDOW,
            )
            .order_by("-replied_at")
        ),
    ),
}
# Tabs whose size is shown on every inbox page: the work still to do. Counting the history
# on every request cost most of the page's time at a million appeals (docs/performance.md).
COUNTED_TABS = ("to_sign", "in_progress", "due_soon", "overdue", "co_handling")


def department_inbox(user, tab: str, now=None) -> QuerySet[Appeal]:
    if not (has_role(user, DEPT) and user.department_id):
        return Appeal.objects.none()
    return list_related(DEPT_TABS[tab][1](user, now or timezone.now()))


# Chinese full-text search (issue 10, item 4) over titles, contents and replies: a substring match
# (icontains), which PostgreSQL serves from pg_trgm GIN indexes on UPPER(column) (migration 0010) for
# queries of 3 characters or more; shorter ones have no trigram and are read without the index.
SEARCHED_TEXT = ("title", "content", "reply_content")
SORT_COLUMNS = {
    "number": "number",
    "created": "created_at",
    "due": "reply_due_at",
    "status": "status",
    "department": "department__name",
}
NULLABLE_SORTS = {"reply_due_at", "department__name"}


# PostgreSQL, 2-character words: the bigram index of migration 0010 (the same expression) answers them
# exactly (pairs within each field), so the trigram LIKEs, which cannot help a 2-character pattern, are left out.
BIGRAM_SQL = (
    "(wuyou_bigrams(UPPER(appeals_appeal.title)) || wuyou_bigrams(UPPER(appeals_appeal.content)) "
    "|| wuyou_bigrams(UPPER(appeals_appeal.reply_content)))"
)


def text_q(q: str) -> Q:
    cond = Q(number=q.upper())
    for column in SEARCHED_TEXT:
        cond |= Q(**{f"{column}__icontains": q})
    return cond


def text_filter(qs: QuerySet[Appeal], q: str) -> QuerySet[Appeal]:
    if len(q) == 2 and not any(c.isspace() for c in q) and connection.vendor == "postgresql":
        where = f"(appeals_appeal.number = %s OR {BIGRAM_SQL} @> ARRAY[%s]::text[])"
        return qs.extra(where=[where], params=[q.upper(), q.upper()])
    return qs.filter(text_q(q))


def enterprise_q(text: str) -> Q:
    """An enterprise by its credit code (any case, with or without spaces) or a part of its name."""
    code = "".join(text.split()).upper()
    if len(code) == 18 and code.isascii() and code.isalnum():
        return Q(enterprise__uscc=code)
    return Q(enterprise__name__icontains=text)


def search(
    user,
    *,
    status=None,
    department=None,
    overdue=None,
    q=None,
    enterprise=None,
    category=None,
    channel=None,
    district=None,
    park=None,
    level=None,
    created_from=None,
    created_to=None,
    sort="-created",
) -> QuerySet[Appeal]:
    """The search page and its export: visible_appeals(user) narrowed by the (already checked) filters of
    appeals.finding. Departments search their whole history here: every appeal they lead or co-handle."""
    qs = visible_appeals(user)
    exact = {
        "status": status,
        "department__code": department,
        "category": category,
        "channel": channel,
        "enterprise__district__code": district,
        "escalation_level": level,
        "created_at__gte": created_from,
        "created_at__lt": created_to,
    }
    qs = qs.filter(**{k: v for k, v in exact.items() if v is not None and v != ""})
    if enterprise:
        qs = qs.filter(enterprise_q(enterprise.strip()))
    if park:
        qs = qs.filter(location__icontains=park)
    if overdue is True:
        qs = qs.filter(overdue_q())
    elif overdue is False:
        qs = qs.exclude(overdue_q())
    if q and q.strip():
        qs = text_filter(qs, q.strip())
    column = SORT_COLUMNS.get((sort or "-created").removeprefix("-"), "created_at")
    desc = (sort or "-created").startswith("-")
    if column in NULLABLE_SORTS:  # appeals without a deadline or department come last either way
        order = F(column).desc(nulls_last=True) if desc else F(column).asc(nulls_last=True)
    else:  # plain, so that a backward scan of the column's index serves "-created" (the default)
        order = f"-{column}" if desc else column
    return list_related(qs).order_by(order, "-id" if desc else "id")


def returned_or_overdue(since, now) -> list[tuple]:
    """What departments did to enterprises' appeals in [since, now), for the negative list's retaliation
    watch: returns (at the return) and appeals still unanswered past their time limit (at the limit).
    (enterprise id, department id, ref, action text, at) tuples, oldest first; refs are stable, so a
    caller may read an overlapping window again."""
    returns = Event.objects.filter(
        action=Action.RETURN, at__gte=since, at__lt=now, department_id__isnull=False
    ).values_list("pk", "appeal__enterprise_id", "department_id", "appeal__number", "at")
    overdue = Appeal.objects.filter(
        status__in=HANDLING, reply_due_at__gte=since, reply_due_at__lt=now, department_id__isnull=False
    ).values_list("pk", "enterprise_id", "department_id", "number", "reply_due_at")
    out = [
        (ent, dept, f"appeal-return:{pk}", f"退回诉求 {number}", at) for pk, ent, dept, number, at in returns
    ]
    out += [
        (ent, dept, f"appeal-overdue:{pk}", f"诉求 {number} 超期未答复", at)
        for pk, ent, dept, number, at in overdue
    ]
    return sorted(out, key=lambda row: row[4])
