import pytest

from ideas.models import Idea, IdeaStatus

pytestmark = pytest.mark.django_db

VALID = {
    "title": "어머니가 약 드시는 걸 자꾸 잊으세요",
    "problem": "혼자 사시는 어머니가 혈압약을 드셨는지 기억을 못 하세요. 전화로 물어봐도 헷갈려 하십니다.",
    "proposal": "약 먹을 시간을 알려주고, 안 드시면 가족에게 알려주는 기계가 있으면 좋겠어요.",
    "category": "elderly_care",
    "district": "seo_gu",
    "beneficiaries": "혼자 사는 어르신과 가족",
}


def test_citizen_submits_an_idea_to_the_moderation_queue(api, alice):
    response = api(alice).post("/api/v1/ideas/", VALID)

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "submitted"
    assert body["language"] == "ko"
    assert body["author"]["id"] == alice.pk
    idea = Idea.objects.get(pk=body["id"])
    assert idea.title == VALID["title"]
    assert idea.status == IdeaStatus.SUBMITTED
    assert idea.author == alice


def test_english_idea_is_detected_as_english(api, alice):
    payload = {
        **VALID,
        "title": "My mother keeps forgetting her pills",
        "problem": "She lives alone in Seo-gu and cannot remember if she took her blood pressure pills.",
        "proposal": "A device that reminds her and tells the family when she misses a dose.",
    }

    response = api(alice).post("/api/v1/ideas/", payload)

    assert response.status_code == 201
    assert Idea.objects.get(pk=response.json()["id"]).language == "en"


def test_draft_stays_private_until_submitted(api, alice, bob):
    draft = api(alice).post("/api/v1/ideas/", {**VALID, "draft": True}).json()
    assert draft["status"] == "draft"
    assert api(bob).get(f"/api/v1/ideas/{draft['id']}/").status_code == 404

    submitted = api(alice).post(f"/api/v1/ideas/{draft['id']}/submit/")

    assert submitted.status_code == 200
    assert Idea.objects.get(pk=draft["id"]).status == IdeaStatus.SUBMITTED


def test_anonymous_cannot_submit(api):
    response = api().post("/api/v1/ideas/", VALID)

    assert response.status_code == 403
    assert Idea.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", ""),
        ("title", "가" * 121),
        ("problem", "짧아요"),
        ("proposal", "x" * 5001),
        ("category", "space_travel"),
        ("district", "gangnam_gu"),
    ],
)
def test_invalid_fields_are_refused_with_the_field_named(api, alice, field, value):
    response = api(alice).post("/api/v1/ideas/", {**VALID, field: value})

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert list(error["fields"]) == [field]
    assert Idea.objects.count() == 0


def test_unknown_category_message_is_in_korean_by_default_and_english_on_request(api, alice):
    korean = api(alice).post("/api/v1/ideas/", {**VALID, "category": "space_travel"})
    english = api(alice).post(
        "/api/v1/ideas/", {**VALID, "category": "space_travel"}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert korean.json()["error"]["fields"]["category"] == ['"space_travel"은 유효하지 않은 선택입니다.']
    assert english.json()["error"]["fields"]["category"] == ['"space_travel" is not a valid choice.']


def test_missing_fields_are_all_named(api, alice):
    response = api(alice).post("/api/v1/ideas/", {})

    fields = response.json()["error"]["fields"]
    assert set(fields) == {"title", "problem", "proposal", "category", "district"}


def test_html_is_stored_as_text_and_returned_unchanged(api, alice):
    payload = {**VALID, "title": "<script>alert('x')</script> 버스 정보"}

    response = api(alice).post("/api/v1/ideas/", payload)

    assert response.status_code == 201
    assert response["Content-Type"] == "application/json"
    assert Idea.objects.get().title == "<script>alert('x')</script> 버스 정보"
    assert response.json()["title"] == "<script>alert('x')</script> 버스 정보"


def test_author_edits_until_publication_then_only_staff(api, alice, staff_user, idea):
    idea.status = IdeaStatus.SUBMITTED
    idea.save()
    assert api(alice).patch(f"/api/v1/ideas/{idea.pk}/", {"title": "고친 제목입니다"}).status_code == 200

    api(staff_user).post(f"/api/v1/ideas/{idea.pk}/publish/")
    refused = api(alice).patch(f"/api/v1/ideas/{idea.pk}/", {"title": "다시 고친 제목"})
    by_staff = api(staff_user).patch(f"/api/v1/ideas/{idea.pk}/", {"category": "health"})

    assert refused.status_code == 403
    assert by_staff.status_code == 200
    idea.refresh_from_db()
    assert (idea.title, idea.category, idea.status) == ("고친 제목입니다", "health", IdeaStatus.PUBLISHED)


def test_staff_rejects_with_a_reason_the_author_sees(api, alice, staff_user, idea):
    idea.status = IdeaStatus.SUBMITTED
    idea.save()

    no_reason = api(staff_user).post(f"/api/v1/ideas/{idea.pk}/reject/", {"reason": ""})
    rejected = api(staff_user).post(
        f"/api/v1/ideas/{idea.pk}/reject/", {"reason": "개인정보가 포함되어 있어요"}
    )

    assert no_reason.status_code == 400
    assert rejected.status_code == 200
    seen_by_author = api(alice).get(f"/api/v1/ideas/{idea.pk}/").json()
    assert seen_by_author["status"] == "rejected"
    assert seen_by_author["rejection_reason"] == "개인정보가 포함되어 있어요"


def test_publishing_twice_is_a_conflict(api, staff_user, idea):
    response = api(staff_user).post(f"/api/v1/ideas/{idea.pk}/publish/")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "invalid_status"


def test_the_idea_form_counts_each_line_break_once_as_the_browser_does():
    from ideas.forms import IdeaForm
    from ideas.models import TEXT_MAX_LENGTH

    # TEXT_MAX_LENGTH characters as the browser counts them, more with the CRLF it sends.
    lines = ["가" * 49] * (TEXT_MAX_LENGTH // 50)
    form = IdeaForm(
        {
            "title": "버스 정류장 쉼터",
            "problem": "\r\n".join(lines),
            "proposal": "더위를 피할 수 있는 스마트 쉼터를 만들어 주세요.",
            "category": "mobility",
            "district": "dong_gu",
        }
    )

    assert form.is_valid(), form.errors
    assert form.cleaned_data["problem"] == "\n".join(lines)
