"""Lost intent (issue 9): a report action with the state the investigator saw is refused with 409
stale_state when the report changed since; nothing changes."""

import json

from wuyou.negative_list.models import Status as RS

from .helpers import file_report


def test_report_action_with_a_stale_state_is_refused(p, nl, inv):
    report, _ = file_report(p.ent_user)
    client = p.api(inv)
    url = f"/api/v1/reports/{report.pk}/accept"
    r = client.post(url, json.dumps({"expected_status": "accepted"}), content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "stale_state"
    report.refresh_from_db()
    assert report.status == RS.SUBMITTED
    r = client.post(url, json.dumps({"expected_status": "submitted"}), content_type="application/json")
    assert r.status_code == 200, r.content
    report.refresh_from_db()
    assert report.status == RS.ACCEPTED
