"""Least exposure (issue 9, item 11): the contact phone is whole only for those who call the enterprise,
and a user sees the same form of it on the appeal page and in the API."""

import pytest
from django.urls import reverse

from wuyou.appeals import services
from wuyou.appeals.models import Appeal
from wuyou.orgs.models import Role
from wuyou.testing import make_user, submit

pytestmark = pytest.mark.django_db

FULL, MASKED = "13812341234", "138****1234"

# persona attribute -> what that role sees
EXPECTED = {
    "ent_user": FULL,  # its own number
    "cadre": FULL,  # the cadre who filed it for the enterprise
    "center": FULL,
    "handler": FULL,
    "leader": FULL,  # department leader of the handling department
    "co_handler": FULL,  # a co-handling department calls too
    "team": MASKED,
    "city_leader": MASKED,
    "inspector": MASKED,
}


@pytest.fixture
def appeal(p):
    a = submit(p, by=p.cadre, enterprise_uscc=p.enterprise.uscc)
    services.appeal_dispatch(appeal_id=a.pk, by=p.center, department="gdgs", co_departments=["zjj"])
    # Escalated to the team (level 2), so every role above may read it.
    Appeal.objects.filter(pk=a.pk).update(escalation_level=2)
    return a


@pytest.mark.parametrize("who", list(EXPECTED))
def test_page_and_api_show_the_same_phone_for_each_role(p, appeal, who):
    user = getattr(p, who)
    expected = EXPECTED[who]
    page = p.client(user).get(reverse("appeal_detail", args=[appeal.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    api = p.api(user).get(f"/api/v1/appeals/{appeal.pk}")
    assert api.status_code == 200
    assert api.json()["contact_phone"] == expected
    assert expected in html
    if expected == MASKED:
        assert FULL not in html and FULL not in api.content.decode()


def test_action_results_mask_the_phone_as_well(p, appeal):
    """The answer to an action is an appeal detail too: a masked role gets no whole number from it."""
    r = p.api(p.team).post(
        f"/api/v1/appeals/{appeal.pk}/supervise", {"note": "请加快办理"}, "application/json"
    )
    assert r.status_code == 200 and r.json()["contact_phone"] == MASKED and FULL not in r.content.decode()
    # The handling department's own answer keeps the number it has to call.
    r = p.api(p.handler).post(f"/api/v1/appeals/{appeal.pk}/sign", {}, "application/json")
    assert r.status_code == 200 and r.json()["contact_phone"] == FULL


def test_system_administrator_acts_as_the_center(p, appeal):
    admin = make_user("u-admin", Role.ADMIN)
    assert p.api(admin).get(f"/api/v1/appeals/{appeal.pk}").json()["contact_phone"] == FULL
    assert FULL in p.client(admin).get(reverse("appeal_detail", args=[appeal.pk])).content.decode()


@pytest.mark.parametrize("role", [Role.SECURITY_ADMIN, Role.AUDIT_ADMIN])
def test_security_and_audit_administrators_get_no_phone_from_either(p, appeal, role):
    user = make_user(f"u-{role}", role)
    api = p.api(user).get(f"/api/v1/appeals/{appeal.pk}")
    page = p.client(user).get(reverse("appeal_detail", args=[appeal.pk]))
    assert api.status_code == 404 and page.status_code == 404
    assert FULL not in api.content.decode() and FULL not in page.content.decode()
