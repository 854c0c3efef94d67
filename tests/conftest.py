"""Shared fixtures: one API client per persona of the permission matrix.

alice is a citizen and the author of `idea`; bob is another citizen; carol is a member (owner) of
`company`; dave is a member of `other_company`; staff is city staff; anonymous is signed out.
"""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from rest_framework.test import APIClient

from config import celery_app
from tests.accounts.factories import UserFactory
from tests.companies.factories import CompanyFactory, MembershipFactory
from tests.ideas.factories import IdeaFactory

PERSONAS = ("anonymous", "author", "other_citizen", "company_member", "other_company_member", "staff")


@pytest.fixture(autouse=True)
def _site_language():
    """Each test starts in the site's default language: a request read in English leaves English
    active in the thread (the locale middleware does not put it back), and a service worded in
    "the active language" would otherwise speak the previous test's."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _clear_throttle_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def tasks_run_at_once():
    """Tasks sent with `delay` run in the test, as if a worker had taken them at once."""
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


def refuse_to_queue(*args, **kwargs):
    """Stands in for a task's `delay` while the broker is down."""
    raise ConnectionError("the broker is down")


@pytest.fixture
def tasks_go_to_the_broker():
    celery_app.control.purge()
    yield
    celery_app.control.purge()


@pytest.fixture
def queued_tasks(tasks_go_to_the_broker):
    """Tasks the page sent to the test broker, taken off its queue as a worker would."""

    def take() -> list:
        messages = []
        with celery_app.connection_for_read() as connection:
            queue = connection.SimpleQueue(celery_app.conf.task_default_queue)
            try:
                while True:
                    message = queue.get(timeout=1)
                    args, kwargs, _options = message.payload
                    messages.append((message.headers["task"], args, kwargs))
                    message.ack()
            except queue.Empty:
                pass
            finally:
                queue.close()
        return messages

    return take


@pytest.fixture
def unreachable_redis_cache(tmp_path) -> dict:
    """CACHES for a Redis outage: a socket nothing listens on, so every cache call fails."""
    return {
        "default": {
            "BACKEND": "core.cache.RedisCache",
            "LOCATION": f"unix://{tmp_path / 'no-redis.sock'}",
        }
    }


@pytest.fixture
def alice(db):
    return UserFactory(username="alice", display_name="앨리스")


@pytest.fixture
def bob(db):
    return UserFactory(username="bob", display_name="밥")


@pytest.fixture
def carol(db):
    return UserFactory(username="carol")


@pytest.fixture
def dave(db):
    return UserFactory(username="dave")


@pytest.fixture
def staff_user(db):
    return UserFactory(username="staff", is_staff=True)


@pytest.fixture
def company(carol):
    company = CompanyFactory(name="빛고을케어", slug="bitgoeul-care")
    MembershipFactory(company=company, user=carol)
    return company


@pytest.fixture
def other_company(dave):
    company = CompanyFactory(name="무등모빌리티", slug="mudeung-mobility")
    MembershipFactory(company=company, user=dave)
    return company


@pytest.fixture
def idea(alice):
    return IdeaFactory(author=alice)


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def api():
    return client_for


@pytest.fixture
def personas(alice, bob, carol, dave, staff_user, company, other_company):
    """Map each persona name to its user (None for anonymous)."""
    return {
        "anonymous": None,
        "author": alice,
        "other_citizen": bob,
        "company_member": carol,
        "other_company_member": dave,
        "staff": staff_user,
    }


@pytest.fixture
def lookup_worker(tmp_path):
    """A worker of the "similar" queue, as deployed, once it has loaded the model: the similar-ideas
    lookups and the idea and company lists' searches by meaning run on it. Whatever an earlier test
    left queued is dropped before and after."""
    from config import celery_app
    from tests.matching.worker import start_lookup_worker

    celery_app.control.purge()
    worker = start_lookup_worker(tmp_path)
    yield worker
    worker.stop()
    celery_app.control.purge()
