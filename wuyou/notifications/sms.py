"""SMS backends. The default logs; a real gateway implements `send(to, text)` and is named in SMS_BACKEND."""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger("wuyou.sms")


class LoggingSmsBackend:
    def send(self, to: str, text: str) -> None:
        log.info("SMS to %s: %s", to, text)


class MemorySmsBackend:
    """For tests: keeps what was sent."""

    outbox: list[tuple[str, str]] = []

    def send(self, to: str, text: str) -> None:
        MemorySmsBackend.outbox.append((to, text))


def get_backend():
    return import_string(settings.SMS_BACKEND)()
