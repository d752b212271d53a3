"""Reads used by pages and the API. Report querysets here are for investigators only; callers check."""

from django.db.models import Count, Prefetch, Q

from wuyou.core.errors import NotFound
from wuyou.orgs.access import DEPT, has_role

from .catalog import current_version
from .models import Category, DeptRequest, Domain, Item, ListVersion, Referral, Report
from .permissions import NOT_FOUND, is_investigator, is_jw
from .services import account_tag


def version_tree(version: ListVersion):
    """Categories with their domains and items, in three queries plus departments."""
    items = Item.objects.prefetch_related("departments").order_by("position", "code")
    domains = Domain.objects.prefetch_related(Prefetch("items", queryset=items)).order_by("position", "code")
    return (
        Category.objects.filter(version=version)
        .prefetch_related(Prefetch("domains", queryset=domains))
        .order_by("position", "code")
    )


def version_json(version: ListVersion) -> dict:
    return {
        "version": version.version,
        "name": version.name,
        "categories": [
            {
                "code": c.code,
                "name": c.name,
                "domains": [
                    {
                        "code": d.code,
                        "name": d.name,
                        "items": [
                            {
                                "code": i.code,
                                "behaviour": i.behaviour,
                                "departments": [dep.code for dep in i.departments.all()],
                                "basis": i.basis,
                            }
                            for i in d.items.all()
                        ],
                    }
                    for d in c.domains.all()
                ],
            }
            for c in version_tree(version)
        ],
    }


def current_or_404() -> ListVersion:
    lv = current_version()
    if lv is None:
        raise NotFound("负面清单尚未发布", code="no_list")
    return lv


def public_item(code: str) -> Item:
    """An item of the current version, or of any published (non-draft) version for old links."""
    lv = current_or_404()
    item = (
        Item.objects.filter(version=lv, code=code).select_related("domain__category", "version").first()
        or Item.objects.filter(code=code)
        .exclude(version__status=ListVersion.Status.DRAFT)
        .select_related("domain__category", "version")
        .order_by("-version__published_at")
        .first()
    )
    if item is None:
        raise NotFound("清单条目不存在", code="not_found")
    return item


def reports_for(user, *, status: str = "", q: str = ""):
    if not is_investigator(user):
        return Report.objects.none()
    qs = Report.objects.select_related("department").prefetch_related("items").order_by("-created_at", "-id")
    if status == "overdue":
        qs = qs.filter(escalated_at__isnull=False, status__in=["submitted", "accepted", "investigating"])
    elif status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(
            Q(number__icontains=q) | Q(description__icontains=q) | Q(department__name__icontains=q)
        )
    return qs


def report_for_investigator(user, report_id: int) -> Report:
    report = reports_for(user).filter(pk=report_id).first()
    if report is None:
        raise NotFound(NOT_FOUND, code="not_found")
    return report


def my_reports(user):
    if not (user.is_authenticated and user.enterprise_id):
        return Report.objects.none()
    return (
        Report.objects.filter(account_tag=account_tag(user)).prefetch_related("items").order_by("-created_at")
    )


def dept_requests_for(user):
    """What the accused department sees: its own requests, nothing else."""
    if not (has_role(user, DEPT) and user.department_id):
        return DeptRequest.objects.none()
    return DeptRequest.objects.filter(department_id=user.department_id).order_by("-created_at", "-id")


def referrals_for(user):
    if not is_jw(user):
        return Referral.objects.none()
    return (
        Referral.objects.select_related("report__department")
        .prefetch_related("report__items")
        .order_by("-created_at")
    )


def counts(qs, field: str):
    return list(qs.values(field).annotate(n=Count("id", distinct=True)).order_by("-n"))
