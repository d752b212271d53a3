import pytest
from django.conf import settings

from wuyou.testing import PASSWORD


@pytest.mark.django_db
def test_unknown_locked_and_wrong_get_the_same_answer(p, client):
    def token(username, password):
        r = client.post(
            "/api/v1/auth/token",
            {"username": username, "password": password},
            content_type="application/json",
        )
        return r.status_code, r.json()

    wrong = token("ent", "not-it")
    unknown = token("no-such-user", "not-it")
    for _ in range(settings.LOGIN_MAX_FAILURES):
        token("center", "not-it")
    locked = token("center", PASSWORD)  # the right password, but the account is locked now
    assert wrong == unknown == locked
    assert wrong[0] == 401 and wrong[1]["code"] == "invalid_credentials"
