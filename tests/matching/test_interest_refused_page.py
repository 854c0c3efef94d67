"""An interest refused on the company matches page is told at the top of the page, whose card may
be far below the fold, with links to the card and to each field in error, the fields marked."""

import re

import pytest

from matching.models import Match, MatchStatus

pytestmark = pytest.mark.django_db

URL = "/companies/gyeote-care/matches/"


def test_a_refused_interest_is_summed_up_at_the_top_with_links_to_its_fields(client, catalogue, carol):
    pills = Match.objects.get(idea=catalogue["ideas"]["pills"], company=catalogue["companies"]["care"])
    client.force_login(carol)
    client.cookies["django_language"] = "en"

    response = client.post(
        URL, {"match": pills.pk, "answer": "interested", "proposal_plan": "", "proposal_duration_weeks": 500}
    )

    html = response.content.decode()
    # Focusable, so the page opens on it (site.js), as the other forms' summaries do.
    opening = '<div class="error-summary" role="alert" tabindex="-1">'
    summary = html[html.index(opening) : html.index('<ol class="cards match-cards">')]
    assert html.index("error-summary") < html.index('<form method="get" class="filters">')
    assert f'<a href="#match-{pills.pk}">“{pills.idea.title}”</a> was not sent' in summary
    assert (
        f'<a href="#id_proposal_plan_{pills.pk}">What you would pilot: This field is required.</a>' in summary
    )
    assert f'<a href="#id_proposal_duration_weeks_{pills.pk}">Rough duration (weeks): ' in summary
    # The card holds the form open, its fields marked with their errors under the ids linked to.
    card = html[html.index(f'<li class="card" id="match-{pills.pk}">') :]
    card = card[: card.index("</li>\n")]
    assert '<details class="answer-interest" open>' in card
    plan = re.search(rf'<textarea [^>]*id="id_proposal_plan_{pills.pk}"', card).group(0)
    assert 'aria-invalid="true"' in plan and f'aria-describedby="id_proposal_plan_{pills.pk}_error"' in plan
    weeks = re.search(rf'<input [^>]*id="id_proposal_duration_weeks_{pills.pk}"', card).group(0)
    assert 'aria-invalid="true"' in weeks and 'value="500"' in weeks
    assert f'<ul class="errorlist" id="id_proposal_plan_{pills.pk}_error">' in card
    pills.refresh_from_db()
    assert pills.status == MatchStatus.SUGGESTED


def test_no_summary_when_nothing_was_refused(client, catalogue, carol):
    client.force_login(carol)

    assert "error-summary" not in client.get(URL).content.decode()
