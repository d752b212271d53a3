"""Lost intent (issue 9): an action carries the state the person saw; when the subject changed since,
the kernel refuses with 409 stale_state and nothing changes. Calls without it keep working."""

import json

from django.urls import reverse

from wuyou.appeals import services as s
from wuyou.appeals.models import Appeal, Status
from wuyou.testing import submit


def replied(p) -> Appeal:
    a = submit(p)
    s.appeal_dispatch(appeal_id=a.pk, by=p.center, department="gdgs")
    s.appeal_sign(appeal_id=a.pk, by=p.handler)
    return s.appeal_reply(appeal_id=a.pk, by=p.handler, result="solved", content="已完成线路检修。")


def act(client, appeal_id, action, body):
    return client.post(
        f"/api/v1/appeals/{appeal_id}/{action}", json.dumps(body), content_type="application/json"
    )


def test_center_close_after_enterprise_disputed_is_refused_and_the_dispute_stands(p):
    # The scenario: the center looks at a replied appeal and decides to close it; meanwhile the
    # enterprise rates the reply unsatisfied. The center's close must not bury the dispute.
    a = replied(p)
    center, ent = p.api(p.center), p.api(p.ent_user)
    seen_by_center = "replied"
    r = act(
        ent,
        a.pk,
        "rate",
        {"rating": "unsatisfied", "resolved": False, "comment": "仍然停电", "expected_status": "replied"},
    )
    assert r.status_code == 200, r.content
    r = act(center, a.pk, "close", {"reason": "已答复，办结", "expected_status": seen_by_center})
    assert r.status_code == 409
    assert r.json()["code"] == "stale_state"
    assert "不满意复核" in r.json()["message"] or "状态已变化" in r.json()["message"]
    a.refresh_from_db()
    assert a.status == Status.REVIEWING
    assert a.closed_at is None
    assert not a.events.filter(action="close").exists()


def test_close_with_the_state_seen_now_and_without_expected_status_still_work(p):
    a = replied(p)
    r = act(p.api(p.center), a.pk, "close", {"reason": "已答复，办结", "expected_status": "replied"})
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "closed"
    b = replied(p)
    r = act(p.api(p.center), b.pk, "close", {"reason": "已答复，办结"})
    assert r.status_code == 200, r.content


def test_unknown_expected_status_is_a_400_and_outsiders_still_get_404(p):
    a = replied(p)
    r = act(p.api(p.center), a.pk, "close", {"reason": "办结", "expected_status": "nosuchstate"})
    assert r.status_code == 400 and r.json()["code"] == "invalid_expected_status"
    # The competitor cannot see the appeal: the same 404 whatever expected_status says.
    r = act(p.api(p.competitor_user), a.pk, "rate", {"rating": "satisfied", "expected_status": "closed"})
    assert r.status_code == 404
    a.refresh_from_db()
    assert a.status == Status.REPLIED


def test_api_schema_documents_expected_status_on_actions(p):
    schema = p.api(p.center).get("/api/v1/openapi.json").json()
    assert "expected_status" in json.dumps(schema)


def test_page_forms_send_the_state_and_a_stale_page_form_changes_nothing(p):
    a = replied(p)
    center = p.client(p.center)
    html = center.get(reverse("appeal_detail", args=[a.pk])).content.decode()
    assert 'name="expected_status" value="replied"' in html
    s.appeal_rate(appeal_id=a.pk, by=p.ent_user, rating="unsatisfied", resolved=False, comment="仍然停电")
    r = center.post(
        reverse("appeal_act", args=[a.pk, "close"]),
        {"reason": "已答复，办结", "expected_status": "replied"},
        follow=True,
    )
    assert "状态已变化" in r.content.decode()
    a.refresh_from_db()
    assert a.status == Status.REVIEWING
