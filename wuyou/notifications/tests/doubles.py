"""Test doubles. An SMS backend that always fails, for retry tests (SMS_BACKEND points here)."""


class Broken:
    def send(self, to, text):
        raise ConnectionError("短信网关不可达")
