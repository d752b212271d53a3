import pytest

from wuyou.testing import build_personas
from wuyou.workdays.calendar import clear_cache


@pytest.fixture(autouse=True)
def fresh_calendar_cache():
    # The calendar cache lives in the process; each test's rollback must not leave it stale.
    clear_cache()
    yield
    clear_cache()


@pytest.fixture
def p(db):
    return build_personas()
