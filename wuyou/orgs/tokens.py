"""API tokens: listing and revocation (ASVS 3.3.1, 3.3.3; 等保2.0 三级 身份鉴别 and 访问控制).

A token is revoked by deleting its row: nothing stored can bring it back, not even reactivating its
user. Every revocation is an authentication event in the audit chain.
"""

from __future__ import annotations

from django.utils import timezone

from . import auth_events
from .models import ApiToken


def live(user):
    """The user's tokens that still work, newest first."""
    return ApiToken.objects.filter(user=user, expires_at__gt=timezone.now()).order_by("-created_at", "-pk")


def revoke(token: ApiToken, *, request=None, note: str = "") -> None:
    ApiToken.objects.filter(pk=token.pk).delete()
    auth_events.record("token_revoked", user=token.user, request=request, note=note or f"token={token.pk}")


def revoke_all(user, *, reason: str, request=None) -> int:
    """Every token of `user` (password change, deactivation, lockout); how many there were."""
    count, _ = ApiToken.objects.filter(user=user).delete()
    if count:
        auth_events.record("tokens_revoked", user=user, request=request, note=f"{reason}: {count}")
    return count


def purge_expired(now=None) -> dict:
    """Worker task: drop tokens past their lifetime (they are already refused)."""
    count, _ = ApiToken.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return {"api_tokens_expired": count}
