"""Every API operation and every HTML form, driven with hostile values: never a 5xx, and a refused request
writes nothing.

What is driven is found, not listed: API operations from the OpenAPI schema (their query parameters and body
properties), forms by rendering every page of the refusal matrix as the personas allowed to see it and
reading its <form method="post"> elements. A new endpoint or form is covered without editing this file. The
objects named in URLs are the refusal matrix's world; each request runs in a savepoint that is rolled back.

Hostile values: lone surrogates, NUL and other controls, CR/LF, 100,000-character strings, huge and
negative numbers, NaN and infinity, 50,000-deep JSON, wrong JSON types. Hypothesis draws them with a fixed
seed (derandomize) and no example database, so CI sees the same cases every run."""

import json
import re
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin, urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from wuyou.access_tests import matrix
from wuyou.access_tests.matrix import ANON
from wuyou.access_tests.test_refusal_matrix import (
    BUILDERS,
    _url_params,
    api_operations,
    build_world,
    fill,
    page_routes,
)

pytestmark = pytest.mark.django_db(transaction=False)

HUGE = "99999999999999999999"
TEXTS = [
    "\ud800",  # a lone surrogate (a JSON escape or CESU-8 bytes in a form)
    "前\udfff后",
    "a\x00b",
    "\x00",
    "\x1b[31m\x07\x08",
    "标题\r\nBcc: evil@example.com",
    "\u2028\u2029\x85",
    "x" * 100_000,
    "",
    "   ",
    HUGE,
    "-" + HUGE,
    "-1",
    "0",
    "NaN",
    "Infinity",
    "-inf",
    "1e999999",
    "sNaN",
    "1.5",
    "٣",  # an Arabic-Indic digit: int() accepts it
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "{{ 7*7 }}",
    "../../etc/passwd",
    "\u202eevil",
]
TEXT = st.sampled_from(TEXTS) | st.text(max_size=30)
# JSON bodies carry types too.
JSON_VALUE = TEXT | st.sampled_from(
    [10**30, -(10**30), 2**63, -1, 0, 1.5, 1e308, True, False, None, [], {}, ["\ud800"], {"a": "\x00"}]
)
RAW_BODIES = [
    b"[" * 50_000 + b"]" * 50_000,
    b'{"a":' * 5_000 + b"1" + b"}" * 5_000,
    b'{"x": "\\ud800"}',
    b'{"x": NaN}',
    b"Infinity",
    b"[]",
    b'"text"',
    b"null",
    b"\xff\xfe\x00",
    b'{"unterminated": "',
    b"1" * 10_000,
]

# What a refused request must not change. Not counted: counters and logs that a refusal may legitimately
# move (throttles, numbering, login failures and second factors, task runs, identity-access attempts).
NOT_COUNTED = {
    "core.ThrottleCounter",
    "core.Counter",
    "core.TaskRun",
    "orgs.ApiToken",
    "negative_list.IdentityAccess",
}
PERSONA_ORDER = ["ent_user", "handler", "center", "investigator", "admin", "jw", "cadre", "leader", ANON]
EXAMPLES = 10
CLIENT = Client()


def hypothesis_settings(n=EXAMPLES):
    return hsettings(
        max_examples=n,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )


def counted_models():
    return [
        m
        for m in apps.get_models()
        if m.__module__.startswith("wuyou.")
        and m._meta.label not in NOT_COUNTED
        and m._meta.app_label != "accounts"
        and not m._meta.proxy
    ]


def counts() -> dict:
    found = {m._meta.label: m._default_manager.count() for m in counted_models()}
    # Authentication events (auth.*: a wrong password or code) are the audit of refusals, not a write.
    audit = apps.get_model("core", "AuditRecord")
    found[audit._meta.label] = audit.objects.exclude(action__startswith="auth.").count()
    return found


def personas_for(case, limit=3):
    allowed = [p for p in PERSONA_ORDER if p in case.allow]
    return allowed[:limit] or [PERSONA_ORDER[2]]


def login(w, persona: str, *, api: bool) -> dict:
    cache.clear()  # rate limits count per client across requests
    CLIENT.cookies.clear()
    if persona == ANON:
        return {}
    if api:
        return {"Authorization": f"Bearer {w.tokens[persona]}"}
    CLIENT.cookies[settings.SESSION_COOKIE_NAME] = w.sessions[persona]
    return {}


def encode_form(data: dict) -> bytes:
    # What a hostile client can send: surrogates as their (invalid) UTF-8 bytes, which Django decodes.
    return urlencode(data, doseq=True, encoding="utf-8", errors="surrogatepass").encode("ascii")


def error_flashed(resp) -> bool:
    storage = getattr(resp.wsgi_request, "_messages", None)
    queued = [*getattr(storage, "_queued_messages", []), *getattr(storage, "_loaded_messages", [])]
    return any(m.level >= messages.ERROR for m in queued) and not any(
        m.level == messages.SUCCESS for m in queued
    )


def send(failures: list, label: str, do, *, page: bool):
    """Run one request in a rolled-back savepoint: record a 5xx or exception, and any write by a refusal."""
    try:
        with transaction.atomic():
            before = counts()
            resp = do()
            text = resp.getvalue() if resp.streaming else resp.content
            after = counts()
            transaction.set_rollback(True)
    except Exception as exc:  # the test client re-raises a view's exception: a 500
        failures.append(f"{label}: raised {type(exc).__name__}: {str(exc)[:200]}")
        return None
    status = resp.status_code
    if status >= 500:
        failures.append(f"{label}: {status}")
    refused = status >= 400
    if page and not refused:
        refused = error_flashed(resp) or (status == 200 and b'class="errorlist' in text)
    changed = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
    if refused and changed:
        failures.append(f"{label}: refused with {status} but wrote {changed}")
    return status


# ---------------------------------------------------------------- the API


def api_fields(op: dict) -> tuple[list[str], list[str]]:
    query = [p["name"] for p in op.get("parameters", []) if p.get("in") == "query"]
    body = []
    for content in (op.get("requestBody") or {}).get("content", {}).values():
        schema = content.get("schema", {})
        body.extend(schema.get("properties", {}))
    return query, body


def api_targets(w):
    schema_ops = api_operations()
    for key, op in sorted(schema_ops.items()):
        method, path = key.split(" ", 1)
        case = matrix.API.get(key)
        if case is None:
            continue  # the refusal matrix's completeness test names it
        kwargs = {**(BUILDERS[case.kwargs](w)[0] if case.kwargs else {}), **case.extra}
        url = re.sub(r"{(\w+)}", lambda m, kw=kwargs: str(kw[m.group(1)]), path)
        query, body = api_fields(op)
        base_body = fill(case.body, kwargs) if case.body is not None else {}
        base_query = fill(case.query, kwargs)
        for persona in personas_for(case, limit=2):
            yield key, method, url, persona, query, sorted(set(body) | set(base_body)), base_body, base_query


def drive_api(w, failures, key, method, url, persona, fields, base_body, base_query):
    @given(
        values=st.dictionaries(
            st.sampled_from(fields or ["x"]), JSON_VALUE if method == "POST" else TEXT, max_size=3
        ),
        raw=st.none() | st.sampled_from(RAW_BODIES),
        huge_id=st.booleans(),
    )
    @hypothesis_settings()
    def run(values, raw, huge_id):
        headers = login(w, persona, api=True)
        # An id past bigint in place of the real one: a 404 (or 400), never a 500.
        target = re.sub(r"/\d+(?=/|$)", "/" + HUGE, url, count=1) if huge_id else url
        if method == "GET":
            query = {**base_query, **{k: v for k, v in values.items() if isinstance(v, str)}}
            path = f"{target}?{urlencode(query, errors='surrogatepass')}" if query else target
            label = f"{key} as {persona} {query!r:.200}"
            send(failures, label, lambda: CLIENT.get(path, headers=headers), page=False)
        else:
            body = raw if raw is not None else json.dumps({**base_body, **values}).encode()
            label = f"{key} as {persona} {body[:200]!r}"
            post = lambda: CLIENT.post(target, body, content_type="application/json", headers=headers)  # noqa: E731
            send(failures, label, post, page=False)

    run()


def test_api_operations_survive_hostile_input():
    w = build_world()
    failures, seen = [], set()
    for key, method, url, persona, query_fields, body_fields, base_body, base_query in api_targets(w):
        seen.add(key)
        fields = body_fields if method == "POST" else query_fields
        drive_api(w, failures, key, method, url, persona, fields, base_body, base_query)
    assert not failures, "\n".join(failures[:15])
    assert seen == {k for k in api_operations() if k in matrix.API}, "every operation was driven"


# ---------------------------------------------------------------- the HTML forms


class FormFinder(HTMLParser):
    """Every <form method="post"> of a page: its action and its fields with the values the page gives."""

    def __init__(self):
        super().__init__()
        self.forms, self.current, self.select, self.textarea = [], None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "option" and self.select and self.current is not None:
            if not self.current["fields"].get(self.select):  # the first option, as a browser sends
                self.current["fields"][self.select] = a.get("value") or ""
        elif tag == "form" and (a.get("method") or "").lower() == "post":
            self.current = {"action": a.get("action") or "", "fields": {}}
            self.forms.append(self.current)
        elif self.current is None or not a.get("name"):
            return
        elif tag == "input" and a.get("type") not in ("submit", "button", "file", "image", "reset"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                self.current["fields"].setdefault(a["name"], "")
            else:
                self.current["fields"][a["name"]] = a.get("value") or ""
        elif tag == "select":
            self.select = a["name"]
            self.current["fields"].setdefault(self.select, "")
        elif tag == "textarea":
            self.textarea = a["name"]
            self.current["fields"][self.textarea] = ""
        elif tag == "button" and a.get("value") is not None:
            self.current["fields"].setdefault(a["name"], a["value"])

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea and self.current is not None:
            self.current["fields"][self.textarea] += data


def page_urls(w):
    """(persona, URL) of every GET page the matrix lists, plus the reply form of an appeal in handling."""
    routes = page_routes()
    for key, cases in sorted(matrix.PAGES.items()):
        if key not in routes:
            continue
        route, pattern = routes[key]
        params = _url_params(pattern)
        for case in cases:
            if case.method != "GET":
                continue
            kwargs = {**(BUILDERS[case.kwargs](w)[0] if case.kwargs else {}), **case.extra}
            url = reverse(key, kwargs={k: kwargs[k] for k in params}) if pattern.name else "/" + route
            for persona in personas_for(case):
                yield persona, url
    yield "handler", reverse("appeal_detail", kwargs={"pk": w.handling.pk})


def find_forms(w):
    found = {}
    for persona, url in page_urls(w):
        headers = login(w, persona, api=False)
        resp = CLIENT.get(url, headers=headers)
        if resp.status_code != 200 or resp.streaming or "html" not in resp.get("Content-Type", ""):
            continue
        finder = FormFinder()
        finder.feed(resp.content.decode("utf-8", "replace"))
        for form in finder.forms:
            action = urlsplit(urljoin(url, form["action"] or url)).path
            fields = {k: v for k, v in form["fields"].items() if k != "csrfmiddlewaretoken"}
            if fields:  # one persona per form: the first who sees it
                found.setdefault((action, tuple(sorted(fields))), (persona, fields))
    return {(persona, action, names): fields for (action, names), (persona, fields) in found.items()}


def drive_form(w, failures, persona, action, names, defaults):
    @given(values=st.dictionaries(st.sampled_from(names), TEXT, min_size=1, max_size=3))
    @hypothesis_settings()
    def run(values):
        headers = login(w, persona, api=False)
        body = encode_form({**defaults, **values})
        form = "application/x-www-form-urlencoded"
        post = lambda: CLIENT.post(action, body, content_type=form, headers=headers)  # noqa: E731
        send(failures, f"POST {action} as {persona} {values!r:.200}", post, page=True)

    run()


def test_html_forms_survive_hostile_input():
    from wuyou.appeals.services import appeal_dispatch, perform
    from wuyou.testing import submit

    w = build_world()
    # An appeal the gdgs handler has signed: its page shows the reply form (result, content, cost).
    p = type("P", (), {"ent_user": w.users["ent_user"]})
    w.handling = submit(p, title="待答复的诉求", contact_phone="13812341234")
    appeal_dispatch(appeal_id=w.handling.pk, by=w.users["center"], department="gdgs")
    perform("sign", appeal_id=w.handling.pk, by=w.users["handler"], data={})

    forms = find_forms(w)
    actions = {action for _p, action, _f in forms}
    # The forms people use most were found: new appeal, the reply form, the report form.
    assert reverse("appeal_new") in actions
    # The reply form takes files (issue 10): it posts to the multipart action view.
    assert reverse("appeal_act_files", kwargs={"pk": w.handling.pk, "action": "reply"}) in actions
    assert any("cost_saved_yuan" in names for _p, _a, names in forms)
    failures = []
    for (persona, action, names), defaults in sorted(forms.items()):
        drive_form(w, failures, persona, action, names, defaults)
    assert not failures, "\n".join(failures[:15])
