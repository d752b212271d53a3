"""The kinds of notification a user can set email preferences for.

A kind is a dotted string ("appeal.escalate"); a preference for "appeal" also covers "appeal.escalate"
unless that has its own. Apps register the kinds they send in their notify.py, which
NotificationsConfig.ready imports; only registered kinds appear on the preferences page."""

KINDS: dict[str, str] = {}


def register(code: str, label) -> str:
    KINDS[code] = label
    return code


def lineage(kind: str) -> list[str]:
    """The kind and its parents, most specific first: "appeal.escalate" → ["appeal.escalate", "appeal"]."""
    if not kind:
        return []
    parts = kind.split(".")
    return [".".join(parts[:i]) for i in range(len(parts), 0, -1)]


def choices() -> list[tuple[str, str]]:
    return sorted(KINDS.items())
