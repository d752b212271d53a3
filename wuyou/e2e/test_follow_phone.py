"""「我也遇到」on a phone (issue 10, item 11): a colleague starts writing the same problem, the similar list
offers the earlier appeal, they follow it instead of filing it again; when the department replies, the
unread count in the menu leads them to the reply."""

import os

import pytest

from wuyou.appeals import services as s
from wuyou.appeals.models import Appeal, Follower
from wuyou.orgs.models import Department, Role
from wuyou.testing import build_personas, make_user, submit

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
SHOTS = os.environ.get("WUYOU_SHOTS_DIR", "")


def shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, name), full_page=True)


@pytest.fixture
def personas():
    assert Department.objects.filter(code="gdgs").exists(), "migration data missing: department gdgs"
    return build_personas()


def test_a_colleague_follows_the_same_problem_from_a_phone_and_hears_the_reply(personas, page, live_server):
    p = personas
    make_user("zhao", Role.ENTERPRISE, enterprise=p.enterprise, phone="13900001111")
    a = submit(p, title="栗雨工业园停电", content="栗雨工业园本周停电三次，生产线受损")
    s.appeal_dispatch(appeal_id=a.pk, by=p.center, department="gdgs")

    ent = page("zhao", phone=True)
    ent.goto(f"{live_server.url}/appeals/new/")
    ent.fill("input[name=title]", "园区又停电")
    ent.fill("textarea[name=content]", "栗雨工业园今天又停电了，车间设备全部停机")
    button = ent.locator("#similar-intake button.follow-intake")
    button.wait_for()
    assert a.number in ent.locator("#similar-intake").inner_text()
    box = button.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box  # within the phone's width
    shot(ent, "follow-intake-phone.png")
    with ent.expect_navigation():
        button.click()
    assert ent.url.endswith(f"/appeals/{a.pk}/#follow"), ent.url
    assert "未重复提交" in ent.locator(".messages").inner_text()
    assert "您已关注此诉求" in ent.locator("#follow").inner_text()
    shot(ent, "follow-detail-phone.png")
    assert Appeal.objects.count() == 1 and Follower.objects.filter(appeal=a).count() == 1

    s.appeal_sign(appeal_id=a.pk, by=p.handler)
    s.appeal_reply(appeal_id=a.pk, by=p.handler, result="solved", content="已抢修线路，恢复供电")

    ent.goto(f"{live_server.url}/")
    unread = ent.locator("header .unread-count")
    assert unread.is_visible() and "未读 1" in unread.inner_text()
    box = unread.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    shot(ent, "follow-unread-phone.png")
    with ent.expect_navigation():
        unread.click()
    with ent.expect_navigation():
        ent.locator("a", has_text="已答复").first.click()
    assert f"/appeals/{a.pk}/" in ent.url
    assert "已抢修线路，恢复供电" in ent.locator("#reply").inner_text()
