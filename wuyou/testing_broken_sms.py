"""An SMS backend that always fails, for retry tests."""


class Broken:
    def send(self, to, text):
        raise ConnectionError("短信网关不可达")
