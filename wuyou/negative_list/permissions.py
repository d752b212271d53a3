"""Who may see what. Investigators: center users holding `negative_list.investigate_report`, the admin role
and superusers. Everyone else gets 404 on anything naming a report."""

from wuyou.core.errors import NotFound
from wuyou.orgs.models import Role

PERM = "negative_list.investigate_report"
JW_DEPARTMENT = "jw"
NOT_FOUND = "对象不存在或无权查看"


def is_investigator(user) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser or user.role == Role.ADMIN:
        return True
    return user.role == Role.CENTER and user.has_perm(PERM)


def is_jw(user) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.department_id
        and user.department.code == JW_DEPARTMENT
    )


def is_dept_user(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_dept)


def require_investigator(user) -> None:
    if not is_investigator(user):
        raise NotFound(NOT_FOUND, code="not_found")
