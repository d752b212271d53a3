"""Secrets out of the logs (issue 9, item 8).

A request line or a referrer in a log can carry a secret in its query string (an old link with a report's
tracking password, a token in ``?access_token=``), and a request's headers carry its ``Authorization``.
``SecretScrubFilter`` rewrites every record that passes it: the value of each secret-bearing parameter becomes
``***`` (plain, and URL-encoded once or twice, as in ``?next=/x%3Fsecret%3Dabc``), as do bearer and basic
credentials and any ``Authorization`` or cookie value. It is attached to the console handler in settings
(Django's ``django.request`` and ``django.server`` records, everything propagating to the root) and to
gunicorn's access and error logs (gunicorn.conf.py).

A record whose text changes is flattened (``msg`` becomes the scrubbed message, ``args`` empty): the
arguments of a record can be any object whose ``str()`` shows a URL, so only the final text can be checked.
"""

import logging
import re
from collections.abc import Mapping
from urllib.parse import unquote

MASK = "***"

# Parameter names, and the parts of a longer name (tracking_secret, X-Amz-Signature, password2), that carry
# a secret. Case does not matter.
SECRET_NAMES = frozenset(
    {
        "secret",
        "token",
        "password",
        "passwd",
        "pwd",
        "pass",
        "otp",
        "code",
        "key",
        "apikey",
        "api_key",
        "access_token",
        "refresh_token",
        "id_token",
        "auth",
        "authorization",
        "signature",
        "sig",
        "sessionid",
        "session",
        "csrfmiddlewaretoken",
        "csrftoken",
        "credential",
        "credentials",
        "passcode",
        "jwt",
    }
)
# Request headers (gunicorn's ``{name}i`` atoms, ``{http_name}e`` environ atoms) whose value is a credential.
SECRET_HEADER_WORDS = ("authorization", "cookie", "api-key", "api_key", "x-csrftoken", "x_csrftoken")

_NAME_PARTS = re.compile(r"[^a-z]+")

# name=value at three levels of URL encoding. Separators and "=" of a level are that level's encoding; a
# value runs until the next separator of its level (so an encoded "&" inside a plain value stays masked).
_LEVELS = [
    (r"(?:^|(?<=[?&;\s\"'(<,]))", r"=", r"[^&;\s\"'#<>)]*"),
    (r"(?:%3F|%26|%3B)", r"%3D", r"(?:(?!%26|%3B|%23)[^&;\s\"'#<>)])*"),
    (r"(?:%253F|%2526|%253B)", r"%253D", r"(?:(?!%2526|%253B|%2523|%26)[^&;\s\"'#<>)])*"),
]
_PARAMS = [
    re.compile(
        rf"(?P<pre>{pre})(?P<name>[A-Za-z0-9_.\-\[\]%]+?)(?P<eq>{eq})(?P<value>{value})", re.IGNORECASE
    )
    for pre, eq, value in _LEVELS
]
# "Authorization: Bearer abc", "authorization=…", and bare "Bearer abc" / "Basic dXNlcjpw".
_AUTH_HEADER = re.compile(r"(?i)(\bauthorization[\"']?\s*[:=]\s*[\"']?)[^\"'\r\n,;}]+")
_SCHEME_CREDENTIAL = re.compile(
    r"\b((?i:bearer))(\s+)[A-Za-z0-9._~+/\-]{8,}=*"
    # Basic's base64 holds an upper-case letter, digit or +/= ("Basic information" is left alone).
    r"|\b((?i:basic))(\s+)(?=[a-z]*[A-Z0-9+/=])[A-Za-z0-9+/]{8,}={0,2}"
)


_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def is_secret_name(name: str) -> bool:
    # accessToken, authToken: split camelCase into words before lower-casing, as snake_case splits.
    lowered = _CAMEL.sub("_", unquote(unquote(name))).lower().replace("-", "_")
    if lowered in SECRET_NAMES:
        return True
    return any(part in SECRET_NAMES for part in _NAME_PARTS.split(lowered) if part)


def _mask_param(match: re.Match) -> str:
    if not match.group("value") or not is_secret_name(match.group("name")):
        return match.group(0)
    return f"{match.group('pre')}{match.group('name')}{match.group('eq')}{MASK}"


def scrub(text: str) -> str:
    """``text`` with every secret value replaced by ``***``."""
    if not text:
        return text
    if "=" in text or "%" in text:
        for pattern in _PARAMS:
            text = pattern.sub(_mask_param, text)
    text = _AUTH_HEADER.sub(lambda m: m.group(1) + MASK, text)
    text = _SCHEME_CREDENTIAL.sub(
        lambda m: (m.group(1) or m.group(3)) + (m.group(2) or m.group(4)) + MASK, text
    )
    return text


def _is_secret_header_key(key) -> bool:
    return isinstance(key, str) and any(word in key.lower() for word in SECRET_HEADER_WORDS)


class SecretScrubFilter(logging.Filter):
    """Rewrites records in place; never drops one (``filter`` always returns True)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            self._scrub_record(record)
        except Exception:  # noqa: BLE001 - a log line must never fail because of the scrubber
            pass
        return True

    def _scrub_record(self, record: logging.LogRecord) -> None:
        args = record.args
        if isinstance(args, Mapping) and not isinstance(args, str):
            # gunicorn's access record: a dict of atoms, one per request header and environ variable too.
            # Masked in place: the mapping's own class answers "-" for atoms a format names but lacks.
            if isinstance(args, dict):
                for key, value in list(args.items()):
                    if _is_secret_header_key(key):
                        args[key] = MASK
                    elif isinstance(value, str):
                        args[key] = scrub(value)
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format: leave it to the handler to report
            message = None
        if message is not None:
            cleaned = scrub(message)
            if cleaned != message:
                record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            # Tracebacks quote exception messages, which may quote a URL; format it now, scrubbed.
            record.exc_text = scrub(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = scrub(record.exc_text)
        for attr in ("request_line", "query_string"):
            value = getattr(record, attr, None)
            if isinstance(value, str):
                setattr(record, attr, scrub(value))
