"""The second factor with its audit events, one path for the pages and the API token endpoint."""

from wuyou.accounts import twofactor

from . import auth_events


def is_recovery_code(code: str) -> bool:
    # twofactor.verify takes six digits as a TOTP code and anything else as a recovery code.
    code = (code or "").strip().replace(" ", "")
    return not (len(code) == 6 and code.isdigit())


def check_code(request, user, code: str, where: str) -> bool:
    """twofactor.verify, with the audit events: a wrong code, or a recovery code used up."""
    if not twofactor.verify(user, code):
        auth_events.record("twofactor_failed", user=user, request=request, note=where)
        return False
    if is_recovery_code(code):
        left = twofactor.remaining_recovery_codes(user)
        auth_events.record("recovery_code_used", user=user, request=request, note=f"{where}，剩余 {left} 个")
    return True
