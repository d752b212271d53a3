import pytest

from wuyou.testing import build_personas


@pytest.fixture
def p(db):
    return build_personas()
