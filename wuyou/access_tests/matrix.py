"""Who may use each page and API operation. test_refusal_matrix.py requests every entry as every persona.

A new route fails CI until it has an entry here. For each route: one Case per HTTP method it accepts
("POST" alone for a POST-only route: the test then also checks that a GET is refused or 405). `allow` lists
the personas that succeed; every other persona must be refused (403/404; an anonymous page visitor may be
redirected to the login page; the API may answer 401). `flash` lists personas refused the way a form action
refuses a visible object: a redirect back with an error message. `kwargs` names a builder of URL parameters
in test_refusal_matrix.BUILDERS (the object built there also gives the private strings a refusal must not
show).
"""

from dataclasses import dataclass, field

ANON = "anonymous"
PERSONAS = (
    ANON,
    "ent_user",  # the enterprise that filed the appeal and the report
    "competitor_user",  # another enterprise
    "handler",  # gdgs handler: the lead department of the appeal, the accused department of the report
    "leader",  # gdgs leader
    "other_handler",  # zrzyj handler: unrelated department
    "co_handler",  # zjj handler: co-handles the appeal
    "center",
    "team",
    "city_leader",
    "inspector",
    "cadre",
    "admin",  # role admin, superuser
    "investigator",  # a center user with negative_list.investigate_report
    "jw",  # 纪委监委 handler (department jw)
    "security_admin",  # 安全管理员: users, roles and permissions (Django admin), nothing else
    "audit_admin",  # 审计管理员: reads the audit trail, changes nothing
)
EVERYONE = frozenset(PERSONAS)
USERS = EVERYONE - {ANON}
NOBODY = frozenset()
ENTERPRISE = frozenset({"ent_user", "competitor_user"})
DEPT = frozenset({"handler", "leader", "other_handler", "co_handler", "jw"})
CENTER = frozenset({"center", "admin", "investigator"})
OVERSIGHT = CENTER | {"city_leader", "inspector"}
# Only designated investigators: a superuser (the admin persona) is not one by being a superuser (三权分立).
INVESTIGATORS = frozenset({"investigator"})
# Who reads the audit trail: the audit administrator and the inspectors, none of whom changes the system.
AUDIT_READERS = frozenset({"audit_admin", "inspector"})
# The password every persona has (wuyou.testing.PASSWORD): the reveal API asks for it again.
PERSONA_PASSWORD = "persona-pass-123"


@dataclass(frozen=True)
class Case:
    method: str
    allow: frozenset = NOBODY
    kwargs: str | None = None  # a builder in test_refusal_matrix.BUILDERS
    extra: dict = field(default_factory=dict)  # fixed URL parameters, e.g. {"action": "sign"}
    query: dict = field(default_factory=dict)  # GET query string
    body: dict | None = None  # POST body (JSON for the API, a form for pages); None: an empty body
    status: int | None = None  # exact status for allowed personas; None: any 2xx/3xx
    flash: frozenset = NOBODY
    # A list page everyone may open, but whose rows are private: the private strings of the object built by
    # `hide` must not appear in the bodies of the personas in `hide_from` (allowed or not).
    hide: str | None = None
    hide_from: frozenset = NOBODY
    auth: str = "session"  # "session" (pages), "open311" (X-Api-Key); the API always sends a Bearer token
    note: str = ""


# Route prefixes not in the matrix, and why.
EXCLUDED = {
    "admin/": "Django's admin: its own permission system (is_staff and model permissions), tested by Django",
    "i18n/": "Django's set_language: stores a language preference, names no object, open to all by design",
    "static/": "static files (DEBUG only): public assets",
    "media/": "uploaded files (DEBUG only, never in production): attachments go through checked views",
}

# Who sees the appeal built by the "appeal" builder (filed by ent_user, led by gdgs, co-handled by zjj).
APPEAL_SEEN = frozenset(
    {
        "ent_user",
        "handler",
        "leader",
        "co_handler",
        "center",
        "city_leader",
        "inspector",
        "admin",
        "investigator",
    }
)
NOT_OWNER_OF_APPEAL = USERS - APPEAL_SEEN
# Who reads and writes the appeal's internal notes (内部备注): its lead and co-handling departments and the
# center; not the enterprise, nor those who only read (city leaders, inspectors).
NOTE_READERS = frozenset({"handler", "leader", "co_handler", "center", "admin", "investigator"})
STATS = CENTER | {"city_leader", "inspector", "team", "leader"}  # 三率: oversight, the team, dept leaders
LIST_MANAGERS = CENTER  # any center user and admins manage the negative list (not only investigators)

PAGES: dict[str, tuple[Case, ...]] = {
    # ---------------------------------------------------------------- core and accounts
    "healthz": (Case("GET", allow=EVERYONE, status=200, note="load balancer probe, names nothing"),),
    "login": (
        Case("GET", allow=EVERYONE, note="a signed-in user is redirected home"),
        Case("POST", allow=EVERYONE, note="an empty form is shown again with errors"),
    ),
    "logout": (Case("POST", allow=EVERYONE, status=302, note="redirects to the login page"),),
    "home": (Case("GET", allow=USERS, status=302, note="redirects to the role's start page"),),
    # Login steps after the password: without a half-login in the session, back to the login page.
    "login_code": (
        Case("GET", allow=EVERYONE, status=302, note="no password step first: back to the login page"),
        Case("POST", allow=EVERYONE, status=302, note="no password step first: back to the login page"),
    ),
    "login_enroll": (
        Case("GET", allow=EVERYONE, status=302, note="no password step first: back to the login page"),
        Case("POST", allow=EVERYONE, status=302, note="no password step first: back to the login page"),
    ),
    # One's own account: every signed-in user, about themselves only.
    "two_factor": (
        Case("GET", allow=USERS, note="enrolment (secret and QR) or the status of one's own device"),
        Case("POST", allow=USERS, note="an empty form is shown again with errors"),
    ),
    "password_change": (Case("GET", allow=USERS), Case("POST", allow=USERS, note="an empty form: errors")),
    "verify_identity": (Case("GET", allow=USERS), Case("POST", allow=USERS, note="an empty form: errors")),
    "api:openapi-json": (Case("GET", allow=EVERYONE, note="the API schema is public; it holds no data"),),
    "api:openapi-view": (Case("GET", allow=EVERYONE, note="Swagger UI over the public schema"),),
    "api:api-root": (Case("GET", allow=NOBODY, note="the API prefix itself: 404 for everyone"),),
    # ---------------------------------------------------------------- orgs
    "enterprise_list": (
        Case("GET", allow=CENTER),
        Case("POST", allow=CENTER, note="Excel import; an empty form flashes an error"),
    ),
    "enterprise_export": (Case("GET", allow=CENTER),),
    # The audit page of administrative writes: the audit administrator and the inspectors (纪委监委); not
    # the center or the system administrator, who make the changes it records (三权分立).
    "audit_log": (Case("GET", allow=AUDIT_READERS),),
    "audit_export": (Case("GET", allow=AUDIT_READERS),),
    "enterprise_template": (Case("GET", allow=CENTER, note="the import template"),),
    # Enterprise accounts (issue 10). The registration and reset steps are for visitors: a signed-in user is
    # sent home, a later step without the earlier one back to the first; an empty form shows its errors.
    "register": (Case("GET", allow=EVERYONE), Case("POST", allow=EVERYONE, note="empty form: errors")),
    "register_verify": (
        Case("GET", allow=EVERYONE, status=302, note="no code sent in this session: back to step 1"),
        Case("POST", allow=EVERYONE, status=302, note="no code sent in this session: back to step 1"),
    ),
    "sms_reset": (Case("GET", allow=EVERYONE), Case("POST", allow=EVERYONE, note="empty form: errors")),
    "sms_reset_verify": (
        Case("GET", allow=EVERYONE, note="also the page an invitation SMS links to"),
        Case("POST", allow=EVERYONE, note="empty form: errors"),
    ),
    # Only an enterprise's own administrator (User.is_enterprise_admin): no persona is one, so ent_user and
    # competitor_user are refused here; orgs/tests/test_enterprise_accounts.py tests the administrator.
    "enterprise_users": (
        Case("GET", allow=NOBODY, note="enterprise administrators only"),
        Case("POST", allow=NOBODY, note="enterprise administrators only"),
    ),
    "enterprise_registrations": (
        Case("GET", allow=CENTER, note="registrations waiting for the center"),
        Case("POST", allow=CENTER, note="an empty decision flashes an error"),
    ),
    # ---------------------------------------------------------------- appeals
    "appeal_new": (
        Case("GET", allow=ENTERPRISE | CENTER | {"cadre"}),
        Case("POST", allow=ENTERPRISE | CENTER | {"cadre"}, note="an empty form is shown again with errors"),
    ),
    "my_appeals": (
        Case(
            "GET",
            allow=ENTERPRISE | {"cadre"},
            hide="appeal",
            hide_from=frozenset({"competitor_user", "cadre"}),
        ),
    ),
    "appeal_detail": (Case("GET", allow=APPEAL_SEEN, kwargs="appeal"),),
    "appeal_act": (
        Case(
            "POST",
            allow=frozenset({"handler", "leader"}),
            kwargs="appeal",
            extra={"action": "sign"},
            # Those who see the appeal but may not sign it are sent back to it with the reason.
            flash=APPEAL_SEEN - {"handler", "leader"},
        ),
    ),
    "attachment_download": (Case("GET", allow=APPEAL_SEEN, kwargs="attachment"),),
    # issue 10: the supply and reply forms with files, withdraw's confirm page, internal notes, 常用语.
    "appeal_act_files": (
        Case(
            "POST",
            allow=frozenset({"ent_user"}),
            kwargs="appeal",
            extra={"action": "supply"},
            note="the appeal is not paused: back to it with the reason (409)",
            flash=APPEAL_SEEN - {"ent_user"},
        ),
    ),
    "appeal_withdraw": (
        Case("GET", allow=frozenset({"ent_user"}), kwargs="appeal", note="dispatched: back with the reason"),
        Case("POST", allow=frozenset({"ent_user"}), kwargs="appeal"),
    ),
    "appeal_note_add": (Case("POST", allow=NOTE_READERS, kwargs="appeal"),),
    # issue 10, item 11 (我也遇到): only users of the appeal's enterprise; ent_user filed it (no need).
    "appeal_follow": (
        Case("POST", kwargs="appeal", flash=frozenset({"ent_user"}), note="the filer: back with the reason"),
    ),
    "appeal_unfollow": (Case("POST", allow=frozenset({"ent_user"}), kwargs="appeal"),),
    "reply_templates": (
        Case("GET", allow=DEPT),
        Case("POST", allow=DEPT, note="an empty form is shown again with errors"),
    ),
    # issue 10, item 4: search for oversight and the departments (their whole history, never another's
    # appeal); saved views: one's own only (another's id: 404, as one that does not exist).
    "appeal_search": (
        Case("GET", allow=OVERSIGHT | DEPT, hide="appeal", hide_from=frozenset({"other_handler", "jw"})),
        Case("GET", allow=OVERSIGHT | DEPT, query={"q": "停电", "sort": "-due", "overdue": "no"}),
        Case("GET", allow=OVERSIGHT | DEPT, query={"sort": "password", "level": "9"}, status=400),
    ),
    "appeal_view_save": (
        Case("POST", allow=OVERSIGHT | DEPT, status=302, note="an empty name: back with an error"),
    ),
    "appeal_view_delete": (
        Case("POST", allow=OVERSIGHT | DEPT, extra={"pk": 999_999}, status=404, note="none of one's own"),
    ),
    "center_queue": (Case("GET", allow=CENTER),),
    "center_board": (Case("GET", allow=OVERSIGHT),),
    "center_supervision": (Case("GET", allow=OVERSIGHT),),
    "center_extensions": (Case("GET", allow=CENTER),),
    "center_extension_decide": (
        Case(
            "POST", allow=CENTER, kwargs="appeal", note="no pending request: back to the list with an error"
        ),
    ),
    "appeal_settings": (
        Case("GET", allow=CENTER),
        Case("POST", allow=CENTER, note="empty input flashes an error and saves nothing"),
    ),
    "dept_inbox": (Case("GET", allow=DEPT, hide="appeal", hide_from=frozenset({"other_handler", "jw"})),),
    "team_queue": (Case("GET", allow=frozenset({"team"})),),
    "ranking": (Case("GET", allow=STATS),),
    # issue 10, items 7-8: each list's Excel export has its page's roles (and reads through the same
    # selectors: what a department exports is tested in appeals/tests/test_exports.py, since a zipped
    # workbook hides its text from this matrix's body checks); the paper of an appeal.
    "center_queue_export": (Case("GET", allow=CENTER),),
    "center_board_export": (Case("GET", allow=OVERSIGHT),),
    "center_supervision_export": (Case("GET", allow=OVERSIGHT),),
    "dept_inbox_export": (Case("GET", allow=DEPT),),
    # issue 10, item 3 (the desk): bulk actions; an empty form goes back to the list with an error.
    "dept_bulk_sign": (Case("POST", allow=DEPT, note="nothing checked: back to the inbox"),),
    "center_bulk_dispatch": (Case("POST", allow=CENTER, note="no department: back to the queue"),),
    "team_queue_export": (Case("GET", allow=frozenset({"team"})),),
    "appeal_search_export": (Case("GET", allow=OVERSIGHT | DEPT),),
    "ranking_export": (Case("GET", allow=STATS),),
    # The case file: whoever sees the appeal. The 交办单 and 督办单 (instructions to the departments): the
    # staff who see it, never the enterprise side (403). An unknown sheet: 404 for everyone.
    "appeal_print": (
        Case("GET", allow=APPEAL_SEEN, kwargs="appeal", extra={"kind": "case"}),
        Case("GET", allow=APPEAL_SEEN - {"ent_user"}, kwargs="appeal", extra={"kind": "dispatch"}),
        Case("GET", allow=APPEAL_SEEN - {"ent_user"}, kwargs="appeal", extra={"kind": "supervision"}),
        Case("GET", allow=NOBODY, kwargs="appeal", extra={"kind": "receipt"}),
    ),
    "appeal_print_pdf": (
        Case("GET", allow=APPEAL_SEEN, kwargs="appeal", extra={"kind": "case"}),
        Case("GET", allow=APPEAL_SEEN - {"ent_user"}, kwargs="appeal", extra={"kind": "dispatch"}),
        Case("GET", allow=APPEAL_SEEN - {"ent_user"}, kwargs="appeal", extra={"kind": "supervision"}),
        Case("GET", allow=NOBODY, kwargs="appeal", extra={"kind": "receipt"}),
    ),
    # ---------------------------------------------------------------- notifications (each user's own)
    "notifications": (
        Case("GET", allow=USERS, hide="notification", hide_from=USERS - {"handler"}),
        Case("POST", allow=USERS, status=302, note="marks the caller's own entries read"),
    ),
    "notification_preferences": (Case("GET", allow=USERS), Case("POST", allow=USERS)),
    "notification_open": (Case("GET", allow=frozenset({"handler"}), kwargs="notification", status=302),),
    "notification_read": (Case("POST", allow=frozenset({"handler"}), kwargs="notification", status=302),),
    # ---------------------------------------------------------------- calendar
    "calendar_home": (Case("GET", allow=CENTER),),
    "calendar_import": (Case("GET", allow=CENTER), Case("POST", allow=CENTER)),
    "calendar_year": (Case("GET", allow=CENTER, kwargs="year"), Case("POST", allow=CENTER, kwargs="year")),
    "calendar_template": (Case("GET", allow=CENTER, note="the import template"),),
    # ---------------------------------------------------------------- dispatch
    "dispatch_settings": (Case("GET", allow=CENTER), Case("POST", allow=CENTER)),
    "dispatch_clusters": (Case("GET", allow=OVERSIGHT),),
    # A linked cluster is seen by those who read everything and by its lead department (gdgs).
    "dispatch_cluster": (Case("GET", allow=OVERSIGHT | {"handler", "leader"}, kwargs="cluster"),),
    "dispatch_cluster_act": (
        Case(
            "POST", allow=CENTER, kwargs="cluster", extra={"action": "unlink"}, note="only the center unlinks"
        ),
    ),
    "dispatch_similar": (Case("GET", allow=ENTERPRISE | CENTER | {"cadre"}, query={"title": "园区停电"}),),
    # ---------------------------------------------------------------- negative list: public
    "nl_index": (Case("GET", allow=EVERYONE),),
    "nl_item": (Case("GET", allow=EVERYONE, kwargs="item"),),
    "nl_public_stats": (Case("GET", allow=EVERYONE),),
    "nl_report_new": (
        Case("GET", allow=EVERYONE),
        Case("POST", allow=EVERYONE, note="anonymous or enterprise reports; staff see the form only"),
    ),
    "nl_track": (
        Case("GET", allow=EVERYONE),
        Case("POST", allow=EVERYONE, note="needs the reporter's secret"),
    ),
    "nl_version_export": (
        Case("GET", allow=EVERYONE, kwargs="list_version", note="the published list is public"),
        Case("GET", allow=LIST_MANAGERS, kwargs="draft_version", note="a draft only for its managers"),
    ),
    # ---------------------------------------------------------------- negative list: reporter, department
    "nl_my_reports": (Case("GET", allow=USERS, hide="report", hide_from=USERS - {"ent_user"}),),
    "nl_my_report": (
        Case("GET", allow=frozenset({"ent_user"}), kwargs="report"),
        Case(
            "POST",
            allow=frozenset({"ent_user"}),
            kwargs="report",
            body={"action": "add_material", "text": "补充说明"},
        ),
    ),
    "nl_dept_requests": (
        Case("GET", allow=USERS, hide="dept_request", hide_from=USERS - {"handler", "leader"}),
        Case(
            "POST",
            allow=frozenset({"handler", "leader"}),
            kwargs="dept_request",
            body={"request": "{request_id}", "answer": "已说明情况"},
            note="only the accused department answers its request",
        ),
    ),
    # ---------------------------------------------------------------- negative list: investigators
    "nl_center_list": (Case("GET", allow=INVESTIGATORS),),
    "nl_center_detail": (Case("GET", allow=INVESTIGATORS, kwargs="report"),),
    "nl_reveal_identity": (Case("POST", allow=INVESTIGATORS, kwargs="report"),),
    "nl_center_act": (Case("POST", allow=INVESTIGATORS, kwargs="report", extra={"action": "conclude"}),),
    "nl_evidence": (Case("GET", allow=INVESTIGATORS, kwargs="evidence"),),
    "nl_center_stats": (Case("GET", allow=INVESTIGATORS),),
    "nl_alerts": (Case("GET", allow=INVESTIGATORS), Case("POST", allow=INVESTIGATORS)),
    "nl_versions": (Case("GET", allow=LIST_MANAGERS), Case("POST", allow=LIST_MANAGERS)),
    "nl_version_template": (Case("GET", allow=LIST_MANAGERS, note="the import template"),),
    # ---------------------------------------------------------------- Open311 (by api_key, never the session)
    "open311:discovery": (Case("GET", allow=EVERYONE, extra={"fmt": "json"}, auth="open311"),),
    "open311:services": (Case("GET", allow=EVERYONE, extra={"fmt": "json"}, auth="open311"),),
    "open311:service-definition": (
        Case("GET", allow=EVERYONE, kwargs="open311_service", extra={"fmt": "json"}, auth="open311"),
    ),
    "open311:requests": (
        Case(
            "GET",
            allow=USERS,
            extra={"fmt": "json"},
            auth="open311",
            hide="appeal",
            hide_from=NOT_OWNER_OF_APPEAL,
        ),
        Case(
            "POST",
            allow=frozenset({"center", "investigator", "cadre"}),
            extra={"fmt": "json"},
            auth="open311",
            note="only center and cadre keys file appeals (POSTING_ROLES)",
        ),
    ),
    "open311:request": (
        Case("GET", allow=APPEAL_SEEN, kwargs="open311_request", extra={"fmt": "json"}, auth="open311"),
    ),
    "open311:token": (
        Case("GET", allow=APPEAL_SEEN, kwargs="open311_request", extra={"fmt": "json"}, auth="open311"),
    ),
}

API: dict[str, Case] = {
    # ---------------------------------------------------------------- auth
    "POST /api/v1/auth/token": Case("POST", allow=EVERYONE, note="the login: 422 for an empty body"),
    "GET /api/v1/me": Case("GET", allow=USERS),
    "GET /api/v1/auth/tokens": Case("GET", allow=USERS),
    "DELETE /api/v1/auth/token": Case(
        "DELETE", allow=USERS, status=204, note="each revokes the token it calls with"
    ),
    "DELETE /api/v1/auth/tokens/{token_id}": Case(
        "DELETE", allow=frozenset({"handler"}), kwargs="api_token", status=204, note="one's own tokens only"
    ),
    # ---------------------------------------------------------------- appeals
    "POST /api/v1/appeals": Case(
        "POST",
        allow=CENTER | {"ent_user", "cadre"},
        kwargs="enterprise",  # ent_user's enterprise: its competitor may not file for it (404)
        body={
            "enterprise": "{uscc}",
            "category": "help",
            "title": "矩阵测试新诉求",
            "content": "厂区门口道路破损",
            "contact_name": "张经理",
            "contact_phone": "13812341234",
        },
    ),
    "GET /api/v1/appeals": Case("GET", allow=USERS, hide="appeal", hide_from=NOT_OWNER_OF_APPEAL),
    "GET /api/v1/appeals/{appeal_id}": Case("GET", allow=APPEAL_SEEN, kwargs="appeal"),
    "POST /api/v1/appeals/{appeal_id}/{action}": Case(
        "POST", allow=frozenset({"handler", "leader"}), kwargs="appeal", extra={"action": "sign"}
    ),
    "GET /api/v1/appeals/{appeal_id}/notes": Case(
        "GET", allow=NOTE_READERS, kwargs="appeal", note="internal notes: never the enterprise side (403)"
    ),
    "POST /api/v1/appeals/{appeal_id}/notes": Case(
        "POST", allow=NOTE_READERS, kwargs="appeal", body={"text": "矩阵测试内部备注"}
    ),
    "GET /api/v1/appeals/{appeal_id}/suggestions": Case(
        "GET", allow=APPEAL_SEEN - {"ent_user"}, kwargs="appeal", note="staff only: the enterprise gets 403"
    ),
    "GET /api/v1/appeals/{appeal_id}/similar": Case("GET", allow=APPEAL_SEEN, kwargs="appeal"),
    "GET /api/v1/stats/departments": Case("GET", allow=STATS),
    # ---------------------------------------------------------------- calendar
    "GET /api/v1/calendar/add-workdays": Case("GET", allow=USERS, query={"start": "2026-11-02", "days": "5"}),
    "GET /api/v1/calendar/{year}": Case("GET", allow=USERS, kwargs="year"),
    # ---------------------------------------------------------------- notifications (each user's own)
    "GET /api/v1/notifications": Case("GET", allow=USERS, hide="notification", hide_from=USERS - {"handler"}),
    "POST /api/v1/notifications/read": Case("POST", allow=USERS, body={"all": True}),
    # ---------------------------------------------------------------- negative list
    "GET /api/v1/negative-list": Case("GET", allow=EVERYONE),
    "GET /api/v1/negative-list/search": Case("GET", allow=EVERYONE, query={"q": "检查"}),
    "GET /api/v1/negative-list/stats": Case("GET", allow=EVERYONE),
    "POST /api/v1/reports": Case("POST", allow=EVERYONE, note="anyone may report; 422 for an empty body"),
    "GET /api/v1/reports": Case("GET", allow=INVESTIGATORS),
    "GET /api/v1/reports/track": Case(
        "GET",
        allow=EVERYONE,
        kwargs="tracking",
        query={"tracking_code": "{tracking_code}", "secret": "{secret}"},
        status=400,
        note="a secret in the URL is refused (secret_in_url) for everyone, before any look-up",
    ),
    "POST /api/v1/reports/track": Case(
        "POST",
        allow=EVERYONE,
        kwargs="tracking",
        body={"tracking_code": "{tracking_code}", "secret": "{secret}"},
        note="the anonymous reporter's secret is the only key",
    ),
    "POST /api/v1/reports/track/{action}": Case(
        "POST",
        allow=EVERYONE,
        kwargs="tracking",
        extra={"action": "add_material"},
        body={"tracking_code": "{tracking_code}", "secret": "{secret}", "text": "补充说明"},
    ),
    "GET /api/v1/reports/mine": Case("GET", allow=USERS, hide="report", hide_from=USERS - {"ent_user"}),
    "GET /api/v1/reports/stats": Case("GET", allow=INVESTIGATORS),
    "GET /api/v1/reports/{report_id}": Case("GET", allow=INVESTIGATORS, kwargs="report"),
    "POST /api/v1/reports/{report_id}/identity": Case(
        "POST",
        allow=INVESTIGATORS,
        kwargs="report",
        body={"password": PERSONA_PASSWORD, "reason": "核实举报人身份"},
        note="the password again in the body (no session to hold a recent re-authentication)",
    ),
    "POST /api/v1/reports/{report_id}/{action}": Case(
        "POST", allow=INVESTIGATORS, kwargs="report", extra={"action": "conclude"}
    ),
    "GET /api/v1/dept-requests": Case(
        "GET", allow=USERS, hide="dept_request", hide_from=USERS - {"handler", "leader"}
    ),
    "POST /api/v1/dept-requests/{request_id}/answer": Case(
        "POST", allow=frozenset({"handler", "leader"}), kwargs="dept_request", body={"answer": "已说明情况"}
    ),
    "GET /api/v1/referrals": Case("GET", allow=frozenset({"jw"})),
}
