import pytest
from django.contrib.auth import get_user_model

from wuyou.workdays.selectors import clear_cache


@pytest.fixture(autouse=True)
def fresh_calendar_cache():
    # The snapshot outlives a test's rolled-back transaction; never let one test see another's rows.
    clear_cache()
    yield
    clear_cache()


@pytest.fixture
def make_user(db):
    def make(role="center", username=None, **extra):
        User = get_user_model()
        return User.objects.create_user(
            username=username or f"u_{role}", password="pw-123456789", role=role, **extra
        )

    return make
