"""Until a user replaces a password someone else chose, every page but the change page and logout
sends them there. Reads a session flag set at login, so it costs no query per request."""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from .passwords import MUST_CHANGE_SESSION_KEY

CHANGE_URL_NAME = "password_change"
ALLOWED_URL_NAMES = ("password_change", "logout")


class ForcePasswordChangeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.get(MUST_CHANGE_SESSION_KEY):
            allowed = {reverse(name) for name in ALLOWED_URL_NAMES}
            if request.path not in allowed and not request.path.startswith(settings.STATIC_URL):
                return redirect(CHANGE_URL_NAME)
        return self.get_response(request)
