"""Similar appeals at intake (issue 10, item 12): above the submit button, on input and paste, only
confident matches, in words rather than scores."""

from datetime import timedelta

import time_machine
from django.urls import reverse
from django.utils import timezone

from wuyou.testing import submit


def fragment(p, title, content):
    return (
        p.client(p.ent_user)
        .get(reverse("dispatch_similar"), {"title": title, "content": content})
        .content.decode()
    )


def test_a_confident_match_is_described_in_words_with_its_age(p):
    with time_machine.travel(timezone.now() - timedelta(days=2)):
        earlier = submit(p, title="栗雨工业园停电", content="栗雨工业园今天又停电了，生产线全部停工")
    html = fragment(p, "园区停电", "栗雨工业园停电三个小时，设备受损")
    assert earlier.number in html
    assert "同在栗雨的停电诉求，2 天前" in html
    assert "0." not in html  # no raw score


def test_unrelated_and_weak_matches_are_not_shown(p):
    submit(p, title="办理消防验收", content="新厂房消防验收申请材料一直没有受理")
    html = fragment(p, "园区停电", "栗雨工业园停电三个小时，设备受损")
    assert "可能已有人反映过" not in html


def test_the_panel_sits_above_the_button_and_listens_to_input_and_paste(p):
    page = p.client(p.ent_user).get(reverse("appeal_new")).content.decode()
    assert page.index('id="similar-intake"') < page.index('type="submit"')
    trigger = page[page.index('id="similar-intake"') :].split("hx-trigger=", 1)[1].split('"')[1]
    # "input" fires on typing and on paste alike; "keyup" missed pasted text.
    assert "input changed" in trigger and "keyup" not in trigger
