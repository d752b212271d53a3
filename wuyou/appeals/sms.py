"""Moved to wuyou.notifications.sms. Kept so an SMS_BACKEND set to the old dotted path keeps working."""

from wuyou.notifications.sms import LoggingSmsBackend, MemorySmsBackend, get_backend  # noqa: F401
