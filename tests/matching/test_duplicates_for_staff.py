"""Staff are offered a merge only for ideas that may be the same idea, on the real model's
scale: an idea merely on the same topic is not (in a city's thousands of ideas, every idea has
dozens of those)."""

import pytest

from ideas.models import Idea, IdeaStatus
from matching import selectors

pytestmark = pytest.mark.django_db


def test_the_moderation_queue_offers_only_ideas_that_may_be_the_same(client, catalogue, staff_user):
    pills, pills_en, crossing = (catalogue["ideas"][k] for k in ("pills", "pills_en", "crossing"))
    Idea.objects.filter(pk=pills.pk).update(status=IdeaStatus.SUBMITTED)
    # The same request in English, and another older people's idea sharing its topic.
    near = {c.idea: c for c in selectors.duplicates_for_idea(idea=pills)}
    assert near[pills_en].likelihood in ("same", "possible")
    assert near[crossing].likelihood == "related"

    client.force_login(staff_user)
    html = client.get("/staff/moderation/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()

    offered = html[html.index("비슷한 아이디어 후보") :]
    assert pills_en.title in offered
    assert str(selectors.LIKELIHOOD_LABELS[near[pills_en].likelihood]) in offered
    assert crossing.title not in html


def test_the_api_names_each_candidate_on_a_three_word_scale(catalogue, api, staff_user):
    pills = catalogue["ideas"]["pills"]

    rows = api(staff_user).get(f"/api/v1/ideas/{pills.pk}/duplicates/", HTTP_ACCEPT_LANGUAGE="en").json()

    by_title = {row["idea"]["title"]: row for row in (rows["results"] if "results" in rows else rows)}
    same_request = by_title[catalogue["ideas"]["pills_en"].title]
    topic_only = by_title[catalogue["ideas"]["crossing"].title]
    assert (
        same_request["likelihood"] == "possible"
        and same_request["likelihood_label"] == "Possibly the same idea"
    )
    assert topic_only["likelihood"] == "related" and topic_only["likelihood_label"] == "Related idea"
