import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache

from wuyou.e2e.conftest import browser, chromium_executable, page  # noqa: F401  (browser fixtures, reused)
from wuyou.negative_list import catalog
from wuyou.orgs.models import Role
from wuyou.testing import make_user


@pytest.fixture(autouse=True)
def clear_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def nl(db):
    return catalog.load_demo_list()


def make_investigator(username="investigator1"):
    user = make_user(username, Role.CENTER, department="ybhj", first_name="调查员")
    user.user_permissions.add(Permission.objects.get(codename="investigate_report"))
    return user


@pytest.fixture
def inv(p):
    return make_investigator()


@pytest.fixture
def jw(p):
    return make_user("jw1", Role.DEPT_HANDLER, department="jw")
