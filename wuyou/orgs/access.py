"""Roles, role groups and the one rule for who holds which role.

Every permission check in the project asks this module, so a superuser is treated the same way
everywhere: as the admin role. It lives in orgs because the Role choices do and core may not import orgs.
It imports nothing from the rest of the project, so models, services and views can all use it.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _

from wuyou.core.errors import Forbidden, NotFound


class Role(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业用户")
    CENTER = "center", _("协调中心")
    DEPT_HANDLER = "dept_handler", _("部门经办人")
    DEPT_LEADER = "dept_leader", _("部门负责人")
    CADRE = "cadre", _("联企干部")
    TEAM = "team", _("办不成事专班")
    LEADER = "leader", _("市领导")
    INSPECTOR = "inspector", _("纪检监察")
    ADMIN = "admin", _("系统管理员")
    # 三权分立 (等保2.0 三级): the system administrator configures, the security administrator manages
    # users, roles and permissions, the audit administrator reads the audit trail and changes nothing.
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    AUDIT_ADMIN = "audit_admin", _("审计管理员")


# Groups. Single-role groups exist so call sites never mix bare strings and sets.
ENTERPRISE = frozenset({Role.ENTERPRISE})
CADRE = frozenset({Role.CADRE})
LEADER = frozenset({Role.LEADER})
INSPECTOR = frozenset({Role.INSPECTOR})
ADMIN = frozenset({Role.ADMIN})
DEPT_LEADER = frozenset({Role.DEPT_LEADER})
TEAM = frozenset({Role.TEAM})
SECURITY_ADMIN = frozenset({Role.SECURITY_ADMIN})
AUDIT_ADMIN = frozenset({Role.AUDIT_ADMIN})

CENTER = frozenset({Role.CENTER, Role.ADMIN})
DEPT = frozenset({Role.DEPT_HANDLER, Role.DEPT_LEADER})
# The enterprise and the cadre who files for it: both act on "their own" appeals.
ENTERPRISE_SIDE = ENTERPRISE | CADRE
# Those who read every appeal and report (the center, city leaders, inspectors).
READ_ALL = CENTER | LEADER | INSPECTOR
# Everyone who handles appeals from the office side.
HANDLERS = CENTER | DEPT | TEAM
# Everyone on the government side: all roles but the enterprise and the cadre.
STAFF = READ_ALL | DEPT | TEAM
# Who may file an appeal on a form: the enterprise itself, a cadre, the center taking a hotline call.
SUBMITTERS = ENTERPRISE_SIDE | CENTER
# Who sees the three-rate statistics and rankings.
STATS = READ_ALL | TEAM | DEPT_LEADER
# Who reads the audit trail (/audit/): the audit administrator and the inspectors (纪检监察), none of whom
# changes the system. Not the center nor the system administrator: they make the changes it records.
AUDIT_READERS = AUDIT_ADMIN | INSPECTOR


def _roles(groups) -> frozenset:
    out = set()
    for group in groups:
        if isinstance(group, str):
            out.add(group)
        else:
            out.update(group)
    return frozenset(out)


def role_of(user) -> str | None:
    """The role a user acts in: "admin" for a superuser, whatever their role field says."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return Role.ADMIN if user.is_superuser else user.role


def has_role(user, *groups_or_roles) -> bool:
    """True when an active, signed-in user acts in one of the roles given (groups or single roles)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return role_of(user) in _roles(groups_or_roles)


def can_grant_roles(user) -> bool:
    """Who may create users and change roles and permissions: the security administrator, and a
    superuser (the installation's break-glass account). Not the system administrator role."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or user.role == Role.SECURITY_ADMIN


def require_role(user, *groups, not_found: bool = False, message: str | None = None) -> None:
    """Raise Forbidden unless the user has one of the roles; NotFound when the object's existence
    must not be confirmed to outsiders."""
    if has_role(user, *groups):
        return
    if not_found:
        raise NotFound(message or "对象不存在或无权查看", code="not_found")
    raise Forbidden(message or "当前角色无权执行该操作", code="forbidden")


def role_required(*groups, message: str = "当前角色无权访问该页面"):
    """Page decorator: anonymous users go to the login page, a wrong role gets the 403 page."""
    allowed = _roles(groups)

    def deco(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                # Imported here: auth.views loads the user model, and models.py imports this module.
                from django.contrib.auth.views import redirect_to_login

                return redirect_to_login(request.get_full_path())
            if not has_role(user, allowed):
                raise PermissionDenied(message)
            return view(request, *args, **kwargs)

        return wrapped

    return deco


def api_require_role(request, *groups, not_found: bool = False, message: str | None = None):
    """For ninja endpoints: the request's user, after require_role (the API maps domain errors to JSON)."""
    user = getattr(request, "auth", None) or getattr(request, "user", None)
    require_role(user, *groups, not_found=not_found, message=message)
    return user
