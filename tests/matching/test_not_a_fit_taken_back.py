"""A company takes back a "not a fit": the match is suggested again, its answer cleared, and the
next refresh ranks it as if it had never been dismissed."""

import pytest

from matching import services
from matching.models import Match, MatchingState, MatchStatus
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

URL = "/companies/gyeote-care/matches/"


@pytest.fixture
def pills(catalogue):
    return Match.objects.get(idea=catalogue["ideas"]["pills"], company=catalogue["companies"]["care"])


def _feedback(user, match, status):
    return client_for(user).post(f"/api/v1/matches/{match.pk}/feedback/", {"status": status})


def test_taking_back_clears_the_answer_and_the_refresh_ranks_it_again(carol, pills):
    ranked = pills.rank_for_company
    assert ranked is not None
    _feedback(carol, pills, "dismissed")
    services.match_refresh_all()
    pills.refresh_from_db()
    assert (pills.status, pills.rank_for_company) == (MatchStatus.DISMISSED, None)

    response = _feedback(carol, pills, "suggested")

    assert response.status_code == 200 and response.json()["status"] == "suggested"
    pills.refresh_from_db()
    assert pills.status == MatchStatus.SUGGESTED
    answer = (pills.feedback_by, pills.feedback_at, pills.feedback_texts_hash, pills.message)
    assert answer == (None, None, "", "")
    assert MatchingState.objects.get().needs_full_refresh
    services.match_refresh_all()
    pills.refresh_from_db()
    assert pills.rank_for_company == ranked


def test_taking_back_twice_changes_nothing(carol, pills):
    _feedback(carol, pills, "dismissed")
    _feedback(carol, pills, "suggested")

    response = _feedback(carol, pills, "suggested")

    assert response.status_code == 200
    assert Match.objects.get(pk=pills.pk).status == MatchStatus.SUGGESTED


def test_an_interest_is_not_taken_back_this_way(carol, pills):
    client_for(carol).post(
        f"/api/v1/matches/{pills.pk}/feedback/", {"status": "interested", "proposal_plan": "복약기 20대"}
    )

    response = _feedback(carol, pills, "suggested")

    assert response.status_code == 400
    pills.refresh_from_db()
    assert (pills.status, pills.proposal_plan) == (MatchStatus.INTERESTED, "복약기 20대")


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", 403),
        ("author", 404),
        ("other_citizen", 404),
        ("company_member", 200),
        ("other_company_member", 404),
        ("staff", 403),
    ],
)
def test_only_the_companys_members_take_back_its_answer(personas, carol, pills, persona, expected):
    _feedback(carol, pills, "dismissed")

    response = _feedback(personas[persona], pills, "suggested")

    assert response.status_code == expected
    pills.refresh_from_db()
    assert pills.status == (MatchStatus.SUGGESTED if expected == 200 else MatchStatus.DISMISSED)


def test_the_page_says_not_a_fit_can_be_undone_and_its_card_takes_it_back(client, carol, pills):
    client.force_login(carol)
    client.cookies["django_language"] = "en"

    dismissed = client.post(URL, {"match": pills.pk, "answer": "dismissed"}, follow=True).content.decode()
    assert "Choose “Not a fit” in the status filter" in dismissed
    card = client.get(URL + "?status=dismissed").content.decode()
    card = card[card.index(f'id="match-{pills.pk}"') :]
    assert 'name="answer" value="suggested">Back to suggestions</button>' in card[: card.index("</li>")]
    assert 'name="csrfmiddlewaretoken"' in card[: card.index("</li>")]

    response = client.post(URL + "?status=dismissed", {"match": pills.pk, "answer": "suggested"}, follow=True)

    assert response.redirect_chain == [(URL + "?status=dismissed", 302)]
    assert "Put back among your suggestions." in response.content.decode()
    pills.refresh_from_db()
    assert (pills.status, pills.feedback_by) == (MatchStatus.SUGGESTED, None)


def test_staff_see_a_dismissed_card_without_the_button(client, carol, staff_user, pills):
    _feedback(carol, pills, "dismissed")
    client.force_login(staff_user)

    html = client.get(URL + "?status=dismissed").content.decode()

    assert f'id="match-{pills.pk}"' in html and 'name="answer" value="suggested"' not in html


def test_a_member_of_another_company_cannot_take_it_back_on_the_page(client, carol, dave, pills):
    _feedback(carol, pills, "dismissed")
    client.force_login(dave)

    response = client.post(URL, {"match": pills.pk, "answer": "suggested"})

    assert response.status_code == 403
    assert Match.objects.get(pk=pills.pk).status == MatchStatus.DISMISSED


def test_answers_taken_back_before_the_refresh_starts_ask_for_one_refresh(
    carol, pills, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    from matching.dispatch import REFRESH_QUEUED_KEY
    from matching.tasks import refresh_all_matches

    cache.delete(REFRESH_QUEUED_KEY)
    with django_capture_on_commit_callbacks() as asked:
        for _round in range(3):
            _feedback(carol, pills, "dismissed")
            _feedback(carol, pills, "suggested")
    assert len(asked) == 1

    refresh_all_matches.apply(throw=True)  # as it starts, it lets the next answer ask again
    with django_capture_on_commit_callbacks() as asked_again:
        _feedback(carol, pills, "dismissed")
        _feedback(carol, pills, "suggested")
    assert len(asked_again) == 1
    cache.delete(REFRESH_QUEUED_KEY)
