import pytest

from accounts.models import AuditEntry, Notification
from ideas.models import Comment, Idea, IdeaStatus, Report, Support
from tests.accounts.factories import UserFactory
from tests.conftest import PERSONAS, client_for
from tests.ideas.factories import CommentFactory, IdeaFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    "path", ["/api/v1/moderation/ideas/", "/api/v1/moderation/reports/", "/api/v1/audit/"]
)
def test_moderation_reads_are_for_staff_only(personas, persona, path):
    response = client_for(personas[persona]).get(path)

    assert response.status_code == (200 if persona == "staff" else 403)


def test_queue_lists_submitted_ideas_oldest_first(api, staff_user):
    first = IdeaFactory(title="먼저 들어온 아이디어", status=IdeaStatus.SUBMITTED)
    IdeaFactory(title="공개된 아이디어", status=IdeaStatus.PUBLISHED)
    second = IdeaFactory(title="나중에 들어온 아이디어", status=IdeaStatus.SUBMITTED)

    rows = api(staff_user).get("/api/v1/moderation/ideas/").json()["results"]

    assert [row["id"] for row in rows] == [first.pk, second.pk]


def test_publishing_is_audited_and_tells_the_author(api, staff_user, alice):
    idea = IdeaFactory(author=alice, status=IdeaStatus.SUBMITTED)

    api(staff_user).post(f"/api/v1/ideas/{idea.pk}/publish/")

    entry = AuditEntry.objects.get(action="idea_publish")
    assert (entry.actor, entry.target_id, entry.before["status"], entry.after["status"]) == (
        staff_user,
        idea.pk,
        "submitted",
        "published",
    )
    assert Notification.objects.filter(user=alice, kind="idea_status").exists()


def test_staff_ask_the_author_to_revise(api, staff_user, alice):
    idea = IdeaFactory(author=alice, status=IdeaStatus.SUBMITTED)

    missing = api(staff_user).post(f"/api/v1/ideas/{idea.pk}/request-revision/", {"note": ""})
    response = api(staff_user).post(
        f"/api/v1/ideas/{idea.pk}/request-revision/", {"note": "연락처를 지워 주세요"}
    )

    assert list(missing.json()["error"]["fields"]) == ["note"]
    assert response.json()["status"] == "draft"
    seen_by_author = api(alice).get(f"/api/v1/ideas/{idea.pk}/").json()
    assert seen_by_author["moderation_note"] == "연락처를 지워 주세요"
    assert seen_by_author["can_edit"] is True
    assert Notification.objects.get(user=alice).body == "연락처를 지워 주세요"
    assert api(alice).post(f"/api/v1/ideas/{idea.pk}/submit/").json()["status"] == "submitted"


def test_staff_fix_a_category_and_the_change_is_audited(api, staff_user, idea):
    api(staff_user).patch(f"/api/v1/ideas/{idea.pk}/", {"category": "health", "district": "nam_gu"})

    entry = AuditEntry.objects.get(action="idea_edit")
    assert entry.before == {"category": "mobility", "district": "buk_gu"}
    assert entry.after == {"category": "health", "district": "nam_gu"}


def test_three_reports_from_different_people_hide_an_idea_until_staff_decide(api, staff_user, idea):
    reporters = UserFactory.create_batch(3)
    for reporter in reporters[:2]:
        api(reporter).post("/api/v1/reports/", {"idea": idea.pk, "reason": "spam"})
    idea.refresh_from_db()
    assert idea.is_hidden is False

    api(reporters[2]).post("/api/v1/reports/", {"idea": idea.pk, "reason": "abuse"})
    idea.refresh_from_db()
    assert idea.is_hidden is True
    assert api().get(f"/api/v1/ideas/{idea.pk}/").status_code == 404

    restored = api(staff_user).delete(f"/api/v1/ideas/{idea.pk}/hidden/")
    assert restored.status_code == 200
    assert api().get(f"/api/v1/ideas/{idea.pk}/").status_code == 200
    assert set(Report.objects.values_list("resolution", flat=True)) == {"dismissed"}


def test_staff_hide_a_comment_and_dismiss_a_report(api, staff_user, bob, idea):
    comment = CommentFactory(idea=idea, body="광고 댓글")
    report = Report.objects.create(reporter=bob, comment=comment, reason="spam")

    api(staff_user).post(f"/api/v1/comments/{comment.pk}/hidden/")
    public = api().get(f"/api/v1/ideas/{idea.pk}/comments/").json()["results"]
    assert public == []
    assert Report.objects.get(pk=report.pk).resolution == "hidden"

    other = Report.objects.create(reporter=bob, idea=idea, reason="off_topic")
    dismissed = api(staff_user).post(f"/api/v1/reports/{other.pk}/dismiss/")
    again = api(staff_user).post(f"/api/v1/reports/{other.pk}/dismiss/")
    assert dismissed.json()["resolution"] == "dismissed"
    assert again.status_code == 409
    assert Comment.objects.filter(pk=comment.pk, is_hidden=True).exists()
    assert AuditEntry.objects.filter(action__in=["content_hide", "report_dismiss"]).count() == 2


def test_merging_and_unmerging_keep_support_counts_exact(api, staff_user):
    a = IdeaFactory(title="A: 버스 도착 알림")
    b = IdeaFactory(title="B: 정류장 안내판")
    only_a, both, only_b = UserFactory.create_batch(3)
    for user in (only_a, both):
        Support.objects.create(idea=a, user=user)
    for user in (both, only_b):
        Support.objects.create(idea=b, user=user)
    follower = UserFactory()
    b.follows.create(user=follower)

    merged = api(staff_user).post(f"/api/v1/ideas/{b.pk}/merge/", {"target": a.pk})

    assert merged.json()["supports_count"] == 3  # only_a, both (once), only_b
    b.refresh_from_db()
    assert (b.status, b.merged_into_id, b.status_before_merge) == (
        IdeaStatus.MERGED,
        a.pk,
        IdeaStatus.PUBLISHED,
    )
    assert Support.objects.count() == 4  # nothing deleted
    told = set(Notification.objects.filter(kind="idea_status").values_list("user_id", flat=True))
    assert {both.pk, only_b.pk, follower.pk} <= told
    merged_view = api().get(f"/api/v1/ideas/{b.pk}/").json()
    assert merged_view["merged_into"] == a.pk
    assert api(only_a).post(f"/api/v1/ideas/{b.pk}/support/").status_code == 409

    api(staff_user).post(f"/api/v1/ideas/{b.pk}/unmerge/")

    assert api().get(f"/api/v1/ideas/{a.pk}/").json()["supports_count"] == 2
    assert api().get(f"/api/v1/ideas/{b.pk}/").json()["supports_count"] == 2
    assert Idea.objects.get(pk=b.pk).status == IdeaStatus.PUBLISHED
    assert list(AuditEntry.objects.order_by("id").values_list("action", flat=True)) == [
        "idea_merge",
        "idea_unmerge",
    ]


def test_merge_refuses_itself_and_an_unpublished_target(api, staff_user, idea):
    draft = IdeaFactory(status=IdeaStatus.DRAFT)

    itself = api(staff_user).post(f"/api/v1/ideas/{idea.pk}/merge/", {"target": idea.pk})
    unpublished = api(staff_user).post(f"/api/v1/ideas/{idea.pk}/merge/", {"target": draft.pk})
    missing = api(staff_user).post(f"/api/v1/ideas/{idea.pk}/merge/", {"target": 999999})

    assert [r.status_code for r in (itself, unpublished, missing)] == [400, 400, 400]
    assert list(missing.json()["error"]["fields"]) == ["target"]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    ("method", "path", "payload"),
    [
        ("post", "/api/v1/ideas/{idea}/merge/", {"target": "{other}"}),
        ("post", "/api/v1/ideas/{idea}/hidden/", None),
        ("post", "/api/v1/comments/{comment}/hidden/", None),
        ("post", "/api/v1/reports/{report}/dismiss/", None),
        ("post", "/api/v1/ideas/{submitted}/request-revision/", {"note": "고쳐 주세요"}),
    ],
)
def test_moderation_actions_permission_matrix(personas, idea, persona, method, path, payload):
    other = IdeaFactory()
    submitted = IdeaFactory(status=IdeaStatus.SUBMITTED)
    comment = CommentFactory(idea=idea)
    report = Report.objects.create(reporter=UserFactory(), idea=idea, reason="spam")
    ids = {
        "idea": idea.pk,
        "other": other.pk,
        "comment": comment.pk,
        "report": report.pk,
        "submitted": submitted.pk,
    }
    if payload:
        payload = {k: int(v.format(**ids)) if v.startswith("{") else v for k, v in payload.items()}

    response = getattr(client_for(personas[persona]), method)(path.format(**ids), payload)

    assert response.status_code == (200 if persona == "staff" else 403)
    assert AuditEntry.objects.exists() is (persona == "staff")
