import pytest
from drf_spectacular.generators import SchemaGenerator

from ideas.models import IdeaStatus
from matching.models import Match, MatchStatus
from tests.conftest import PERSONAS, client_for
from tests.ideas.factories import IdeaFactory
from tests.matching.factories import MatchFactory

pytestmark = pytest.mark.django_db


def test_anyone_reads_the_ranked_companies_of_a_public_idea(api, catalogue):
    idea = catalogue["ideas"]["crossing"]

    body = api().get(f"/api/v1/ideas/{idea.pk}/matches/").json()

    assert body["state"] == "done"
    assert [row["rank"] for row in body["results"]] == list(range(1, len(body["results"]) + 1))
    assert body["results"][0]["company"]["slug"] == "sinhosup"
    assert (body["results"][0]["strength"], body["results"][0]["strength_label"]) == (
        "possible",
        "가능성 있는 매칭",
    )
    assert body["results"][0]["reason"]["text"].endswith("에 가깝습니다.")
    # Only the companies that fit are listed; weaker ones are for companies and staff to open.
    assert {row["strength"] for row in body["results"]} <= {"strong", "possible"}


def test_only_staff_and_companies_open_weaker_possibilities(api, catalogue, carol, staff_user, alice):
    idea = catalogue["ideas"]["crossing"]
    url = f"/api/v1/ideas/{idea.pk}/matches/?include_weak=true"

    shown = api().get(f"/api/v1/ideas/{idea.pk}/matches/").json()["results"]
    for_staff = api(staff_user).get(url).json()["results"]

    assert len(for_staff) > len(shown)
    assert "weak" in {row["strength"] for row in for_staff}
    assert [row["id"] for row in api(carol).get(url).json()["results"]] == [row["id"] for row in for_staff]
    assert api().get(url).status_code == 403
    refused = api(alice).get(url)
    assert refused.status_code == 403
    assert "약한 매칭" in refused.json()["error"]["message"]


def test_matches_of_an_unpublished_idea_are_hidden(api, catalogue, bob):
    idea = catalogue["ideas"]["crossing"]
    idea.status = IdeaStatus.SUBMITTED
    idea.save()

    assert api().get(f"/api/v1/ideas/{idea.pk}/matches/").status_code == 404
    assert api(bob).get(f"/api/v1/ideas/{idea.pk}/matches/").status_code == 404


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", 403),
        ("author", 403),
        ("other_citizen", 403),
        ("company_member", 200),
        ("other_company_member", 403),
        ("staff", 200),
    ],
)
def test_company_matches_permission_matrix(personas, catalogue, persona, expected):
    care = catalogue["companies"]["care"]

    response = client_for(personas[persona]).get(f"/api/v1/companies/{care.slug}/matches/")

    assert response.status_code == expected
    if expected == 200:
        assert response.json()["results"][0]["idea"]["title"]


def test_company_filters_its_matches(api, catalogue, carol):
    care = catalogue["companies"]["care"]

    body = api(carol).get(f"/api/v1/companies/{care.slug}/matches/?category=elderly_care").json()
    bad = api(carol).get(f"/api/v1/companies/{care.slug}/matches/?category=moon")

    assert {row["idea"]["category"] for row in body["results"]} == {"elderly_care"}
    assert list(bad.json()["error"]["fields"]) == ["category"]


def test_company_matches_query_count_is_flat(api, catalogue, carol, django_assert_num_queries):
    care = catalogue["companies"]["care"]

    # company and its references, membership check, count, page with ideas
    with django_assert_num_queries(5):
        response = api(carol).get(f"/api/v1/companies/{care.slug}/matches/?include_weak=true")

    assert response.json()["count"] >= 5


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
def test_feedback_permission_matrix(personas, catalogue, persona, expected):
    match = Match.objects.get(idea=catalogue["ideas"]["pills"], company=catalogue["companies"]["care"])

    response = client_for(personas[persona]).post(
        f"/api/v1/matches/{match.pk}/feedback/", {"status": "interested", "message": "30가구 실증 가능"}
    )

    assert response.status_code == expected
    match.refresh_from_db()
    assert match.status == (MatchStatus.INTERESTED if expected == 200 else MatchStatus.SUGGESTED)


def test_interest_needs_a_message_for_the_city(api, catalogue, carol):
    match = Match.objects.get(idea=catalogue["ideas"]["pills"], company=catalogue["companies"]["care"])

    response = api(carol).post(f"/api/v1/matches/{match.pk}/feedback/", {"status": "interested"})

    assert response.status_code == 400
    assert response.json()["error"]["fields"]["message"] == [
        "어떤 실증을 할 수 있는지 시에 간단히 알려 주세요."
    ]
    assert Match.objects.get(pk=match.pk).status == MatchStatus.SUGGESTED


def test_not_a_fit_removes_the_match_from_the_idea(api, catalogue, carol):
    idea = catalogue["ideas"]["pills"]
    match = Match.objects.get(idea=idea, company=catalogue["companies"]["care"])

    response = api(carol).post(f"/api/v1/matches/{match.pk}/feedback/", {"status": "dismissed"})

    assert response.json()["status"] == "dismissed"
    slugs = [
        row["company"]["slug"] for row in api().get(f"/api/v1/ideas/{idea.pk}/matches/").json()["results"]
    ]
    assert "gyeote-care" not in slugs


# The lookup itself, through a worker of the "similar" queue, is tested in test_similar_lookup.py.
def test_similar_ideas_is_throttled(api, monkeypatch):
    from rest_framework.throttling import ScopedRateThrottle

    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"similar": "2/minute", "writes": "100/minute"})
    client = api()

    # An empty draft is answered without a worker; the throttle counts it all the same.
    codes = [client.post("/api/v1/ideas/similar/", {"title": ""}).status_code for _ in range(3)]

    assert codes == [200, 200, 429]


def test_similar_ideas_names_a_bad_field(api, catalogue):
    response = api().post("/api/v1/ideas/similar/", {"title": "가" * 200})

    assert list(response.json()["error"]["fields"]) == ["title"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_staff_and_the_author_see_duplicate_candidates(personas, catalogue, persona):
    idea = catalogue["ideas"]["pills"]
    idea.author = personas["author"]
    idea.save()

    response = client_for(personas[persona]).get(f"/api/v1/ideas/{idea.pk}/duplicates/")

    allowed = persona in ("staff", "author")
    assert response.status_code == (200 if allowed else 403)
    if allowed:
        assert response.json()[0]["idea"]["title"] == "My father forgets his medicine"


@pytest.mark.parametrize("persona", PERSONAS)
def test_duplicates_do_not_tell_whether_someone_elses_draft_exists(personas, persona):
    draft = IdeaFactory(author=personas["author"], status=IdeaStatus.DRAFT)
    client = client_for(personas[persona])

    existing = client.get(f"/api/v1/ideas/{draft.pk}/duplicates/")
    missing = client.get("/api/v1/ideas/999999/duplicates/")

    if persona == "staff":
        assert (existing.status_code, missing.status_code) == (200, 404)
    elif persona == "author":
        assert (existing.status_code, existing.json()) == (200, [])
    else:
        assert existing.status_code == missing.status_code == 403
        assert existing.json() == missing.json()


def test_an_idea_the_matcher_does_not_match_has_no_matching_state(api, alice):
    draft = IdeaFactory(author=alice, status=IdeaStatus.DRAFT)
    schemas = _schemas()

    matches = api(alice).get(f"/api/v1/ideas/{draft.pk}/matches/").json()
    idea = api(alice).get(f"/api/v1/ideas/{draft.pk}/").json()

    assert (matches["state"], idea["matching_state"]) == (None, None)
    for component, field in (("IdeaMatchesOutput", "state"), ("IdeaOutput", "matching_state")):
        declared = schemas[component]["properties"][field]
        assert declared["nullable"] is True
        assert {"$ref": "#/components/schemas/MatchingStateEnum"} in declared["oneOf"]
    assert schemas["MatchingStateEnum"]["enum"] == ["pending", "done"]


def test_a_dismissed_match_has_no_rank_and_the_schema_allows_it(api, carol, company):
    match = MatchFactory(company=company)

    response = api(carol).post(f"/api/v1/matches/{match.pk}/feedback/", {"status": "dismissed"})
    listed = api(carol).get(f"/api/v1/companies/{company.slug}/matches/").json()["results"]

    assert response.json()["rank"] is None
    assert [row["rank"] for row in listed] == [None]
    assert _schemas()["MatchForCompany"]["properties"]["rank"]["nullable"] is True
    assert Match.objects.get(pk=match.pk).rank_for_company is None


def _schemas() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]


def test_a_reason_speaks_to_the_companys_members_of_their_own_profile(api, catalogue, carol, staff_user):
    care = catalogue["companies"]["care"]
    url = f"/api/v1/companies/{care.slug}/matches/"

    for_member = api(carol).get(url, HTTP_ACCEPT_LANGUAGE="en").json()["results"]
    for_staff = api(staff_user).get(url, HTTP_ACCEPT_LANGUAGE="en").json()["results"]

    assert for_member and all(" is close to your " in row["reason"]["text"] for row in for_member)
    assert for_staff and all(" is close to the company's " in row["reason"]["text"] for row in for_staff)
