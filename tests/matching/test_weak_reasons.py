"""A weak match's reason names the nearest parts of the idea and the profile without calling them
close: on the pages and in the API, a weak pair's phrases are often plainly unrelated, and "close
to your technology" then reads as a claim anyone can see is false. Strong and possible matches
keep saying what met."""

import pytest
from django.utils import translation

from matching.models import Match, MatchStrength
from matching.reasons import reason_text

pytestmark = pytest.mark.django_db

REASON = {
    "idea_field": "problem",
    "idea_text": "My two children go to primary school in Wolgok-dong.",
    "company_field": "technology",
    "company_text": "cloud triage",
}


@pytest.mark.parametrize("to_company", [True, False])
@pytest.mark.parametrize("idea_field", ["title", "problem"])
def test_a_weak_reason_names_the_nearest_parts_without_calling_them_close(to_company, idea_field):
    reason = {**REASON, "idea_field": idea_field}

    with translation.override("en"):
        english = reason_text(reason, to_company=to_company, weak=True)
        strong = reason_text(reason, to_company=to_company)
    with translation.override("ko"):
        korean = reason_text(reason, to_company=to_company, weak=True)

    assert english.startswith("Nearest parts: the idea's ") and "close" not in english
    assert english.endswith("“cloud triage”.")
    assert " is close to " in strong
    assert korean.startswith("가장 가까운 부분: 아이디어") and "가깝습니다" not in korean
    assert ("귀사의 기술" if to_company else "기업의 기술") in korean and "이(가)" not in korean


def _weaken(match: Match) -> Match:
    Match.objects.filter(pk=match.pk).update(strength=MatchStrength.WEAK, reason={**match.reason, **REASON})
    match.refresh_from_db()
    return match


def test_the_company_page_and_its_api_hedge_a_weak_reason_only(client, api, catalogue, carol):
    care = carol.memberships.get().company
    weak = _weaken(Match.objects.filter(company=care).order_by("rank_for_company").last())
    client.force_login(carol)
    client.cookies["django_language"] = "en"

    html = client.get(f"/companies/{care.slug}/matches/?include_weak=on").content.decode()
    url = f"/api/v1/companies/{care.slug}/matches/?include_weak=true"
    results = api(carol).get(url, HTTP_ACCEPT_LANGUAGE="en").json()["results"]
    texts = {row["id"]: row["reason"]["text"] for row in results}

    assert "Nearest parts: the idea’s “My two children go to primary school in Wolgok-dong" in html.replace(
        "&#x27;", "’"
    ).replace("'", "’")
    assert texts[weak.pk].startswith("Nearest parts:")
    # Every weak row hedged, and no strong or possible one.
    assert all(
        row["reason"]["text"].startswith("Nearest parts:") == (row["strength"] == "weak") for row in results
    )
    assert {"weak", "strong"} <= {row["strength"] for row in results}
