"""Who may see what. Investigators: center users holding `negative_list.investigate_report`, the admin role
and superusers. Everyone else gets 404 on anything naming a report."""

from wuyou.core.errors import NotFound
from wuyou.orgs.access import ADMIN, DEPT, Role, has_role

PERM = "negative_list.investigate_report"
JW_DEPARTMENT = "jw"
NOT_FOUND = "对象不存在或无权查看"


def is_investigator(user) -> bool:
    # has_role: a superuser acts as admin.
    if has_role(user, ADMIN):
        return True
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
