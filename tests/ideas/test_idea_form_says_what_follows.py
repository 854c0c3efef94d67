"""The idea form marks the field one may leave empty, and says before its button what happens once
the idea is sent: the moderators review it before it is published, and may send it back."""

import pytest

from ideas.models import IdeaStatus
from tests.ideas.factories import IdeaFactory
from tests.pages import signed_in_client

pytestmark = pytest.mark.django_db

NEXT = {
    "ko": "제출한 아이디어는 검토 담당자가 확인한 뒤 공개됩니다. 보완할 점이 있으면 검토 의견과 함께 "
    "돌려보내 드립니다.",
    "en": "Once you submit it, the city's moderators review your idea before it is published; if "
    "something needs changing, they send it back to you with a note.",
}
OPTIONAL = {"ko": "(선택)", "en": "(optional)"}
BENEFICIARIES = {"ko": "수혜 대상", "en": "who benefits"}


@pytest.mark.parametrize("language", ["ko", "en"])
def test_the_new_idea_form_marks_its_optional_field_and_says_what_follows(alice, language):
    html = signed_in_client(alice, language).get("/ideas/new/").content.decode()

    optional = f'<span class="optional">{OPTIONAL[language]}</span>'
    assert f'<label for="id_beneficiaries">{BENEFICIARIES[language]} {optional}</label>' in html
    # Only the field one may leave empty says so.
    assert html.count(optional) == 1
    note = html.index(f'<p class="meta" id="after-submit">{NEXT[language]}</p>')
    assert note < html.rindex('<button type="submit">')


@pytest.mark.parametrize("language", ["ko", "en"])
def test_a_draft_sent_again_says_so_too_and_a_published_idea_edited_by_staff_does_not(
    alice, staff_user, language
):
    draft = IdeaFactory(author=alice, status=IdeaStatus.DRAFT)
    published = IdeaFactory(author=alice, status=IdeaStatus.PUBLISHED)

    resubmit = signed_in_client(alice, language).get(f"/ideas/{draft.pk}/edit/").content.decode()
    staff_edit = signed_in_client(staff_user, language).get(f"/ideas/{published.pk}/edit/").content.decode()

    assert NEXT[language] in resubmit
    assert NEXT[language] not in staff_edit
