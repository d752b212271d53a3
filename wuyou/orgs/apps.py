from django.apps import AppConfig

# Why the audit trail listens to these signals and not to user_logged_in / user_login_failed: a
# successful page login is recorded by the login view (views_account.complete_login), since the test
# client's force_login sends user_logged_in too; and user_login_failed is also sent by the API token
# endpoint's authenticate(), which records its own failures (note "api"). Logout has no such twin:
# only a session logs out, through LogoutView, the admin's logout or an expired session.
SESSION_EXPIRED_NOTES = {"idle": "空闲超时", "absolute": "超过登录时限"}


def logged_out(sender, request, user, **kwargs):
    """user_logged_out: a logout the user asked for. An expired session is recorded as such instead."""
    if user is None or getattr(request, "wuyou_session_expired", None):
        return
    from . import auth_events

    auth_events.record("logout", user=user, request=request)


def session_expired(sender, user, request, reason, **kwargs):
    from . import auth_events

    # Recorded after the logout, so the actor is the system (None), the account the subject.
    auth_events.record(
        "session_expired", user=user, request=request, note=SESSION_EXPIRED_NOTES.get(reason, reason)
    )


class OrgsConfig(AppConfig):
    name = "wuyou.orgs"
    verbose_name = "组织机构"

    def ready(self):
        # Imported here: the auth signals module loads no models, but sessions imports auth views.
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from wuyou.accounts import sessions

        # The session's lifetime and idle time start at every login (pages, the admin, force_login).
        user_logged_in.connect(sessions.start, dispatch_uid="wuyou.accounts.sessions.start")
        user_logged_out.connect(logged_out, dispatch_uid="wuyou.orgs.logged_out")
        sessions.session_expired.connect(session_expired, dispatch_uid="wuyou.orgs.session_expired")
