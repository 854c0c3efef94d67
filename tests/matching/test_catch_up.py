"""Rows saved while the broker was down are matched within a minute of its return, by the
worker's frequent catch-up check, not at the next full sweep."""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from companies.models import Company
from ideas.models import Idea
from matching import services
from matching.models import Embedding, Match, MatchingStamp
from tests.matching.conftest import make_company, make_idea

pytestmark = pytest.mark.django_db

A_MINUTE_AGO = datetime.timedelta(minutes=1)


def _age(model, pk: int) -> None:
    """As if the row had been saved a minute ago, past the time its own task would take."""
    model.objects.filter(pk=pk).update(updated_at=timezone.now() - A_MINUTE_AGO)


@pytest.fixture
def matched(db):
    """A company and an idea embedded and ranked by their own tasks, a while ago."""
    company, idea = make_company("care"), make_idea("pills")
    services.embedding_refresh_for_company(company_id=company.pk)
    services.embedding_refresh_for_idea(idea_id=idea.pk)
    services.match_refresh_all()
    Embedding.objects.update(updated_at=timezone.now() - 2 * A_MINUTE_AGO)
    _age(Company, company.pk)
    _age(Idea, idea.pk)
    return company, idea


def test_the_check_runs_often_enough_to_catch_up_within_a_minute():
    entry = settings.CELERY_BEAT_SCHEDULE["matching-catch-up"]

    assert entry["task"] == "matching.tasks.matching_catch_up"
    assert entry["schedule"] + services.CATCH_UP_GRACE.total_seconds() <= 60


def test_nothing_missed_means_no_sweep(matched):
    company, idea = matched
    ranked_at = MatchingStamp.objects.get(idea=idea).matched_at

    assert services.matching_catch_up() is None
    assert MatchingStamp.objects.get(idea=idea).matched_at == ranked_at

    # A change of something else than the profile's text leaves the vectors as they are.
    Company.objects.filter(pk=company.pk).update(is_verified=False)
    company.refresh_from_db()
    company.is_verified = True
    company.save()
    _age(Company, company.pk)
    assert services.matching_catch_up() is None


def test_an_idea_saved_while_the_broker_was_down_is_matched(matched):
    _company, _idea = matched
    missed = make_idea("pills_en")  # its task was never enqueued
    _age(Idea, missed.pk)

    result = services.matching_catch_up()

    assert result is not None and result["ideas_embedded"] == 1
    stamp = MatchingStamp.objects.get(idea=missed)
    missed.refresh_from_db()
    assert stamp.matched_at >= missed.updated_at
    assert Match.objects.filter(idea=missed, company__slug="gyeote-care").exists()
    assert services.matching_catch_up() is None


def test_an_idea_published_while_the_broker_was_down_is_ranked(matched):
    _company, idea = matched
    Idea.objects.filter(pk=idea.pk).update(updated_at=timezone.now())  # e.g. restored by staff
    Match.objects.filter(idea=idea).delete()
    _age(Idea, idea.pk)
    MatchingStamp.objects.filter(idea=idea).update(matched_at=timezone.now() - datetime.timedelta(hours=1))

    assert services.matching_catch_up() is not None
    assert Match.objects.filter(idea=idea).exists()


def test_a_profile_edited_while_the_broker_was_down_is_embedded_again(matched):
    company, _idea = matched
    company.summary = "어르신 복약 알림과 낙상 감지 IoT 서비스"
    company.save()
    _age(Company, company.pk)

    result = services.matching_catch_up()

    assert result is not None and result["companies_embedded"] == 1
    assert services.stale_company_ids() == []


def test_a_change_its_own_task_is_still_handling_is_left_to_it(matched):
    fresh = make_idea("bus")  # saved just now; its task is on its way

    assert services.matching_catch_up() is None
    assert not Embedding.objects.filter(idea=fresh).exists()
