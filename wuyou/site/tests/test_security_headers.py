"""Security headers (issue 9, item 9): no-store on what must not be cached, a strict CSP that every page
actually satisfies (no inline script, no on*= handler, no inline style), Permissions-Policy."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client

from wuyou.core.headers import mark_no_store, no_store
from wuyou.orgs.access import Role
from wuyou.orgs.models import User
from wuyou.testing import make_user, submit

WUYOU = Path(__file__).resolve().parents[2]


def not_stored(headers) -> bool:
    return "no-store" in headers.get("Cache-Control", "").replace(" ", "").split(",")


def csp_directives(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy", "")
    out = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


@pytest.mark.django_db
def test_pages_of_a_signed_in_user_are_not_stored(p):
    c = p.client(p.ent_user)
    for url in ("/", "/appeals/mine/", "/appeals/new/"):
        r = c.get(url, follow=True)
        assert r.status_code == 200, url
        assert not_stored(r.headers), url
        assert r.headers["Pragma"] == "no-cache", url
    appeal = submit(p)
    r = c.get(f"/appeals/{appeal.pk}/")
    assert r.status_code == 200
    assert not_stored(r.headers)


@pytest.mark.django_db
def test_api_answers_to_a_token_are_not_stored(p):
    api = p.api(p.ent_user)
    r = api.get("/api/v1/me")
    assert r.status_code == 200
    assert not_stored(r.headers)
    # Even a refused token: the request carried a credential.
    r = Client(headers={"Authorization": "Bearer not-a-token"}).get("/api/v1/me")
    assert r.status_code == 401
    assert not_stored(r.headers)


@pytest.fixture
def nl(db):
    from wuyou.negative_list import catalog

    return catalog.load_demo_list()


def file_report():
    from wuyou.negative_list.tests.helpers import file_report

    return file_report()


@pytest.mark.django_db
def test_sensitive_pages_are_not_stored_even_anonymously(nl):
    c = Client()
    for url in ("/login/", "/negative-list/report/", "/negative-list/track/"):
        r = c.get(url)
        assert r.status_code == 200, url
        assert not_stored(r.headers), url
    # A reporter looking up their report: the page shows what they reported.
    report, secret = file_report()
    r = c.post("/negative-list/track/", {"tracking_code": report.tracking_code, "secret": secret})
    assert r.status_code == 200 and report.tracking_code.encode() in r.content
    assert not_stored(r.headers)
    assert inline_code(r.content.decode()) == []
    r = c.post(
        "/api/v1/reports/track",
        {"tracking_code": report.tracking_code, "secret": secret},
        content_type="application/json",
    )
    assert r.status_code < 500
    assert not_stored(r.headers)


@pytest.mark.django_db
def test_public_pages_and_static_files_keep_their_caching(nl):
    r = Client().get("/negative-list/")
    assert r.status_code == 200
    assert "no-store" not in r.headers.get("Cache-Control", "")
    r = Client().get("/static/wuyou/wuyou.css")
    assert r.status_code == 200
    assert "no-store" not in r.headers["Cache-Control"]
    assert "max-age" in r.headers["Cache-Control"]
    # A signed-in user's browser fetching the stylesheet still caches it.
    r = Client(headers={"Cookie": "sessionid=whatever"}).get("/static/wuyou/htmx.min.js")
    assert "no-store" not in r.headers["Cache-Control"]


def test_a_view_can_mark_its_response_sensitive(rf):
    from django.http import HttpResponse

    from wuyou.core.headers import SecurityHeadersMiddleware

    @no_store
    def view(request):
        return HttpResponse("identity")

    mw = SecurityHeadersMiddleware(view)
    request = rf.get("/negative-list/")  # a public path: only the mark makes it sensitive
    assert not_stored(mw(request).headers)
    mw = SecurityHeadersMiddleware(lambda r: mark_no_store(HttpResponse("x")))
    assert not_stored(mw(rf.get("/")).headers)
    mw = SecurityHeadersMiddleware(lambda r: HttpResponse("x"))
    assert "Cache-Control" not in mw(rf.get("/"))


@pytest.mark.django_db
def test_content_security_policy_is_strict():
    r = Client().get("/login/")
    d = csp_directives(r)
    assert d["default-src"] == ["'self'"]
    assert d["script-src"] == ["'self'"]
    assert d["style-src"] == ["'self'"]
    assert d["object-src"] == ["'none'"]
    assert d["base-uri"] == ["'self'"]
    assert d["form-action"] == ["'self'"]
    assert d["frame-ancestors"] == ["'none'"]
    assert d["img-src"] == ["'self'", "data:"]
    header = r.headers["Content-Security-Policy"]
    assert "unsafe-eval" not in header and "unsafe-inline" not in header
    assert "http:" not in header and "https:" not in header and "*" not in header


@pytest.mark.django_db
def test_other_security_headers():
    r = Client().get("/login/")
    policy = dict(item.strip().split("=", 1) for item in r.headers["Permissions-Policy"].split(","))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert policy[feature] == "()", feature
    assert r.headers["Referrer-Policy"] == "same-origin"
    assert r.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert r.headers["X-Frame-Options"] == "DENY"
    assert r.headers["X-Content-Type-Options"] == "nosniff"


# --- every page satisfies the policy -----------------------------------------------------------------


class InlineCodeFinder(HTMLParser):
    """Collects what the CSP would block: inline <script>, on*= handlers, javascript: URLs, inline styles."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_script = False
        self._script_has_src = False
        self._script_type = ""
        self._script_text = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name, value in attrs.items():
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
            if name.startswith("hx-on"):
                self.problems.append(f"<{tag} {name}=…> (htmx eval)")
            if name == "style":
                self.problems.append(f"<{tag} style=…>")
            if (
                value
                and name in {"href", "src", "action", "formaction"}
                and value.strip().lower().startswith("javascript:")
            ):
                self.problems.append(f"<{tag} {name}=javascript:…>")
            if value and value.strip().startswith("js:"):
                self.problems.append(f"<{tag} {name}=js:…> (htmx eval)")
        if tag == "style":
            self.problems.append("<style> element")
        if tag == "script":
            self._in_script = True
            self._script_has_src = bool(attrs.get("src"))
            self._script_type = (attrs.get("type") or "").lower()
            self._script_text = ""

    def handle_data(self, data):
        if self._in_script:
            self._script_text += data

    def handle_endtag(self, tag):
        if tag == "script" and self._in_script:
            self._in_script = False
            executable = self._script_type in {"", "text/javascript", "module", "application/javascript"}
            if executable and not self._script_has_src:
                self.problems.append(f"inline <script>: {self._script_text.strip()[:60]!r}")
            if self._script_has_src and self._script_text.strip():
                self.problems.append("<script src> with inline body")


def inline_code(html: str) -> list[str]:
    finder = InlineCodeFinder()
    finder.feed(html)
    return finder.problems


def test_the_finder_sees_what_the_policy_blocks():
    # The check below is only as good as this parser.
    bad = (
        '<script>alert(1)</script><select onchange="this.form.submit()"></select>'
        '<a href="javascript:void(0)">x</a><div style="color:red"></div><style>p{}</style>'
        '<div hx-on:click="x()"></div><div hx-vals="js:{a:1}"></div>'
    )
    assert len(inline_code(bad)) == 7
    good = '<script src="/static/x.js" defer></script><script type="application/json">{"a":1}</script>'
    assert inline_code(good) == []


LINK = re.compile(r'<a [^>]*href="(/[^"#?]*)"')


def role_users(p):
    users = {
        "enterprise": p.ent_user,
        "center": p.center,
        "dept_handler": p.handler,
        "dept_leader": p.leader,
        "team": p.team,
        "leader": p.city_leader,
        "inspector": p.inspector,
        "cadre": p.cadre,
        # As the demo makes them: the system administrator a superuser, the security one staff (admin site).
        "admin": make_user("sysadmin", Role.ADMIN, department="ybhj", is_superuser=True, is_staff=True),
        "security_admin": make_user("secadmin", Role.SECURITY_ADMIN, is_staff=True),
        "audit_admin": make_user("auditadmin", Role.AUDIT_ADMIN),
    }
    assert set(users) == {r.value for r in Role}, "a role without a page check"
    return users


def crawl(client, start: list[str], limit: int = 40) -> dict[str, str]:
    """GET the start pages and every same-site page they link to (one level), skipping downloads."""
    seen: dict[str, str] = {}
    queue = list(start)
    for depth in range(2):
        nxt = []
        for url in queue:
            if url in seen or len(seen) >= limit or url.endswith((".xlsx", ".csv", ".json")):
                continue
            if url.startswith(("/logout", "/static/", "/media/", "/admin/", "/i18n/", "/api/")):
                continue
            r = client.get(url, follow=True)
            if r.status_code != 200 or not r.headers.get("Content-Type", "").startswith("text/html"):
                seen[url] = ""
                continue
            html = r.content.decode()
            seen[url] = html
            if depth == 0:
                nxt.extend(LINK.findall(html))
        queue = nxt
    return {u: h for u, h in seen.items() if h}


@pytest.mark.django_db
def test_no_page_has_inline_script_handlers_or_styles(p, nl):
    appeal = submit(p)
    pages = 0
    for role, user in role_users(p).items():
        c = Client()
        c.force_login(user)
        found = crawl(c, ["/", f"/appeals/{appeal.pk}/", "/account/two-factor/", "/account/password/"])
        assert len(found) >= 3, (role, list(found))
        for url, html in found.items():
            assert inline_code(html) == [], f"{role} {url}: {inline_code(html)}"
        pages += len(found)
    anonymous = crawl(Client(), ["/login/", "/negative-list/", "/negative-list/report/", "/no-such-page/"])
    # Django's admin (the system and security administrators') is served under the same policy.
    admin = Client()
    admin.force_login(User.objects.get(username="sysadmin"))
    for url in ("/admin/", "/admin/orgs/user/", "/admin/orgs/department/"):
        r = admin.get(url)
        assert r.status_code == 200, url
        assert inline_code(r.content.decode()) == [], f"{url}: {inline_code(r.content.decode())}"
    for url, html in anonymous.items():
        assert inline_code(html) == [], f"anonymous {url}: {inline_code(html)}"
    assert pages > 40


def test_no_template_has_inline_script_handlers_or_styles():
    """Every template, including fragments and branches the crawl above does not reach."""
    templates = [t for t in WUYOU.rglob("templates/**/*.html")]
    assert len(templates) > 50
    for path in templates:
        source = re.sub(r"{[{%#].*?[}%#]}", " ", path.read_text(), flags=re.S)
        assert inline_code(source) == [], f"{path.relative_to(WUYOU)}: {inline_code(source)}"


@pytest.mark.django_db
def test_totp_enrolment_qr_is_inline_svg_the_policy_allows(p):
    c = p.client(p.ent_user)
    r = c.get("/login/enroll/", follow=True)
    if b'id="totp-qr"' not in r.content:
        r = c.get("/account/two-factor/", follow=True)
    html = r.content.decode()
    assert 'id="totp-qr"' in html, "no enrolment page with the QR code"
    qr = html.split('id="totp-qr"', 1)[1]
    assert "<svg" in qr.split("</div>", 1)[0]
    assert inline_code(html) == []
