"""Reads of the notifications app. Every read starts from the user: nobody sees another's entries."""

from .models import Notification

UNREAD_CAP = 99


def inbox(user, *, unread: bool = False):
    qs = Notification.objects.filter(user=user)
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-id")


def unread_count(user, cap: int = UNREAD_CAP) -> int:
    """At most cap + 1: the header says "99+", and counting a busy inbox to the end would cost more."""
    return Notification.objects.filter(user=user, read_at__isnull=True)[: cap + 1].count()
