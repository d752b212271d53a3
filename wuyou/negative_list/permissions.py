"""Who may see what. Investigators: the designated center users, those holding
`negative_list.investigate_report` themselves or through a group. Not the admin role, and not a superuser
by being one (三权分立: who administers the system does not read reporters' identities); a superuser the
security administrator designated explicitly is one. Everyone else gets 404 on anything naming a report."""

from django.contrib.auth.models import Permission

from wuyou.core.errors import NotFound
from wuyou.orgs.access import DEPT, Role, has_role

PERM = "negative_list.investigate_report"
JW_DEPARTMENT = "jw"
NOT_FOUND = "对象不存在或无权查看"


def _granted_explicitly(user) -> bool:
    # user.has_perm is always True for a superuser; this asks what was actually granted.
    app_label, codename = PERM.split(".")
    perms = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    return perms.filter(user=user).exists() or perms.filter(group__user=user).exists()


def is_investigator(user) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        cached = getattr(user, "_wuyou_designated_investigator", None)
        if cached is None:
            cached = user._wuyou_designated_investigator = _granted_explicitly(user)
        return cached
    return has_role(user, Role.CENTER) and user.has_perm(PERM)


def is_jw(user) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.department_id
        and user.department.code == JW_DEPARTMENT
    )


def is_dept_user(user) -> bool:
    return has_role(user, DEPT)


def require_investigator(user) -> None:
    if not is_investigator(user):
        raise NotFound(NOT_FOUND, code="not_found")
