"""Internal notes (内部备注, issue 10 item 6): the handling departments and the center read and write them;
the enterprise never sees one — not on a page, not in the API, not in a notification, not in an export.

The last test asks every GET route of the site and the API that names nothing or only the appeal, as the
enterprise and as its competitor, and looks for the note in every answer (inside spreadsheets too), so an
export or print page added later is covered without being listed here."""

import io
import re
import zipfile

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from pypdf import PdfReader

from wuyou.appeals import notes
from wuyou.appeals import services as s
from wuyou.appeals.models import Appeal, InternalNote
from wuyou.core.audit import AuditRecord
from wuyou.core.errors import Forbidden, InvalidInput, NotFound
from wuyou.notifications.models import DigestItem, Notification, Outbox
from wuyou.orgs.models import ApiToken
from wuyou.testing import submit

BASE = "/api/v1"
# ASCII inside, so the note is found whatever the encoding of an answer (JSON escapes Chinese).
SECRET = "NOTE7731X"
TEXT = f"{SECRET} 内部：该企业与施工方另有合同纠纷，答复时不要提及"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def handled(p) -> Appeal:
    a = submit(p)
    return s.appeal_dispatch(appeal_id=a.pk, by=p.center, department="gdgs", co_departments=["zjj"])


def test_who_reads_and_writes_notes(p):
    a = handled(p)
    for user in (p.handler, p.leader, p.co_handler, p.center):
        notes.note_add(appeal_id=a.pk, by=user, text=f"{user.username} 的备注")
    assert InternalNote.objects.filter(appeal=a).count() == 4
    for user in (p.handler, p.leader, p.co_handler, p.center):
        assert notes.notes_for(user, a).count() == 4
    for user in (p.ent_user, p.city_leader, p.inspector):  # they see the appeal, not its notes
        assert not notes.notes_for(user, a).exists()
        with pytest.raises(Forbidden):
            notes.note_add(appeal_id=a.pk, by=user, text="看不到")
    for user in (p.competitor_user, p.other_handler, p.team, p.cadre):  # they do not see the appeal
        assert not notes.notes_for(user, a).exists()
        with pytest.raises(NotFound):
            notes.note_add(appeal_id=a.pk, by=user, text="看不到")
    # The task force once the appeal is escalated to it.
    s.appeal_escalate(appeal_id=a.pk, by=p.center, level=2, reason="专班介入")
    a.refresh_from_db()
    assert notes.notes_for(p.team, a).count() == 4
    with pytest.raises(InvalidInput) as exc:
        notes.note_add(appeal_id=a.pk, by=p.handler, text="  ")
    assert exc.value.code == "text_required"
    with pytest.raises(InvalidInput) as exc:
        notes.note_add(appeal_id=a.pk, by=p.handler, text="长" * 2001)
    assert exc.value.code == "text_too_long"


def test_a_note_is_no_event_and_is_audited(p):
    a = handled(p)
    n_events = a.events.count()
    note = notes.note_add(appeal_id=a.pk, by=p.handler, text=TEXT)
    assert a.events.count() == n_events
    assert note.department_id == p.handler.department_id
    record = AuditRecord.objects.get(action="internal_note.create")
    assert record.actor_id == p.handler.pk and record.subject_label == f"诉求 {a.number}"


def test_notes_on_the_page_for_staff_only(p):
    a = handled(p)
    c = p.client(p.handler)
    resp = c.post(reverse("appeal_note_add", args=[a.pk]), {"text": TEXT})
    assert resp.status_code == 302 and resp["Location"] == f"/appeals/{a.pk}/#notes"
    for user in (p.handler, p.leader, p.co_handler, p.center):
        page = p.client(user).get(f"/appeals/{a.pk}/").content.decode()
        assert SECRET in page and 'id="notes"' in page, user.username
    for user in (p.ent_user, p.city_leader, p.inspector):
        page = p.client(user).get(f"/appeals/{a.pk}/").content.decode()
        assert SECRET not in page and "内部备注" not in page, user.username
        assert p.client(user).post(reverse("appeal_note_add", args=[a.pk]), {"text": "x"}).status_code == 403
    assert (
        p.client(p.competitor_user).post(reverse("appeal_note_add", args=[a.pk]), {"text": "x"}).status_code
        == 404
    )
    # An empty note: the error beside the box, nothing saved.
    resp = c.post(reverse("appeal_note_add", args=[a.pk]), {"text": " "})
    page = c.get(f"/appeals/{a.pk}/").content.decode()
    assert "内部备注不能为空" in page.split('id="notes"', 1)[1]
    assert InternalNote.objects.count() == 1


def test_notes_over_the_api(p):
    a = handled(p)
    resp = p.api(p.co_handler).post(
        f"{BASE}/appeals/{a.pk}/notes", {"text": TEXT}, content_type="application/json"
    )
    assert resp.status_code == 201, resp.content
    assert resp.json()["department"] == "zjj" and resp.json()["text"] == TEXT
    listed = p.api(p.handler).get(f"{BASE}/appeals/{a.pk}/notes")
    assert listed.status_code == 200 and [n["text"] for n in listed.json()] == [TEXT]
    for user in (p.ent_user, p.city_leader):
        assert p.api(user).get(f"{BASE}/appeals/{a.pk}/notes").status_code == 403
        resp = p.api(user).post(
            f"{BASE}/appeals/{a.pk}/notes", {"text": "x"}, content_type="application/json"
        )
        assert resp.status_code == 403
    assert p.api(p.competitor_user).get(f"{BASE}/appeals/{a.pk}/notes").status_code == 404
    resp = p.api(p.handler).post(
        f"{BASE}/appeals/{a.pk}/notes", {"text": ""}, content_type="application/json"
    )
    assert resp.status_code == 400 and resp.json()["code"] == "text_required"
    # The appeal's detail has no notes, for anyone: they have their own endpoint.
    for user in (p.ent_user, p.handler):
        detail = p.api(user).get(f"{BASE}/appeals/{a.pk}")
        assert detail.status_code == 200 and SECRET not in detail.content.decode()


def test_notes_reach_no_notification(p):
    a = handled(p)
    notes.note_add(appeal_id=a.pk, by=p.handler, text=TEXT)
    notes.note_add(appeal_id=a.pk, by=p.center, text=TEXT)
    # The loop goes on; every notification it sends is free of the notes.
    s.appeal_sign(appeal_id=a.pk, by=p.handler)
    s.appeal_pause(appeal_id=a.pk, by=p.handler, reason="请补充材料")
    s.appeal_supply(appeal_id=a.pk, by=p.ent_user, content="已补充")
    s.appeal_reply(appeal_id=a.pk, by=p.handler, result="solved", content="已解决")
    assert Notification.objects.filter(subject=f"appeal:{a.pk}").exists()
    for model, fields in (
        (Notification, ("title", "body", "link")),
        (Outbox, ("subject", "body")),
        (DigestItem, ("title", "body")),
    ):
        for row in model.objects.values_list(*fields):
            assert not any(SECRET in (v or "") for v in row), (model.__name__, row)


# ---------------------------------------------------------------- every answer the enterprise side gets

APPEAL_PARAMS = {"pk", "appeal_id"}
SKIP_PREFIXES = ("admin/", "static/", "media/", "i18n/")
PARAM = re.compile(r"<(?:\w+:)?(\w+)>")


def _routes():
    """(route, parameter names) of every URL pattern, API operations included."""
    out = []

    def walk(patterns, prefix=""):
        for pat in patterns:
            if isinstance(pat, URLResolver):
                walk(pat.url_patterns, prefix + str(pat.pattern))
            else:
                out.append(prefix + str(pat.pattern))

    walk(get_resolver().url_patterns)
    return out


def _urls(appeal_id: int) -> list[str]:
    urls = []
    for route in _routes():
        if route.startswith(SKIP_PREFIXES) or route.startswith("^"):
            continue
        params = set(PARAM.findall(route))
        if not params <= APPEAL_PARAMS:
            continue
        urls.append("/" + PARAM.sub(str(appeal_id), route))
    return sorted(set(urls))


def _text(resp) -> str:
    body = b"".join(resp.streaming_content) if resp.streaming else resp.content
    parts = [body]
    if body.startswith(b"PK"):  # a spreadsheet or other Office file: read its parts
        try:
            with zipfile.ZipFile(io.BytesIO(body)) as zf:
                parts += [zf.read(n) for n in zf.namelist()]
        except zipfile.BadZipFile:
            pass
    text = "\n".join(x.decode("utf-8", "replace") for x in parts)
    if body.startswith(b"%PDF-"):  # a print download: its text, without the line breaks layout adds
        reader = PdfReader(io.BytesIO(body))
        text += re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))
    return text


@pytest.mark.parametrize("who", ["ent_user", "competitor_user"])
def test_the_enterprise_side_never_meets_a_note_anywhere(p, who):
    a = handled(p)
    s.appeal_sign(appeal_id=a.pk, by=p.handler)
    notes.note_add(appeal_id=a.pk, by=p.handler, text=TEXT)
    notes.note_add(appeal_id=a.pk, by=p.center, text=TEXT)
    s.appeal_reply(appeal_id=a.pk, by=p.handler, result="solved", content="已解决")
    # Staff do meet it: the sweep below would find it if it leaked.
    assert SECRET in p.client(p.handler).get(f"/appeals/{a.pk}/").content.decode()

    # Every route that names nothing or only the appeal, and every link the enterprise's appeal page offers
    # (print layouts and downloads among them).
    own_page = p.client(p.ent_user).get(f"/appeals/{a.pk}/").content.decode()
    links = {u for u in re.findall(r'href="(/[^"#?]*)', own_page) if not u.startswith("/static/")}
    user = getattr(p, who)
    c = Client(headers={"Authorization": f"Bearer {ApiToken.issue(user)}"})
    c.force_login(user)
    urls = sorted(set(_urls(a.pk)) | links)
    assert f"/appeals/{a.pk}/" in urls and f"/api/v1/appeals/{a.pk}" in urls
    assert f"/api/v1/appeals/{a.pk}/notes" in urls  # asked too: refused
    ok = []
    for url in urls:
        resp = c.get(url)
        assert resp.status_code < 500, (url, resp.status_code)
        assert SECRET not in _text(resp), f"{who} meets an internal note at {url}"
        if resp.status_code == 200:
            ok.append(url)
    # The enterprise's own pages were really read, not refused.
    if who == "ent_user":
        assert f"/appeals/{a.pk}/" in ok and f"/api/v1/appeals/{a.pk}" in ok and "/notifications/" in ok
