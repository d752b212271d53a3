from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from .selectors import UNREAD_CAP, unread_count


def unread(request):
    """`unread_notifications` for the header: the count, or "99+"; counted only when a page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def label():
        n = unread_count(user)
        return f"{UNREAD_CAP}+" if n > UNREAD_CAP else n

    # The link comes from here too: base.html names no app's pages.
    return {
        "unread_notifications": SimpleLazyObject(label),
        "unread_notifications_url": reverse("notifications") + "?unread=1",
    }
