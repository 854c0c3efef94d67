"""An author who sends changes to an idea the moderators decided on while the edit page was open
(published, rejected, merged) gets the page back with the changes as typed, read-only to copy,
and what the idea's new state means for them: nothing is saved and nothing is lost."""

import re

import pytest
from django.test import Client

from ideas import services
from ideas.models import Idea, IdeaStatus
from tests.ideas.factories import IdeaFactory

pytestmark = pytest.mark.django_db

TYPED = {
    "title": "정류장 <도착> 안내를 고친 제목",
    "problem": "용봉동 정류장에서\n버스를 오래 기다립니다.",
    "proposal": "도착 시간을 알려 주는 AI 안내판",
    "category": "mobility",
    "district": "buk_gu",
    "beneficiaries": "어르신",
}


def _opened_by_its_author(alice) -> tuple[Idea, Client]:
    idea = IdeaFactory(author=alice, status=IdeaStatus.SUBMITTED, title="버스 정류장 안내가 필요해요")
    client = Client()
    client.force_login(alice)
    assert client.get(f"/ideas/{idea.pk}/edit/").status_code == 200
    return idea, client


def _main(html: str) -> str:
    return html[html.index('<main id="main">') : html.index("</main>")]


def _assert_kept_read_only(html: str) -> None:
    main = _main(html)
    assert re.search(
        r'<input type="text" name="title" value="정류장 &lt;도착&gt; 안내를 고친 제목"[^>]* readonly', main
    )
    assert re.search(
        r'<textarea name="problem"[^>]* readonly[^>]*>\n' + re.escape(TYPED["problem"]) + "</textarea>",
        main,
    )
    assert "도착 시간을 알려 주는 AI 안내판" in main
    assert '<option value="buk_gu" selected>' in main
    # Nothing to send: a button would only be refused again.
    assert 'type="submit"' not in main


@pytest.mark.parametrize(
    ("language", "refusal", "kept_note"),
    [
        (
            "ko",
            "수정하는 동안 검토 담당자가 이 아이디어를 공개했습니다. 이제 누구나 읽을 수 있고, "
            "검토 담당자만 고칠 수 있습니다.",
            "수정한 내용은 저장되지 않았습니다. 아래에서 복사해 두세요.",
        ),
        (
            "en",
            "While you were editing, the moderators published this idea: everyone can read it now, "
            "and only the moderators can change it.",
            "Your changes were not saved: they are below, to copy.",
        ),
    ],
    ids=["ko", "en"],
)
def test_changes_sent_after_the_idea_was_published_come_back_to_copy(
    alice, staff_user, language, refusal, kept_note
):
    idea, client = _opened_by_its_author(alice)
    services.idea_publish(idea=idea, by=staff_user)

    response = client.post(f"/ideas/{idea.pk}/edit/", TYPED, HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 409
    html = response.content.decode()
    assert refusal in html and kept_note in html
    _assert_kept_read_only(html)
    assert f'href="/ideas/{idea.pk}/"' in _main(html)
    assert Idea.objects.get(pk=idea.pk).title == "버스 정류장 안내가 필요해요"


def _reject(idea: Idea, staff_user) -> None:
    services.idea_reject(idea=idea, by=staff_user, reason="이미 운영 중인 서비스입니다")


def _merge(idea: Idea, staff_user) -> None:
    services.idea_merge(source=idea, target=IdeaFactory(), by=staff_user)


@pytest.mark.parametrize(
    ("decide", "language", "refusal"),
    [
        (
            _reject,
            "ko",
            "수정하는 동안 검토 담당자가 이 아이디어를 반려했습니다. 반려 사유는 아이디어 페이지에서 볼 수 "
            "있습니다. 이 아이디어는 더 이상 고칠 수 없으니 새 아이디어로 제안해 주세요.",
        ),
        (
            _reject,
            "en",
            "While you were editing, the moderators rejected this idea; their reason is on its page. "
            "It can no longer be changed: you can propose a new idea instead.",
        ),
        (
            _merge,
            "ko",
            "수정하는 동안 검토 담당자가 이 아이디어를 다른 아이디어에 병합했습니다. 이제 공감은 그 "
            "아이디어에 모이고, 이 아이디어는 검토 담당자만 고칠 수 있습니다.",
        ),
        (
            _merge,
            "en",
            "While you were editing, the moderators merged this idea into another one: its supporters "
            "count there now, and only the moderators can change it.",
        ),
    ],
    ids=["rejected-ko", "rejected-en", "merged-ko", "merged-en"],
)
def test_changes_sent_after_the_idea_was_rejected_or_merged_come_back_to_copy(
    alice, staff_user, decide, language, refusal
):
    idea, client = _opened_by_its_author(alice)
    decide(idea, staff_user)

    response = client.post(f"/ideas/{idea.pk}/edit/", TYPED, HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 409
    html = response.content.decode()
    assert refusal in html
    _assert_kept_read_only(html)
    assert Idea.objects.get(pk=idea.pk).title == "버스 정류장 안내가 필요해요"
