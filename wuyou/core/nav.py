"""The navigation registry: each app declares its own pages in its `nav.py`; the top bar lists them.

Core knows no app and no role: an entry carries `visible(user) -> bool`, written by the app with the
access module. `CoreConfig.ready` imports every installed app's `nav` module, as the admin does with
`admin.py`, so an app adds its links without anyone else changing.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class Entry:
    name: str  # URL name, reversed without arguments
    label: str
    visible: Callable
    order: int
    section: str | None  # None: the signed-in bar; "public": the bar anonymous visitors see


_entries: dict[tuple[str | None, str], Entry] = {}


def register(*, name: str, label, visible: Callable, order: int, section: str | None = None) -> None:
    """Add a link. Registering the same name in the same section again replaces it (reloads in tests)."""
    _entries[(section, name)] = Entry(name, label, visible, order, section)


def unregister(*, name: str, section: str | None = None) -> None:
    _entries.pop((section, name), None)


def entries(section: str | None = None) -> list[Entry]:
    return sorted((e for e in _entries.values() if e.section == section), key=lambda e: (e.order, e.name))


def items_for(request, section: str | None = None) -> list[dict]:
    """The links this request's user sees, in order: {"url", "label", "active"}."""
    user = getattr(request, "user", None)
    items = []
    for entry in entries(section):
        if user is None or not entry.visible(user):
            continue
        url = reverse(entry.name)
        items.append({"url": url, "label": entry.label, "active": request.path.startswith(url)})
    return items
