"""The desk (issue 10, item 3): bulk actions over a list's checked rows.

Each appeal goes through the workflow kernel on its own (`services.perform`, with the state the user saw
as `expected_status`) in its own transaction: one refusal writes nothing for that appeal and does not stop
the others. The result says how many succeeded and why each refused one was refused."""

from dataclasses import dataclass, field
from functools import lru_cache

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from pypinyin import Style, lazy_pinyin

from wuyou.core.errors import DomainError, InvalidInput
from wuyou.core.workflow import EXPECTED_STATUS
from wuyou.orgs import access
from wuyou.orgs.access import has_role
from wuyou.orgs.models import Department

from . import selectors, services
from .models import Action, Appeal, Status

# Bulk actions the desk offers, and the most rows one request may carry (a page holds 30).
BULK_ACTIONS = frozenset({Action.SIGN, Action.DISPATCH})
MAX_BULK = 100
# Candidates named in an ambiguity error.
MAX_CANDIDATES = 8


@dataclass
class Refusal:
    appeal_id: int
    number: str  # "" when the user may not see the appeal (nothing about it is told)
    reason: str


@dataclass
class BulkResult:
    action: str
    done: list[int] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)


def parse_ids(raw: list[str]) -> list[int]:
    """The posted ids, in order, without duplicates or garbage; at most MAX_BULK."""
    out: list[int] = []
    for value in raw:
        value = (value or "").strip()
        if value.isdigit() and int(value) not in out:
            out.append(int(value))
    return out[:MAX_BULK]


def bulk_perform(action: str, *, ids: list[int], seen: dict[int, str], by, data: dict) -> BulkResult:
    """Run `action` on each appeal of `ids`, one transaction each. `seen`: the state each row showed."""
    if action not in BULK_ACTIONS:
        raise ValueError(f"not a bulk action: {action}")
    result = BulkResult(action=action)
    for pk in ids:
        row = dict(data)
        row[EXPECTED_STATUS] = seen.get(pk) or ""
        try:
            with transaction.atomic():
                services.perform(action, appeal_id=pk, by=by, data=row)
        except DomainError as exc:
            result.refused.append(Refusal(pk, "", exc.message))
        else:
            result.done.append(pk)
    if result.refused:
        numbers = dict(
            selectors.visible_appeals(by)
            .filter(pk__in=[r.appeal_id for r in result.refused])
            .values_list("pk", "number")
        )
        for r in result.refused:
            r.number = numbers.get(r.appeal_id, "")
    return result


# --- department picker: a code, a name, a short name or pinyin initials -------------------------------


@lru_cache(maxsize=1024)
def initials(name: str) -> str:
    """Pinyin initials of a name, lower case: 国网株洲供电公司 → gwzzgdgs (letters and digits kept)."""
    return "".join(
        s[:1].lower() for s in lazy_pinyin(name, style=Style.FIRST_LETTER, errors="default") if s.strip()
    )


def _subsequence(needle: str, hay: str) -> bool:
    it = iter(hay)
    return all(ch in it for ch in needle)


def department_choices():
    """The active departments with their initials, for the pickers (data-initials on each option)."""
    return [(d, initials(d.name)) for d in Department.objects.filter(is_active=True).order_by("code")]


def resolve_department(text: str) -> Department:
    """The one active department that `text` names, tried in tiers: its code, its full name, part of its
    name, part of its initials, then its characters or initials in order (a short name: 住建局, zjj). The
    first tier that finds anything decides; more than one there is an error listing them."""
    text = (text or "").strip()
    if not text:
        raise InvalidInput("请填写主办部门", code="department_required")
    depts = list(Department.objects.filter(is_active=True).order_by("code"))
    low = text.lower()
    tiers = (
        lambda d: d.code.lower() == low,
        lambda d: d.name == text,
        lambda d: text in d.name,
        lambda d: low.isascii() and low.isalnum() and low in initials(d.name),
        lambda d: _subsequence(text, d.name) or (low.isascii() and _subsequence(low, initials(d.name))),
    )
    for test in tiers:
        found = [d for d in depts if test(d)]
        if len(found) == 1:
            return found[0]
        if found:
            names = "、".join(f"{d.name}（{d.code}）" for d in found[:MAX_CANDIDATES])
            more = f"等 {len(found)} 个" if len(found) > MAX_CANDIDATES else ""
            raise InvalidInput(
                f"「{text}」对应多个部门：{names}{more}，请输入更完整的名称或编码",
                code="ambiguous_department",
            )
    raise InvalidInput(
        f"未找到部门「{text}」，请输入部门名称、简称、编码或拼音首字母", code="unknown_department"
    )


# --- "下一件": the next appeal of the queue the user came from --------------------------------------------

# The queues a `from` value may name: "<list>:<tab>". Anything else is ignored (never a URL).
CENTER_TABS = {
    "new": ("待交办", lambda: Appeal.objects.filter(status=Status.SUBMITTED).order_by("created_at", "pk")),
    "reviewing": (
        "不满意复核",
        lambda: Appeal.objects.filter(status=Status.REVIEWING).order_by("rated_at", "pk"),
    ),
    "returned": (
        "退回待重新交办",
        lambda: Appeal.objects.filter(status=Status.SUBMITTED, return_count__gt=0).order_by(
            "created_at", "pk"
        ),
    ),
}
QUEUE_PAGES = {"inbox": "dept_inbox", "queue": "center_queue"}
# How far into a queue the next item is looked for (a desk works from the top).
NEXT_SCAN = 500


def valid_from(user, value) -> str | None:
    """`value` when it names a queue this user works from, else None."""
    if not isinstance(value, str) or ":" not in value:
        return None
    kind, tab = value.split(":", 1)
    if kind == "inbox" and tab in selectors.DEPT_TABS and has_role(user, access.DEPT) and user.department_id:
        return value
    if kind == "queue" and tab in CENTER_TABS and has_role(user, access.CENTER):
        return value
    return None


def _queue(user, value: str):
    kind, tab = value.split(":", 1)
    if kind == "inbox":
        return selectors.department_inbox(user, tab, timezone.now())
    return CENTER_TABS[tab][1]()


def next_in_queue(user, value: str, current_pk: int) -> int | None:
    """The appeal after `current_pk` in the queue `value` (already validated); when the current one has
    left the queue (it was just signed or dispatched), the queue's first one. None: nothing else."""
    pks = list(_queue(user, value).values_list("pk", flat=True)[:NEXT_SCAN])
    if current_pk in pks:
        i = pks.index(current_pk)
        return pks[i + 1] if i + 1 < len(pks) else None
    return pks[0] if pks else None


def queue_url(value: str) -> str:
    kind, tab = value.split(":", 1)
    return f"{reverse(QUEUE_PAGES[kind])}?tab={tab}"


def queue_label(value: str) -> str:
    kind, tab = value.split(":", 1)
    return (selectors.DEPT_TABS if kind == "inbox" else CENTER_TABS)[tab][0]
