"""The navigation registry on its own: order, visibility, sections, the active link."""

from types import SimpleNamespace

import pytest
from django.test import RequestFactory

from wuyou.core import nav


@pytest.fixture
def registry(monkeypatch):
    # A registry of our own, so the apps' real entries neither leak in nor get lost.
    monkeypatch.setattr(nav, "_entries", {})
    return nav


def request_for(path, **user):
    req = RequestFactory().get(path)
    req.user = SimpleNamespace(is_authenticated=True, **user)
    return req


def test_items_follow_order_and_visibility(registry):
    registry.register(name="healthz", label="B", visible=lambda u: True, order=20)
    registry.register(name="set_language", label="A", visible=lambda u: True, order=10)
    registry.register(name="admin:index", label="hidden", visible=lambda u: u.boss, order=5)
    items = registry.items_for(request_for("/healthz", boss=False))
    assert [i["label"] for i in items] == ["A", "B"]
    assert [i["active"] for i in items] == [False, True]
    assert items[1]["url"] == "/healthz"


def test_sections_are_separate(registry):
    registry.register(name="healthz", label="main", visible=lambda u: True, order=1)
    registry.register(name="healthz", label="public", visible=lambda u: True, order=1, section="public")
    req = request_for("/")
    assert [i["label"] for i in registry.items_for(req)] == ["main"]
    assert [i["label"] for i in registry.items_for(req, section="public")] == ["public"]


def test_registering_again_replaces(registry):
    registry.register(name="healthz", label="old", visible=lambda u: True, order=1)
    registry.register(name="healthz", label="new", visible=lambda u: True, order=1)
    assert [e.label for e in registry.entries()] == ["new"]
