from types import SimpleNamespace

import pytest

from matching import dispatch


class Broker:
    """Stands in for Celery's broker: what the dispatcher sent, by task name and arguments."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, tuple]] = []

    def signature(self, name, args=(), **options) -> SimpleNamespace:
        """The task `name` to send: `apply_async` sends it."""
        return SimpleNamespace(apply_async=lambda **sending: self.sent.append((name, tuple(args))))


@pytest.fixture
def broker(monkeypatch) -> Broker:
    """The matching work the dispatcher asks for; wrap the request in
    django_capture_on_commit_callbacks(execute=True), as it is sent once the transaction commits."""
    found = Broker()
    monkeypatch.setattr(dispatch, "current_app", found)
    return found
