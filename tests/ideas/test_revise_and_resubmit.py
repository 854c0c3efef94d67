"""Staff send a submitted idea back for revision; its author reads the note, edits the idea on a
page and resubmits it, and it is back in the moderation queue."""

import pytest
from django.test import Client

from ideas import services
from ideas.models import Idea, IdeaStatus
from tests.conftest import client_for
from tests.ideas.factories import IdeaFactory

pytestmark = pytest.mark.django_db

NOTE = "연락처는 지우고 어느 동네인지 적어 주세요"


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def sent_back(alice, staff_user):
    idea = IdeaFactory(author=alice, status=IdeaStatus.SUBMITTED, title="버스 정류장 안내가 필요해요")
    return services.idea_request_revision(idea=idea, by=staff_user, note=NOTE)


def _form(idea: Idea, **changes) -> dict:
    fields = ("title", "problem", "proposal", "category", "district", "beneficiaries")
    return {**{field: getattr(idea, field) for field in fields}, **changes}


def test_the_author_sees_the_note_and_a_link_to_revise_on_the_idea_page_and_my_page(alice, sent_back):
    client = _signed_in(alice)
    edit_link = f'href="/ideas/{sent_back.pk}/edit/"'

    idea_page = client.get(f"/ideas/{sent_back.pk}/").content.decode()
    my_page = client.get("/me/").content.decode()

    for html in (idea_page, my_page):
        assert NOTE in html
        assert edit_link in html
        assert "보완해서 다시 제출하기" in html


def test_the_author_revises_and_resubmits_and_staff_see_it_in_the_queue_again(alice, staff_user, sent_back):
    client = _signed_in(alice)
    form_page = client.get(f"/ideas/{sent_back.pk}/edit/").content.decode()
    assert NOTE in form_page
    assert 'value="resubmit"' in form_page

    response = client.post(
        f"/ideas/{sent_back.pk}/edit/",
        _form(
            sent_back,
            problem="북구 용봉동 정류장에서 버스가 언제 올지 몰라 오래 기다립니다.",
            action="resubmit",
        ),
    )

    assert response.status_code == 302
    idea = Idea.objects.get(pk=sent_back.pk)
    assert idea.status == IdeaStatus.SUBMITTED
    assert idea.problem.startswith("북구 용봉동")
    queue = client_for(staff_user).get("/api/v1/moderation/ideas/").json()["results"]
    assert [row["id"] for row in queue] == [idea.pk]
    moderation_page = _signed_in(staff_user).get("/staff/moderation/").content.decode()
    assert idea.title in moderation_page and NOTE in moderation_page


def test_saving_the_draft_keeps_it_out_of_the_queue(alice, sent_back):
    response = _signed_in(alice).post(
        f"/ideas/{sent_back.pk}/edit/", _form(sent_back, title="버스 정류장 안내판이 필요해요", action="save")
    )

    assert response.status_code == 302
    idea = Idea.objects.get(pk=sent_back.pk)
    assert (idea.status, idea.title) == (IdeaStatus.DRAFT, "버스 정류장 안내판이 필요해요")


def test_a_refused_revision_comes_back_with_the_text_kept(alice, sent_back):
    response = _signed_in(alice).post(
        f"/ideas/{sent_back.pk}/edit/", _form(sent_back, problem="짧음", action="resubmit")
    )

    assert response.status_code == 200
    assert "짧음" in response.content.decode()
    assert Idea.objects.get(pk=sent_back.pk).status == IdeaStatus.DRAFT


def test_another_citizen_neither_sees_nor_edits_the_draft(bob, sent_back):
    client = _signed_in(bob)

    assert client.get(f"/ideas/{sent_back.pk}/edit/").status_code == 404
    assert client.post(f"/ideas/{sent_back.pk}/edit/", _form(sent_back, action="resubmit")).status_code == 404
    assert Idea.objects.get(pk=sent_back.pk).status == IdeaStatus.DRAFT


def test_another_citizen_may_not_edit_a_published_idea(bob, idea):
    response = _signed_in(bob).post(f"/ideas/{idea.pk}/edit/", _form(idea, title="남이 바꾼 제목입니다"))

    assert response.status_code == 403
    assert Idea.objects.get(pk=idea.pk).title != "남이 바꾼 제목입니다"


def test_anonymous_is_sent_to_log_in(client, sent_back):
    response = client.get(f"/ideas/{sent_back.pk}/edit/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_the_author_of_a_published_idea_is_told_it_can_no_longer_be_edited(alice, idea):
    response = _signed_in(alice).get(f"/ideas/{idea.pk}/edit/", follow=True)

    assert response.redirect_chain == [(f"/ideas/{idea.pk}/", 302)]
    assert "공개된 아이디어라 이제는 검토 담당자만 고칠 수 있습니다." in response.content.decode()


def test_staff_may_correct_a_draft_but_not_resubmit_it_for_the_author(staff_user, sent_back):
    client = _signed_in(staff_user)
    assert 'value="resubmit"' not in client.get(f"/ideas/{sent_back.pk}/edit/").content.decode()

    client.post(f"/ideas/{sent_back.pk}/edit/", _form(sent_back, category="health", action="resubmit"))

    idea = Idea.objects.get(pk=sent_back.pk)
    assert (idea.status, idea.category) == (IdeaStatus.DRAFT, "health")


def test_only_the_author_resubmits_through_the_service(bob, staff_user, sent_back):
    from core.errors import ApplicationError, ErrorKind

    for user in (bob, staff_user):
        with pytest.raises(ApplicationError) as refused:
            services.idea_resubmit(idea=sent_back, user=user, title="다른 사람이 보낸 제목")
        assert refused.value.kind == ErrorKind.FORBIDDEN
    assert Idea.objects.get(pk=sent_back.pk).status == IdeaStatus.DRAFT


def test_a_resubmitted_idea_cannot_be_resubmitted_again(alice, sent_back):
    from core.errors import ApplicationError, ErrorKind

    services.idea_resubmit(idea=sent_back, user=alice)

    with pytest.raises(ApplicationError) as refused:
        services.idea_resubmit(idea=sent_back, user=alice)
    assert refused.value.kind == ErrorKind.CONFLICT


def test_only_the_author_submits_a_draft_through_the_api(api, alice, bob, staff_user, sent_back):
    assert api(bob).post(f"/api/v1/ideas/{sent_back.pk}/submit/").status_code == 404
    assert api(staff_user).post(f"/api/v1/ideas/{sent_back.pk}/submit/").status_code == 403
    assert api(alice).post(f"/api/v1/ideas/{sent_back.pk}/submit/").status_code == 200


@pytest.mark.parametrize(
    ("language", "label", "draft"), [("ko", "보완 요청됨", "임시저장"), ("en", "Changes requested", "Draft")]
)
def test_an_idea_sent_back_is_labelled_changes_requested_not_draft(alice, sent_back, language, label, draft):
    IdeaFactory(author=alice, status=IdeaStatus.DRAFT, title="아직 보내지 않은 아이디어")
    client = _signed_in(alice)
    client.cookies["django_language"] = language

    my_page = client.get("/me/").content.decode()
    idea_page = client.get(f"/ideas/{sent_back.pk}/").content.decode()

    assert my_page.count(f'<span class="status">{label}</span>') == 1
    # A draft its author never sent stays a draft.
    assert my_page.count(f'<span class="status">{draft}</span>') == 1
    assert f'<span class="status">{label}</span>' in idea_page


def test_the_author_of_a_newly_submitted_idea_is_told_it_waits_for_the_moderators(alice, bob, staff_user):
    idea = IdeaFactory(author=alice, status=IdeaStatus.SUBMITTED, title="공원 가로등이 어두워요")
    waits = "아이디어가 검토 담당자의 검토를 기다리고 있습니다"

    own = _signed_in(alice).get(f"/ideas/{idea.pk}/").content.decode()
    for_staff = _signed_in(staff_user).get(f"/ideas/{idea.pk}/").content.decode()

    assert waits in own and 'id="revision"' in own
    assert waits not in for_staff
    assert _signed_in(bob).get(f"/ideas/{idea.pk}/").status_code == 404
