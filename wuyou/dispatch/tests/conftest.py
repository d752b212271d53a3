import pytest

from wuyou.dispatch import engine


@pytest.fixture(autouse=True)
def fresh_catalogue():
    # The catalogue is cached per process (cheap to keep); a test that edits a department must see it.
    engine.forget_catalogue()
    # The learned model is cached by version id, and a rolled-back test's id is handed out again.
    engine._cache["learned"] = (None, None)
    yield
