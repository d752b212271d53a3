"""The refusal matrix: every URL pattern and every API operation, requested as every persona.

Two kinds of test:
- completeness: every route of Django's resolver and every operation of the OpenAPI schema has an entry
  in matrix.py, and every entry names a route that still exists. A new route without an entry turns CI red
  with the exact lines to add;
- one test per route (or operation): each persona gets what the matrix says — allowed (2xx/3xx), or
  refused (403/404, a redirect to the login page for an anonymous page, 401 for the anonymous API, 405 for a
  GET on a POST-only route), never a 5xx, and a refused body never contains the private data of the object
  named in the URL.

Each request runs in a savepoint that is rolled back, so an allowed POST (an action that really happens)
does not change what the next persona sees; the objects are built once per class (setUpTestData).
"""

import json
import re
import shutil
import tempfile
from datetime import timedelta
from http.cookies import SimpleCookie

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, TestCase, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from wuyou.access_tests import matrix
from wuyou.access_tests.matrix import ANON, PERSONAS, Case

LOGIN_PATH = "/login/"
PNG = (  # a real 1×1 PNG: uploads are decoded before they are accepted
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x00\x00\x00\x00:~\x9bU"
    b"\x00\x00\x00\nIDATx\xdac`\x00\x00\x00\x02\x00\x01\xe5'\xde\xfc\x00\x00\x00\x00IEND\xaeB`\x82"
)
PDF = b"%PDF-1.4 matrix evidence"

# Private data of the objects named in URLs: a refused response must contain none of it.
APPEAL_TITLE = "矩阵测试私密诉求标题"
APPEAL_PHONE = "13955550001"
ATTACHMENT_NAME = "矩阵测试私密附件.png"
CLUSTER_TITLE = "矩阵测试批量诉求标题"
REPORT_TEXT = "矩阵测试举报内容科长暗示请客"
REPORTER_NAME = "矩阵举报人"
REPORTER_PHONE = "13955550002"
DEPT_REQUEST_SUMMARY = "矩阵测试情况说明摘要"
EVIDENCE_NAME = "矩阵测试私密证据.pdf"
DRAFT_NAME = "矩阵测试草稿清单"
NOTIFICATION_TITLE = "矩阵测试私人消息标题"


# ---------------------------------------------------------------- what exists


def _walk(patterns, prefix="", namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = namespace + (f"{p.namespace}:" if p.namespace else "")
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        else:
            yield prefix + str(p.pattern), (namespace + p.name) if p.name else None, p


def _excluded(route: str) -> bool:
    return any(route.lstrip("^").startswith(prefix) for prefix in matrix.EXCLUDED)


def _is_api_operation(pattern: URLPattern) -> bool:
    # django-ninja's operations are covered by the OpenAPI half of the matrix; its docs views are pages.
    return getattr(pattern.callback, "__module__", "") == "ninja.operation"


def page_routes() -> dict[str, tuple[str, URLPattern]]:
    """Matrix key (the URL name, else the route) → (route, pattern), for every page the resolver knows."""
    found = {}
    for route, name, pattern in _walk(get_resolver().url_patterns):
        if _excluded(route) or _is_api_operation(pattern):
            continue
        found[name or route] = (route, pattern)
    return found


def api_operations() -> dict[str, dict]:
    from wuyou.api import api

    schema = api.get_openapi_schema()
    return {
        f"{method.upper()} {path}": op for path, ops in schema["paths"].items() for method, op in ops.items()
    }


def _view_name(pattern: URLPattern) -> str:
    cb = pattern.callback
    cb = getattr(cb, "view_class", None) or getattr(cb, "__wrapped__", None) or cb
    return f"{getattr(cb, '__module__', '?')}.{getattr(cb, '__qualname__', getattr(cb, '__name__', '?'))}"


def _url_params(pattern: URLPattern) -> list[str]:
    return list(pattern.pattern.regex.groupindex)


def missing_page_message(key: str, route: str, pattern: URLPattern) -> str:
    params = _url_params(pattern)
    kwargs = ', kwargs="<builder>"' if params else ""
    return (
        f"route {route!r} (name {key!r}, view {_view_name(pattern)}) has no entry in "
        f"wuyou/access_tests/matrix.py. Read the view, decide who may use it, and add to PAGES:\n"
        f'    "{key}": (\n'
        f'        Case("GET", allow=<personas, e.g. CENTER | OVERSIGHT>{kwargs}),\n'
        f'        Case("POST", allow=<...>{kwargs}),  # if it accepts POST; only POST if it is POST-only\n'
        f"    ),\n"
        + (
            f"URL parameters {params}: name a builder from test_refusal_matrix.BUILDERS "
            f"({', '.join(sorted(BUILDERS))}) or add one there; fix the others with extra={{...}} "
            f'(e.g. extra={{"action": "sign"}}).\n'
            f"Persona groups: EVERYONE, USERS, ENTERPRISE, DEPT, CENTER, OVERSIGHT, INVESTIGATORS, STATS, "
            f"APPEAL_SEEN; the personas are listed in matrix.PERSONAS.\n"
            if params
            else ""
        )
    )


def missing_api_message(key: str, op: dict) -> str:
    method = key.split()[0]
    params = re.findall(r"{(\w+)}", key)
    kwargs = ', kwargs="<builder>"' if params else ""
    return (
        f"API operation {key!r} ({op.get('operationId')}) has no entry in wuyou/access_tests/matrix.py. "
        f"Read the operation, decide who may call it, and add to API:\n"
        f'    "{key}": Case("{method}", allow=<personas>{kwargs}),\n'
        + (
            f"Path parameters {params}: name a builder from BUILDERS ({', '.join(sorted(BUILDERS))}); fix the "
            f'others with extra={{...}} (e.g. extra={{"action": "sign"}}). A POST with a required body needs '
            f"body={{...}}, else every persona gets 422 and nothing is checked.\n"
            if params or method == "POST"
            else ""
        )
    )


# ---------------------------------------------------------------- the objects named in URLs


def _appeal(w):
    return {"pk": w.appeal.pk, "appeal_id": w.appeal.pk}, [APPEAL_TITLE, APPEAL_PHONE]


def _attachment(w):
    return {"pk": w.appeal.pk, "attachment_id": w.attachment.pk}, [APPEAL_TITLE, ATTACHMENT_NAME]


def _cluster(w):
    return {"pk": w.cluster.pk}, [CLUSTER_TITLE, APPEAL_TITLE]


def _report(w):
    return {"pk": w.report.pk, "report_id": w.report.pk}, [REPORT_TEXT, REPORTER_NAME, REPORTER_PHONE]


def _evidence(w):
    return {"pk": w.evidence.pk}, [REPORT_TEXT, EVIDENCE_NAME]


def _dept_request(w):
    return {"request_id": w.dept_request.pk}, [DEPT_REQUEST_SUMMARY, REPORT_TEXT]


def _list_version(w):
    return {"pk": w.list_version.pk}, []


def _draft_version(w):
    return {"pk": w.draft_version.pk}, [DRAFT_NAME]


def _item(w):
    return {"code": w.item_code}, []


def _notification(w):
    return {"pk": w.notification.pk}, [NOTIFICATION_TITLE]


def _tracking(w):
    return {"tracking_code": w.tracking_code, "secret": w.tracking_secret}, [REPORT_TEXT]


def _enterprise(w):
    return {"uscc": w.appeal.enterprise.uscc}, []


def _year(w):
    return {"year": timezone.localdate().year}, []


def _api_token(w):
    # The handler's own token: only the handler may revoke it; for everyone else it does not exist.
    from wuyou.orgs.models import ApiToken, hash_token

    return {"token_id": ApiToken.objects.get(key_hash=hash_token(w.tokens["handler"])).pk}, []


def _open311_service(w):
    return {"service_code": "help"}, []


def _open311_request(w):
    return {"request_id": w.appeal.number, "token": w.appeal.number}, [APPEAL_TITLE, APPEAL_PHONE]


# The matrix names these (Case.kwargs); each returns (URL kwargs, private strings of the object).
BUILDERS = {
    "appeal": _appeal,
    "attachment": _attachment,
    "cluster": _cluster,
    "report": _report,
    "evidence": _evidence,
    "dept_request": _dept_request,
    "list_version": _list_version,
    "draft_version": _draft_version,
    "item": _item,
    "year": _year,
    "notification": _notification,
    "tracking": _tracking,
    "enterprise": _enterprise,
    "open311_service": _open311_service,
    "api_token": _api_token,
    "open311_request": _open311_request,
}


class World:
    """The objects of one test class: built once, read by every cell."""

    def __deepcopy__(self, memo):
        # setUpTestData copies its attributes for each test; the cells only read these objects (their
        # writes happen in rolled-back savepoints), and copying them for ~90 tests costs seconds.
        return self


def build_world() -> World:
    from wuyou.appeals import services as appeals
    from wuyou.dispatch.models import Cluster, ClusterMember
    from wuyou.negative_list import catalog, demo_list
    from wuyou.negative_list import services as reports
    from wuyou.negative_list.models import DeptRequest, ListVersion
    from wuyou.notifications.models import Notification
    from wuyou.open311.models import Open311Key
    from wuyou.orgs.models import ApiToken, Department, Role
    from wuyou.testing import build_personas, make_user, submit

    w = World()
    p = build_personas()
    users = {name: getattr(p, name) for name in PERSONAS if hasattr(p, name)}
    users["admin"] = make_user("admin", Role.ADMIN, is_superuser=True, is_staff=True)
    # A center user holding the negative list's investigation permission (the plain center persona has not).
    users["investigator"] = make_user("nl-investigator", Role.CENTER, department="ybhj")
    users["investigator"].user_permissions.add(Permission.objects.get(codename="investigate_report"))
    users["jw"] = make_user("jw", Role.DEPT_HANDLER, department="jw")  # 纪委监委: referrals
    users["security_admin"] = make_user("sec-admin", Role.SECURITY_ADMIN, is_staff=True)
    users["audit_admin"] = make_user("audit-admin", Role.AUDIT_ADMIN)
    assert set(users) | {ANON} == set(PERSONAS), "every persona of matrix.PERSONAS is built here"

    appeal = submit(
        p,
        title=APPEAL_TITLE,
        contact_phone=APPEAL_PHONE,
        files=[SimpleUploadedFile(ATTACHMENT_NAME, PNG, content_type="image/png")],
    )
    w.appeal = appeals.appeal_dispatch(
        appeal_id=appeal.pk, by=p.center, department="gdgs", co_departments=["zjj"]
    )
    w.attachment = w.appeal.attachments.get()

    w.cluster = Cluster.objects.create(
        title=CLUSTER_TITLE,
        status=Cluster.Status.LINKED,
        lead_department=Department.objects.get(code="gdgs"),
        created_at=timezone.now(),
        linked_at=timezone.now(),
        linked_by=p.center,
    )
    ClusterMember.objects.create(cluster=w.cluster, appeal=w.appeal, linked=True)

    # A few rows of the built-in list, published: the pages and exports then cost little per request.
    w.list_version = catalog.create_version(
        name="矩阵测试清单",
        version="matrix-1",
        issuer="测试",
        effective_on=None,
        rows=list(demo_list.rows())[:6],
    )
    catalog.publish(version_id=w.list_version.pk, status=ListVersion.Status.TRIAL)
    w.item_code = w.list_version.items.order_by("code").values_list("code", flat=True).first()
    w.draft_version = ListVersion.objects.create(name=DRAFT_NAME, version="matrix-draft", issuer="测试")
    w.report, _ = reports.report_submit(
        by=p.ent_user,
        items=[w.item_code],
        department="gdgs",
        official="王科长",
        occurred_on=timezone.localdate() - timedelta(days=3),
        place="栗雨工业园",
        description=REPORT_TEXT,
        reporter_name=REPORTER_NAME,
        reporter_phone=REPORTER_PHONE,
        files=[SimpleUploadedFile(EVIDENCE_NAME, PDF, content_type="application/pdf")],
    )
    inv = users["investigator"]
    reports.perform("accept", report_id=w.report.pk, by=inv, data={})
    reports.perform(
        "request_explanation", report_id=w.report.pk, by=inv, data={"summary": DEPT_REQUEST_SUMMARY}
    )
    w.dept_request = DeptRequest.objects.get(report=w.report)
    w.evidence = w.report.evidence.get()
    anonymous_report, w.tracking_secret = reports.report_submit(
        by=None,
        items=[w.item_code],
        department="zrzyj",
        occurred_on=timezone.localdate() - timedelta(days=2),
        description=REPORT_TEXT + "（匿名）",
    )
    w.tracking_code = anonymous_report.tracking_code
    w.notification = Notification.objects.create(
        user=p.handler, title=NOTIFICATION_TITLE, body="只给 gdgs 经办人", link=f"/appeals/{w.appeal.pk}/"
    )

    w.users = users
    w.sessions, w.tokens, w.open311_keys = {}, {}, {}
    for name, user in users.items():
        c = Client()
        c.force_login(user)
        w.sessions[name] = c.cookies[settings.SESSION_COOKIE_NAME].value
        w.tokens[name] = ApiToken.issue(user)
        w.open311_keys[name] = Open311Key.issue(name=f"matrix {name}", user=user)[1]
    return w


# ---------------------------------------------------------------- one cell


def fill(value, kwargs: dict):
    """Put URL-parameter values into a query or body: "{request_id}" alone keeps the value's type."""
    if isinstance(value, dict):
        return {k: fill(v, kwargs) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, kwargs) for v in value]
    if isinstance(value, str):
        whole = re.fullmatch(r"{(\w+)}", value)
        return kwargs[whole.group(1)] if whole else value.format_map(kwargs)
    return value


class Target:
    """One entry's case made concrete: its URL, the values of its parameters, the private strings."""

    def __init__(self, w: World, case: Case, url_for):
        kwargs, self.secrets = BUILDERS[case.kwargs](w) if case.kwargs else ({}, [])
        self.kwargs = {**kwargs, **case.extra}
        self.url = url_for(self.kwargs)
        self.query = fill(case.query, self.kwargs)
        self.body = fill(case.body, self.kwargs) if case.body is not None else None
        self.hidden = BUILDERS[case.hide](w)[1] if case.hide else []


# One client for every cell: a new Client loads the middleware again (WhiteNoise scans the static files),
# which costs more than most requests. Only its cookies and headers change from persona to persona.
CLIENT = Client()


def request(w: World, case: Case, target: Target, persona: str, method: str, *, api: bool):
    """(response, None), or (None, what was raised): the test client re-raises a view's exception."""
    cache.clear()  # rate limits (report tracking) count per IP across cells
    c = CLIENT
    c.cookies = SimpleCookie()
    headers = {}
    if persona != ANON:
        if api:
            headers["Authorization"] = f"Bearer {w.tokens[persona]}"
        elif case.auth == "open311":
            headers["X-Api-Key"] = w.open311_keys[persona]
        else:
            c.cookies[settings.SESSION_COOKIE_NAME] = w.sessions[persona]
    try:
        # Rolled back: an allowed POST really happens, and must not change what the next persona meets.
        with transaction.atomic():
            if method == "GET":
                resp = c.get(target.url, target.query, headers=headers)
            elif method == "DELETE":
                resp = c.delete(target.url, headers=headers)
            elif api:
                body = json.dumps(target.body).encode() if target.body is not None else b""
                resp = c.post(target.url, body, content_type="application/json", headers=headers)
            else:
                resp = c.post(target.url, target.body or {}, headers=headers)
            text = resp.getvalue() if resp.streaming else resp.content
            transaction.set_rollback(True)
    except Exception as exc:
        return None, None, f"raised {type(exc).__name__}: {exc}"
    return resp, text.decode("utf-8", "replace"), None


def _error_flashed(resp) -> bool:
    queued = getattr(getattr(resp.wsgi_request, "_messages", None), "_queued_messages", [])
    return any(m.level >= messages.ERROR for m in queued) and not any(
        m.level == messages.SUCCESS for m in queued
    )


def _location(resp) -> str:
    return f" → {resp['Location']}" if resp.has_header("Location") else ""


def check_cell(
    w: World, case: Case, target: Target, persona: str, *, api: bool, method: str | None = None
) -> str | None:
    """None when the response is what the matrix says, else a one-line explanation.

    `method` other than case.method is the GET sent to a POST-only route: 405, or refused as usual."""
    method = method or case.method
    post_only_get = method != case.method
    resp, text, error = request(w, case, target, persona, method, api=api)
    where = f"{method} {target.url} as {persona}"
    if resp is None:
        return f"{where}: 5xx ({error})"
    code = resp.status_code
    if code >= 500:
        return f"{where}: {code}"
    if persona in case.hide_from:
        leaked = [s for s in target.hidden if s in text]
        if leaked:
            return f"{where}: {code} shows private data of another user {leaked}"
    login_redirect = code == 302 and LOGIN_PATH in resp.get("Location", "")
    if post_only_get and code == 405:
        return None
    if persona in case.allow and not post_only_get:
        ok = (code == case.status) if case.status else (200 <= code < 400 and not login_redirect)
        if not ok and method == "POST" and code in (400, 409, 422):
            ok = True  # an empty or partial body is bad input, answered as such
        expected = str(case.status) if case.status else "2xx/3xx"
        return None if ok else f"{where}: {code}, the matrix allows it ({expected}){_location(resp)}"
    if persona in case.flash and not post_only_get:
        refused, expected = code == 302 and _error_flashed(resp), "a redirect with an error message"
    else:
        refused = code in (403, 404) or (api and code == 401) or (persona == ANON and login_redirect)
        expected = ("405 or " if post_only_get else "") + "403/404"
        expected += " or 401" if api else " or a redirect to login" if persona == ANON else ""
    if not refused:
        return f"{where}: {code}, the matrix refuses it ({expected}){_location(resp)}"
    leaked = [s for s in target.secrets if s in text]
    if leaked:
        return f"{where}: refused with {code} but the body contains private data {leaked}"
    return None


# ---------------------------------------------------------------- the tests


class MatrixCompleteness(TestCase):
    """No route without an entry, no entry without a route."""

    def test_every_page_has_an_entry(self):
        missing = [
            missing_page_message(key, route, pattern)
            for key, (route, pattern) in sorted(page_routes().items())
            if key not in matrix.PAGES
        ]
        self.assertFalse(missing, "\n" + "\n".join(missing))

    def test_every_api_operation_has_an_entry(self):
        missing = [
            missing_api_message(k, op) for k, op in sorted(api_operations().items()) if k not in matrix.API
        ]
        self.assertFalse(missing, "\n" + "\n".join(missing))

    def test_every_entry_names_an_existing_route(self):
        stale = sorted(set(matrix.PAGES) - set(page_routes())) + sorted(
            set(matrix.API) - set(api_operations())
        )
        self.assertFalse(stale, f"matrix.py names routes that no longer exist; remove them: {stale}")

    def test_every_entry_is_well_formed(self):
        problems = []
        for key, cases in [*matrix.PAGES.items(), *((k, (c,)) for k, c in matrix.API.items())]:
            for case in cases:
                unknown = (case.allow | case.flash | case.hide_from) - set(PERSONAS)
                if unknown:
                    problems.append(f"{key}: unknown personas {sorted(unknown)}")
                for builder in (case.kwargs, case.hide):
                    if builder is not None and builder not in BUILDERS:
                        problems.append(f"{key}: unknown builder {builder!r}")
                if case.method not in ("GET", "POST", "DELETE"):
                    problems.append(f"{key}: method {case.method!r}")
                if case.flash & case.allow:
                    problems.append(
                        f"{key}: personas both allowed and refused {sorted(case.flash & case.allow)}"
                    )
        self.assertFalse(problems, problems)


class RefusalMatrix(TestCase):
    @classmethod
    def setUpClass(cls):
        cls._media = tempfile.mkdtemp(prefix="wuyou-matrix-")
        cls._media_override = override_settings(MEDIA_ROOT=cls._media)
        cls._media_override.enable()
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls._media_override.disable()
        shutil.rmtree(cls._media, ignore_errors=True)

    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()

    def check_page(self, key: str):
        if key not in page_routes():
            self.skipTest("no longer a route: see MatrixCompleteness")
        route, pattern = page_routes()[key]
        params = _url_params(pattern)

        def url_for(kwargs):
            return reverse(key, kwargs={k: kwargs[k] for k in params}) if pattern.name else "/" + route

        errors = []
        cases = matrix.PAGES[key]
        for case in cases:
            target = Target(self.w, case, url_for)
            errors += [check_cell(self.w, case, target, persona, api=False) for persona in PERSONAS]
        if not any(c.method == "GET" for c in cases):
            post = next(c for c in cases if c.method == "POST")
            target = Target(self.w, post, url_for)
            errors += [check_cell(self.w, post, target, p, api=False, method="GET") for p in PERSONAS]
        errors = [e for e in errors if e]
        self.assertFalse(errors, f"\n{key} ({route}) against matrix.PAGES:\n  " + "\n  ".join(errors))

    def check_api(self, key: str):
        if key not in api_operations():
            self.skipTest("no longer an operation: see MatrixCompleteness")
        case = matrix.API[key]
        method, path = key.split(" ", 1)
        target = Target(self.w, case, lambda kwargs: path.format_map(kwargs))
        errors = [check_cell(self.w, case, target, persona, api=True) for persona in PERSONAS]
        if method == "POST" and f"GET {path}" not in matrix.API:  # else the GET is an entry of its own
            errors += [check_cell(self.w, case, target, p, api=True, method="GET") for p in PERSONAS]
        errors = [e for e in errors if e]
        self.assertFalse(errors, f"\n{key} against matrix.API:\n  " + "\n  ".join(errors))


def _slug(key: str) -> str:
    return re.sub(r"\W+", "_", key).strip("_").lower()


def _page_test(key):
    return lambda self: self.check_page(key)


def _api_test(key):
    return lambda self: self.check_api(key)


# One test per entry, so a failure names its route and the others still run.
for _key in matrix.PAGES:
    setattr(RefusalMatrix, f"test_page_{_slug(_key)}", _page_test(_key))
for _key in matrix.API:
    setattr(RefusalMatrix, f"test_api_{_slug(_key)}", _api_test(_key))
