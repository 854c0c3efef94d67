"""Merging makes an idea public, so only an idea that could be public may be merged; and a merged
idea never shows why it was once rejected or what its author was asked to revise."""

import pytest

from accounts.models import AuditEntry
from ideas.models import Idea, IdeaStatus
from tests.ideas.factories import IdeaFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("status", "hidden"),
    [
        (IdeaStatus.DRAFT, False),
        (IdeaStatus.REJECTED, False),
        (IdeaStatus.PUBLISHED, True),
        (IdeaStatus.SUBMITTED, True),
    ],
)
def test_an_idea_that_could_not_be_public_is_not_merged(api, client, staff_user, status, hidden):
    target = IdeaFactory()
    source = IdeaFactory(
        status=status,
        is_hidden=hidden,
        problem="아직 공개하지 않은 비밀 내용입니다.",
        rejection_reason="중복",
    )

    response = api(staff_user).post(f"/api/v1/ideas/{source.pk}/merge/", {"target": target.pk})

    assert response.status_code == 409
    source.refresh_from_db()
    assert (source.status, source.merged_into_id, source.status_before_merge) == (status, None, "")
    assert not AuditEntry.objects.exists()
    assert api().get(f"/api/v1/ideas/{source.pk}/").status_code == 404
    assert client.get(f"/ideas/{source.pk}/").status_code == 404


@pytest.mark.parametrize("status", [IdeaStatus.IN_PILOT, IdeaStatus.COMPLETED])
def test_an_idea_whose_pilots_would_lose_it_is_not_merged(api, staff_user, status):
    target = IdeaFactory()
    source = IdeaFactory(status=status)

    response = api(staff_user).post(f"/api/v1/ideas/{source.pk}/merge/", {"target": target.pk})

    assert response.status_code == 409
    source.refresh_from_db()
    assert (source.status, source.merged_into_id) == (status, None)


@pytest.mark.parametrize("status", [IdeaStatus.SUBMITTED, IdeaStatus.PUBLISHED, IdeaStatus.MATCHED])
def test_a_submitted_published_or_matched_idea_is_merged(api, staff_user, status):
    target = IdeaFactory()
    source = IdeaFactory(status=status)

    response = api(staff_user).post(f"/api/v1/ideas/{source.pk}/merge/", {"target": target.pk})

    assert response.status_code == 200
    source.refresh_from_db()
    assert (source.status, source.merged_into_id, source.status_before_merge) == (
        IdeaStatus.MERGED,
        target.pk,
        status,
    )


def test_a_merged_idea_shows_no_revision_note(api, client, staff_user, alice):
    target = IdeaFactory()
    # Sent back for revision, then submitted again: the note stays on the row.
    source = IdeaFactory(author=alice, status=IdeaStatus.SUBMITTED, moderation_note="개인정보를 지워 주세요")
    assert api(alice).get(f"/api/v1/ideas/{source.pk}/").json()["moderation_note"] == "개인정보를 지워 주세요"

    api(staff_user).post(f"/api/v1/ideas/{source.pk}/merge/", {"target": target.pk})

    assert Idea.objects.get(pk=source.pk).moderation_note == "개인정보를 지워 주세요"  # kept for an undo
    assert api().get(f"/api/v1/ideas/{source.pk}/").json()["moderation_note"] == ""
    assert "개인정보를 지워 주세요" not in client.get(f"/ideas/{source.pk}/").content.decode()


def test_a_merged_idea_that_was_once_rejected_shows_no_rejection_reason(api, client, alice):
    # A row merged before merging a rejected idea was refused keeps its reason.
    target = IdeaFactory()
    merged = IdeaFactory(
        author=alice,
        status=IdeaStatus.MERGED,
        merged_into=target,
        rejection_reason="욕설이 포함되어 있습니다",
    )

    for user in (None, alice):
        assert api(user).get(f"/api/v1/ideas/{merged.pk}/").json()["rejection_reason"] == ""
        listed = api(user).get("/api/v1/ideas/").json()["results"]
        assert all(row["rejection_reason"] == "" for row in listed)
    page = client.get(f"/ideas/{merged.pk}/")
    assert page.status_code == 200
    assert "욕설이 포함되어 있습니다" not in page.content.decode()


def test_the_author_of_a_rejected_idea_reads_the_reason(api, client, alice):
    rejected = IdeaFactory(
        author=alice, status=IdeaStatus.REJECTED, rejection_reason="욕설이 포함되어 있습니다"
    )

    assert (
        api(alice).get(f"/api/v1/ideas/{rejected.pk}/").json()["rejection_reason"]
        == "욕설이 포함되어 있습니다"
    )
    client.force_login(alice)
    assert "욕설이 포함되어 있습니다" in client.get(f"/ideas/{rejected.pk}/").content.decode()
    assert "욕설이 포함되어 있습니다" in client.get("/me/").content.decode()
