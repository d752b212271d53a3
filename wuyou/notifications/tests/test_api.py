"""GET /api/v1/notifications and POST /api/v1/notifications/read: only the caller's own entries."""

import json

import pytest

from wuyou.notifications import services
from wuyou.notifications.models import Notification

pytestmark = pytest.mark.django_db
URL = "/api/v1/notifications"


def post(client, body):
    return client.post(f"{URL}/read", data=json.dumps(body), content_type="application/json")


@pytest.fixture
def inbox(p):
    for i in range(3):
        services.notify(
            [p.handler], title=f"本部门{i}", link=f"/appeals/{i}/", subject=f"appeal:{i}", kind="appeal"
        )
    services.notify([p.other_handler], title="他人的", email=False)
    return list(Notification.objects.filter(user=p.handler).order_by("id"))


def test_list_is_own_newest_first_with_unread_filter(p, inbox):
    api = p.api(p.handler)
    body = api.get(URL).json()
    assert body["count"] == 3 and body["unread"] == 3
    assert [n["title"] for n in body["items"]] == ["本部门2", "本部门1", "本部门0"]
    assert body["items"][0]["link"] == "/appeals/2/" and body["items"][0]["subject"] == "appeal:2"
    services.mark_read(user=p.handler, ids=[inbox[0].pk])
    unread = api.get(URL, {"unread": "true"}).json()
    assert unread["count"] == 2 and inbox[0].pk not in [n["id"] for n in unread["items"]]


def test_paging_and_page_bounds(p, inbox):
    api = p.api(p.handler)
    assert api.get(URL, {"page": 2}).json()["items"] == []
    resp = api.get(URL, {"page": 0})
    assert resp.status_code == 400 and resp.json()["code"] == "invalid_page"


def test_mark_read_by_ids_and_all(p, inbox):
    api = p.api(p.handler)
    resp = post(api, {"ids": [inbox[0].pk]})
    assert resp.status_code == 200 and resp.json() == {"marked": 1, "unread": 2}
    assert post(api, {"all": True}).json() == {"marked": 2, "unread": 0}
    assert Notification.objects.get(title="他人的").read_at is None


def test_another_users_id_is_404_and_marks_nothing(p, inbox):
    theirs = Notification.objects.get(title="他人的")
    api = p.api(p.handler)
    resp = post(api, {"ids": [inbox[0].pk, theirs.pk]})
    assert resp.status_code == 404 and resp.json()["code"] == "not_found"
    assert not Notification.objects.filter(read_at__isnull=False).exists()
    # …and the owner of the others sees nothing of the caller's
    assert [n["title"] for n in p.api(p.other_handler).get(URL).json()["items"]] == ["他人的"]
    assert post(p.api(p.other_handler), {"ids": [inbox[1].pk]}).status_code == 404


def test_empty_request_and_anonymous(p, inbox):
    resp = post(p.api(p.handler), {})
    assert resp.status_code == 400 and resp.json()["code"] == "nothing_to_mark"
    assert p.api(None).get(URL).status_code == 401
    assert post(p.api(None), {"all": True}).status_code == 401
