"""A citizen deletes their own idea while nobody else can see it: a draft, one waiting for
review, or one the moderators rejected. The idea's page links to a page that shows what goes with
it and asks first; its POST deletes and lands on My page. DELETE /api/v1/ideas/<id>/ does the
same for the same people. Staff reject or hide ideas; they do not delete them this way."""

import pytest
from django.db import connection
from django.test import Client

from accounts.models import AuditEntry, Notification, NotificationKind, User
from core.errors import ApplicationError, ErrorKind
from ideas import services
from ideas.models import Comment, Follow, Idea, IdeaStatus, Report, Support
from matching.models import Embedding, Match, MatchStatus, MatchStrength
from pilots.models import PilotStage
from tests.companies.conftest import Broker
from tests.companies.factories import CompanyFactory, MembershipFactory
from tests.concurrency import second_while_first_is_open
from tests.ideas.factories import CommentFactory, IdeaFactory
from tests.matching.factories import InterestFactory, MatchFactory
from tests.pages import signed_in_client
from tests.pilots.factories import PilotFactory

pytestmark = pytest.mark.django_db

DELETABLE = [IdeaStatus.DRAFT, IdeaStatus.SUBMITTED, IdeaStatus.REJECTED]
PUBLIC = [IdeaStatus.PUBLISHED, IdeaStatus.MATCHED, IdeaStatus.IN_PILOT, IdeaStatus.COMPLETED]


@pytest.fixture
def broker(monkeypatch) -> Broker:
    from matching import dispatch

    found = Broker()
    monkeypatch.setattr(dispatch, "current_app", found)
    return found


def _idea(author, status: IdeaStatus, **fields) -> Idea:
    if status == IdeaStatus.MERGED:
        fields.setdefault("merged_into", IdeaFactory())
    return IdeaFactory(author=author, status=status, **fields)


@pytest.fixture
def rejected(alice, bob, company):
    """Alice's idea, published for a while (Bob supported, followed, commented on and reported
    it; a company showed interest) before the moderators rejected it."""
    idea = IdeaFactory(author=alice, status=IdeaStatus.REJECTED, rejection_reason="개인정보가 들어 있어요")
    Support.objects.create(idea=idea, user=bob)
    Follow.objects.create(idea=idea, user=bob)
    comment = CommentFactory(idea=idea, author=bob, body="우리 동네도 그래요")
    Report.objects.create(reporter=bob, comment=comment, reason="spam")
    Report.objects.create(reporter=bob, idea=idea, reason="personal_data")
    InterestFactory(idea=idea, company=company)
    MatchFactory(idea=idea, company=CompanyFactory(), status=MatchStatus.SUGGESTED)
    return idea


# --- The service's rules -----------------------------------------------------------------


@pytest.mark.parametrize("status", DELETABLE)
def test_the_author_deletes_an_idea_nobody_else_can_see(alice, status):
    idea = _idea(alice, status)

    services.idea_delete(idea=idea, user=alice)

    assert not Idea.objects.filter(pk=idea.pk).exists()


@pytest.mark.parametrize("status", [*PUBLIC, IdeaStatus.MERGED])
def test_a_public_or_merged_idea_cannot_be_deleted(alice, status):
    idea = _idea(alice, status)

    with pytest.raises(ApplicationError) as refused:
        services.idea_delete(idea=idea, user=alice)

    assert refused.value.kind == ErrorKind.CONFLICT
    assert str(idea.get_status_display()) in refused.value.message
    assert Idea.objects.filter(pk=idea.pk).exists()


def test_a_hidden_published_idea_cannot_be_deleted_either(alice):
    idea = _idea(alice, IdeaStatus.PUBLISHED, is_hidden=True)

    with pytest.raises(ApplicationError):
        services.idea_delete(idea=idea, user=alice)

    assert Idea.objects.filter(pk=idea.pk).exists()


@pytest.mark.parametrize("who", ["other_citizen", "staff"])
def test_nobody_but_the_author_may_delete(alice, bob, staff_user, who):
    idea = _idea(alice, IdeaStatus.SUBMITTED)
    user = {"other_citizen": bob, "staff": staff_user}[who]

    with pytest.raises(ApplicationError) as refused:
        services.idea_delete(idea=idea, user=user)

    assert refused.value.kind == ErrorKind.FORBIDDEN
    assert Idea.objects.filter(pk=idea.pk).exists()


def test_a_rejected_idea_goes_with_what_others_gave_it_while_it_was_public(alice, bob, rejected):
    services.idea_delete(idea=rejected, user=alice)

    assert not Idea.objects.filter(pk=rejected.pk).exists()
    for model in (Support, Follow, Comment, Report, Match):
        assert not model.objects.exists(), model
    assert User.objects.filter(pk=bob.pk).exists()


def test_an_idea_a_pilot_was_made_from_cannot_be_deleted(alice):
    # Published, made a pilot that was cancelled, then rejected: the pilot keeps it.
    idea = _idea(alice, IdeaStatus.REJECTED)
    PilotFactory(idea=idea, stage=PilotStage.CANCELLED, cancellation_reason="참여 기업이 철수했습니다")

    with pytest.raises(ApplicationError) as refused:
        services.idea_delete(idea=idea, user=alice)

    assert (refused.value.kind, refused.value.code) == (ErrorKind.CONFLICT, "has_pilot")
    assert Idea.objects.filter(pk=idea.pk).exists()


def test_an_idea_others_were_merged_into_cannot_be_deleted(alice):
    idea = _idea(alice, IdeaStatus.REJECTED)
    duplicate = IdeaFactory(status=IdeaStatus.MERGED, merged_into=idea)

    with pytest.raises(ApplicationError) as refused:
        services.idea_delete(idea=idea, user=alice)

    assert (refused.value.kind, refused.value.code) == (ErrorKind.CONFLICT, "has_merged_ideas")
    assert Idea.objects.filter(pk=idea.pk).exists()
    assert Idea.objects.get(pk=duplicate.pk).merged_into_id == idea.pk


def test_an_idea_published_since_the_author_loaded_it_is_kept(alice):
    idea = _idea(alice, IdeaStatus.SUBMITTED)
    Idea.objects.filter(pk=idea.pk).update(status=IdeaStatus.PUBLISHED)  # staff, meanwhile

    with pytest.raises(ApplicationError) as refused:
        services.idea_delete(idea=idea, user=alice)

    assert refused.value.kind == ErrorKind.CONFLICT
    assert Idea.objects.get(pk=idea.pk).status == IdeaStatus.PUBLISHED


def test_the_matcher_is_told_once_the_deletion_commits(alice, broker, django_capture_on_commit_callbacks):
    idea = _idea(alice, IdeaStatus.REJECTED)
    Embedding.objects.create(idea=idea, model_name="test", text_hash="h", vector=[0.0] * 512)
    idea_id = idea.pk

    with django_capture_on_commit_callbacks(execute=True):
        services.idea_delete(idea=idea, user=alice)

    assert broker.sent == [("matching.tasks.forget_deleted_idea", (idea_id,))]
    assert not Embedding.objects.exists()


def test_a_refused_deletion_tells_the_matcher_nothing(alice, broker, django_capture_on_commit_callbacks):
    idea = _idea(alice, IdeaStatus.PUBLISHED)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ApplicationError):
        services.idea_delete(idea=idea, user=alice)

    assert broker.sent == []


def _waiting_for_a_row_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_locks WHERE NOT granted)")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_a_deletion_sent_twice_at_once_deletes_once_and_the_page_lands_on_my_page(alice, broker):
    idea = _idea(alice, IdeaStatus.SUBMITTED)
    second_send = []

    outcome = second_while_first_is_open(
        lambda: services.idea_delete(idea=Idea.objects.get(pk=idea.pk), user=alice),
        lambda: second_send.append(signed_in_client(alice).post(f"/ideas/{idea.pk}/delete/")),
        second_is_waiting=_waiting_for_a_row_lock,
    )

    assert not outcome.errors and not outcome.refusals, (outcome.errors, outcome.refusals)
    assert second_send[0].status_code == 302 and second_send[0]["Location"] == "/me/"
    assert not Idea.objects.filter(pk=idea.pk).exists()
    assert len(broker.sent) == 1


@pytest.mark.django_db(transaction=True)
def test_staff_deciding_on_an_idea_its_author_is_deleting_are_told_it_is_gone(alice, staff_user, broker):
    idea = _idea(alice, IdeaStatus.SUBMITTED)

    outcome = second_while_first_is_open(
        lambda: services.idea_delete(idea=Idea.objects.get(pk=idea.pk), user=alice),
        lambda: services.idea_publish(idea=Idea.objects.get(pk=idea.pk), by=staff_user),
        second_is_waiting=_waiting_for_a_row_lock,
    )

    assert not outcome.errors, outcome.errors
    assert [refusal.kind for refusal in outcome.refusals] == [ErrorKind.NOT_FOUND]
    assert not Idea.objects.filter(pk=idea.pk).exists()
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_an_idea_published_while_its_author_deletes_it_is_kept(alice, staff_user, broker):
    idea = _idea(alice, IdeaStatus.SUBMITTED)

    outcome = second_while_first_is_open(
        lambda: services.idea_publish(idea=Idea.objects.get(pk=idea.pk), by=staff_user),
        lambda: services.idea_delete(idea=Idea.objects.get(pk=idea.pk), user=alice),
        second_is_waiting=_waiting_for_a_row_lock,
    )

    assert not outcome.errors, outcome.errors
    assert [refusal.kind for refusal in outcome.refusals] == [ErrorKind.CONFLICT]
    assert Idea.objects.get(pk=idea.pk).status == IdeaStatus.PUBLISHED


# --- What points at a deleted idea afterwards --------------------------------------------


def test_links_to_a_deleted_idea_lead_to_the_sites_not_found_page(alice, bob, staff_user, rejected):
    # The rejection was recorded for staff, and its followers were told.
    AuditEntry.objects.create(
        actor=staff_user,
        action="idea_reject",
        target_type="idea",
        target_id=rejected.pk,
        target_label=rejected.title,
        before={"status": "published"},
        after={"status": "rejected"},
    )
    link = rejected.get_absolute_url()
    Notification.objects.create(user=bob, kind=NotificationKind.IDEA_STATUS, title="반려됨", link=link)

    services.idea_delete(idea=rejected, user=alice)

    followed = signed_in_client(bob).get(link)
    assert followed.status_code == 404 and "Page not found" in followed.content.decode()
    assert signed_in_client(bob).get("/me/").status_code == 200
    log = signed_in_client(staff_user).get("/staff/audit/")
    assert log.status_code == 200 and rejected.title in log.content.decode()


def test_what_others_were_told_of_a_deleted_idea_no_longer_quotes_it_nor_leads_to_not_found(
    alice, bob, carol, staff_user, broker
):
    """Followers heard of its status while it was public (one of them stopped following since),
    and a commenter of a reply on it; each reads a neutral wording in their own language."""
    bob.preferred_language = "en"
    bob.save(update_fields=["preferred_language"])
    idea = IdeaFactory(author=alice, title="광주천 자전거길 야간 조명", status=IdeaStatus.SUBMITTED)
    services.idea_publish(idea=idea, by=staff_user)
    for follower in (bob, carol):
        services.idea_follow(idea=idea, user=follower)
    comment = services.comment_create(idea=idea, author=carol, body="밤에 너무 어두워요.")
    services.comment_create(idea=idea, author=bob, body="I agree, it is dark.", parent=comment)
    services.idea_reject(idea=idea, by=staff_user, reason="다른 제안과 겹칩니다.")
    services.idea_unfollow(idea=idea, user=carol)
    others = Notification.objects.filter(user__in=[bob, carol])
    assert others.filter(title__contains=idea.title).count() == 3
    own = {n.pk: (n.title, n.body, n.link) for n in Notification.objects.filter(user=alice)}
    assert own

    services.idea_delete(idea=idea, user=alice)

    told = {(n.user.username, n.kind, n.title, n.body, n.link) for n in others.select_related("user")}
    assert told == {
        ("bob", NotificationKind.IDEA_STATUS, "About an idea its author has deleted", "", ""),
        ("carol", NotificationKind.IDEA_STATUS, "작성자가 삭제한 아이디어에 관한 알림입니다", "", ""),
        ("carol", NotificationKind.NEW_COMMENT, "작성자가 삭제한 아이디어에 관한 알림입니다", "", ""),
    }
    # The author deleted it themselves: what they were told stays as it was.
    assert {n.pk: (n.title, n.body, n.link) for n in Notification.objects.filter(user=alice)} == own


def test_a_title_the_idea_no_longer_has_is_not_quoted_either(alice, bob, staff_user):
    """Staff retitled the idea after its followers were told; the link ties the notification to
    it, whatever title it quotes."""
    idea = IdeaFactory(author=alice, title="새 제목", status=IdeaStatus.REJECTED)
    Notification.objects.create(
        user=bob,
        kind=NotificationKind.NEW_COMMENT,
        title="누군가 “옛 제목”에 댓글을 남겼습니다",
        link=f"{idea.get_absolute_url()}#comment-1",
    )
    other = IdeaFactory(author=alice, title="다른 아이디어")
    untouched = Notification.objects.create(
        user=bob, kind=NotificationKind.IDEA_STATUS, title="“다른 아이디어”", link=other.get_absolute_url()
    )

    services.idea_delete(idea=idea, user=alice)

    told = Notification.objects.get(user=bob, kind=NotificationKind.NEW_COMMENT)
    assert (told.title, told.link) == ("작성자가 삭제한 아이디어에 관한 알림입니다", "")
    untouched.refresh_from_db()
    assert (untouched.title, untouched.link) == ("“다른 아이디어”", other.get_absolute_url())


# --- What was told of it elsewhere: companies' strong matches, a merge -------------------


def _strongly_matched(idea: Idea, others: list[Idea], company) -> None:
    """The matcher found the ideas strongly matched with the company and told its members, in the
    words it tells them in (`_notify_strong_matches`)."""
    from matching.services import _notify_strong_matches

    for matched in (idea, *others):
        MatchFactory(idea=matched, company=company, strength=MatchStrength.STRONG)
    _notify_strong_matches([(matched.pk, company.pk) for matched in (idea, *others)])


def _rejected_and_withdrawn(idea: Idea, staff_user) -> None:
    """The moderators rejected it, and the matcher withdrew its suggestions as the rejection asks."""
    from matching.services import match_refresh_for_idea

    services.idea_reject(idea=Idea.objects.get(pk=idea.pk), by=staff_user, reason="다른 제안과 겹칩니다.")
    match_refresh_for_idea(idea_id=idea.pk)
    assert not Match.objects.filter(idea=idea).exists()


def test_companies_strong_matches_no_longer_name_a_deleted_idea(alice, carol, dave, company, staff_user):
    """Published, strongly matched with a company together with another idea (its members were
    told; one has left the company since), rejected, then deleted: each list keeps the other idea
    only, and its title counts that one. Nothing but the lists' text ties them to it now: its
    suggestions went with the rejection."""
    idea = IdeaFactory(
        author=alice, title="광주천 자전거길 야간 조명", status=IdeaStatus.SUBMITTED, published_at=None
    )
    services.idea_publish(idea=idea, by=staff_user)
    left = MembershipFactory(company=company, user=dave)
    _strongly_matched(idea, [IdeaFactory(title="버스 도착 알림")], company)
    left.delete()
    _rejected_and_withdrawn(idea, staff_user)
    told = Notification.objects.filter(kind=NotificationKind.STRONG_MATCH)
    assert {(n.user_id, n.body.count("\n")) for n in told} == {(carol.pk, 1), (dave.pk, 1)}
    assert {n.title for n in told} == {"빛고을케어에 새로운 강한 매칭이 2건 있습니다"}
    before = {n.pk: n.link for n in told}

    services.idea_delete(idea=idea, user=alice)

    assert [n.body for n in told.all()] == ["버스 도착 알림", "버스 도착 알림"]
    assert {n.title for n in told.all()} == {"빛고을케어에 새로운 강한 매칭이 1건 있습니다"}
    assert {n.pk: n.link for n in told.all()} == before


def test_a_title_staff_corrected_since_the_strong_match_is_taken_out_too(alice, carol, company, staff_user):
    idea = IdeaFactory(author=alice, title="자전거길 조명", status=IdeaStatus.SUBMITTED, published_at=None)
    services.idea_publish(idea=idea, by=staff_user)
    _strongly_matched(idea, [], company)
    services.idea_update(
        idea=idea, user=staff_user, title="광주천 자전거길 야간 조명", edit_reason="장소를 밝혔습니다"
    )
    _rejected_and_withdrawn(idea, staff_user)

    services.idea_delete(idea=idea, user=alice)

    # It told of that idea only: nothing is left to tell of.
    assert not Notification.objects.filter(user=carol, kind=NotificationKind.STRONG_MATCH).exists()


def test_closing_an_account_takes_the_persons_ideas_out_of_strong_matches(alice, carol, company, staff_user):
    from dashboard.services import account_close
    from tests.accounts.factories import PASSWORD

    ideas = [
        IdeaFactory(author=alice, title=title, status=IdeaStatus.SUBMITTED, published_at=None)
        for title in ("자전거길 조명", "공원 그늘막")
    ]
    for idea in ideas:
        services.idea_publish(idea=idea, by=staff_user)
    _strongly_matched(ideas[0], [ideas[1], IdeaFactory(title="버스 도착 알림")], company)
    for idea in ideas:
        _rejected_and_withdrawn(idea, staff_user)

    account_close(user=alice, password=PASSWORD)

    assert not Idea.objects.filter(author=alice).exists()
    told = Notification.objects.get(user=carol, kind=NotificationKind.STRONG_MATCH)
    assert (told.title, told.body) == ("빛고을케어에 새로운 강한 매칭이 1건 있습니다", "버스 도착 알림")


def test_a_title_another_idea_still_bears_stays_in_strong_matches(alice, carol, dave, company, staff_user):
    """Two ideas of one title were strongly matched; one is deleted. A list's line names no idea:
    the list loses one of its two lines of that title, and another list that names only one keeps
    it, for the idea that is still there."""
    idea = IdeaFactory(author=alice, title="버스 도착 알림", status=IdeaStatus.SUBMITTED, published_at=None)
    services.idea_publish(idea=idea, by=staff_user)
    _strongly_matched(idea, [IdeaFactory(title="버스 도착 알림"), IdeaFactory(title="공원 그늘막")], company)
    other_company = CompanyFactory()
    MembershipFactory(company=other_company, user=dave)
    _strongly_matched(IdeaFactory(title="버스 도착 알림"), [], other_company)
    _rejected_and_withdrawn(idea, staff_user)

    services.idea_delete(idea=idea, user=alice)

    told = Notification.objects.filter(kind=NotificationKind.STRONG_MATCH)
    assert sorted(told.get(user=carol).body.split("\n")) == ["공원 그늘막", "버스 도착 알림"]
    assert told.get(user=dave).body == "버스 도착 알림"


@pytest.mark.parametrize(
    ("language", "before", "after"),
    [
        (
            "ko",
            "빛고을케어에 새로운 강한 매칭이 5건 있습니다",
            "빛고을케어에 새로운 강한 매칭이 4건 있습니다",
        ),
        ("en", "5 new strong matches for 빛고을케어", "4 new strong matches for 빛고을케어"),
    ],
)
def test_the_title_counts_the_strong_matches_left_in_the_language_it_was_told_in(
    alice, carol, company, staff_user, language, before, after
):
    """Five ideas matched, three named in the list: one named is deleted, and the title counts the
    four left, the two it never named among them. Carol reads the other language since: the title
    stays in the words she was told in."""
    carol.preferred_language = language
    carol.save(update_fields=["preferred_language"])
    # Listed newest first: the idea to be deleted among the three named.
    others = [
        IdeaFactory(title=title)
        for title in ("버스 도착 알림", "공원 그늘막", "무장애 산책로", "정류장 안내판")
    ]
    idea = IdeaFactory(
        author=alice, title="광주천 자전거길 야간 조명", status=IdeaStatus.SUBMITTED, published_at=None
    )
    services.idea_publish(idea=idea, by=staff_user)
    _strongly_matched(idea, others, company)
    told = Notification.objects.get(user=carol, kind=NotificationKind.STRONG_MATCH)
    assert (told.title, told.body.count("\n")) == (before, 2)
    carol.preferred_language = "en" if language == "ko" else "ko"
    carol.save(update_fields=["preferred_language"])
    _rejected_and_withdrawn(idea, staff_user)

    services.idea_delete(idea=idea, user=alice)

    told.refresh_from_db()
    assert told.title == after
    assert "광주천 자전거길 야간 조명" not in told.body and told.body.count("\n") == 1


def test_a_merge_told_in_the_language_a_reader_has_since_left_is_rewritten_too(alice, bob, staff_user):
    """Bob read Korean when he was told of the merge, and English since: the notice is found by
    its opening in the words he was told in, and now reads in the language he reads."""
    target = IdeaFactory(title="광주천 야간 조명", status=IdeaStatus.PUBLISHED)
    idea = IdeaFactory(author=alice, title="천변 조명", status=IdeaStatus.SUBMITTED, published_at=None)
    services.idea_publish(idea=idea, by=staff_user)
    services.idea_support(idea=idea, user=bob)
    services.idea_merge(source=idea, target=target, by=staff_user)
    services.idea_unmerge(idea=Idea.objects.get(pk=idea.pk), by=staff_user)
    _rejected_and_withdrawn(idea, staff_user)
    assert Notification.objects.filter(user=bob, link=target.get_absolute_url()).exists()
    bob.preferred_language = "en"
    bob.save(update_fields=["preferred_language"])

    services.idea_delete(idea=idea, user=alice)

    told = Notification.objects.get(user=bob, kind=NotificationKind.IDEA_STATUS)
    assert (told.title, told.body, told.link) == ("About an idea its author has deleted", "", "")


def test_a_merge_told_at_another_ideas_page_no_longer_quotes_a_deleted_idea(
    alice, bob, carol, dave, staff_user
):
    """Staff merged alice's idea into one of the same title and undid it; the moderators rejected
    it later, and alice deleted it. Its supporters and followers were told of the merge at the
    other idea's page: they now read the neutral wording, each in their language. What was told
    of the other idea (another merge into it, its own status) stays."""
    carol.preferred_language = "en"
    carol.save(update_fields=["preferred_language"])
    target = IdeaFactory(title="광주천 야간 조명", status=IdeaStatus.PUBLISHED)
    idea = IdeaFactory(author=alice, title="광주천 야간 조명", status=IdeaStatus.SUBMITTED, published_at=None)
    services.idea_publish(idea=idea, by=staff_user)
    services.idea_support(idea=idea, user=bob)
    services.idea_follow(idea=idea, user=carol)
    services.idea_merge(source=idea, target=target, by=staff_user)
    other = IdeaFactory(title="정류장 조명", status=IdeaStatus.PUBLISHED)
    services.idea_support(idea=other, user=dave)
    services.idea_follow(idea=target, user=dave)
    services.idea_merge(source=other, target=target, by=staff_user)
    services.ideas_mark_matched(idea_ids=[target.pk])
    services.idea_unmerge(idea=Idea.objects.get(pk=idea.pk), by=staff_user)
    _rejected_and_withdrawn(idea, staff_user)
    at_target = Notification.objects.filter(link=target.get_absolute_url())
    assert at_target.filter(user__in=[bob, carol]).count() == 2
    kept = {n.pk: (n.title, n.body) for n in at_target.filter(user=dave)}
    assert len(kept) == 2

    services.idea_delete(idea=idea, user=alice)

    told = {
        (n.user.username, n.title, n.body, n.link) for n in Notification.objects.filter(user__in=[bob, carol])
    }
    assert told == {
        ("bob", "작성자가 삭제한 아이디어에 관한 알림입니다", "", ""),
        ("carol", "About an idea its author has deleted", "", ""),
    }
    assert {n.pk: (n.title, n.body) for n in at_target.filter(user=dave)} == kept


# --- The pages -------------------------------------------------------------------------


@pytest.mark.parametrize("status", DELETABLE)
def test_the_idea_page_offers_its_author_the_deletion(alice, status):
    idea = _idea(alice, status)

    page = signed_in_client(alice).get(f"/ideas/{idea.pk}/").content.decode()

    assert f'href="/ideas/{idea.pk}/delete/"' in page


@pytest.mark.parametrize("status", [*PUBLIC, IdeaStatus.MERGED])
def test_the_idea_page_offers_no_deletion_once_others_can_see_the_idea(alice, status):
    idea = _idea(alice, status)

    page = signed_in_client(alice).get(f"/ideas/{idea.pk}/").content.decode()

    assert "/delete/" not in page.split('id="comments"')[0]


def test_nobody_else_is_offered_the_deletion(alice, bob, staff_user):
    submitted, published = _idea(alice, IdeaStatus.SUBMITTED), _idea(alice, IdeaStatus.PUBLISHED)

    for client in (signed_in_client(staff_user), signed_in_client(bob), Client()):
        for idea in (submitted, published):
            assert f"/ideas/{idea.pk}/delete/" not in client.get(f"/ideas/{idea.pk}/").content.decode()


def test_the_page_shows_what_goes_and_asks_first(alice, rejected):
    response = signed_in_client(alice).get(f"/ideas/{rejected.pk}/delete/")

    html = response.content.decode()
    assert response.status_code == 200
    assert rejected.title in html
    assert "its 1 comment" in html and "the support of its 1 supporter" in html
    assert '<form method="post"' in html and 'class="danger"' in html
    assert f'href="/ideas/{rejected.pk}/"' in html  # cancel
    assert Idea.objects.filter(pk=rejected.pk).exists()


def test_a_draft_is_offered_editing_instead(alice):
    draft = _idea(alice, IdeaStatus.DRAFT)

    html = signed_in_client(alice).get(f"/ideas/{draft.pk}/delete/").content.decode()

    assert f'href="/ideas/{draft.pk}/edit/"' in html
    assert "comment" not in html.split("<main", 1)[1].split("</form>")[0].lower()


@pytest.mark.parametrize(
    ("language", "done"),
    [("en", "Your idea “{}” was deleted."), ("ko", "“{}” 아이디어를 삭제했습니다.")],
)
def test_the_author_deletes_it_and_lands_on_my_page(alice, language, done):
    idea = _idea(alice, IdeaStatus.SUBMITTED)

    response = signed_in_client(alice, language).post(f"/ideas/{idea.pk}/delete/", follow=True)

    assert response.redirect_chain == [("/me/", 302)]
    html = response.content.decode()
    assert done.format(idea.title) in html
    assert f'href="/ideas/{idea.pk}/"' not in html
    assert not Idea.objects.filter(pk=idea.pk).exists()


@pytest.mark.parametrize("language", ["en", "ko"])
def test_a_published_idea_is_refused_with_the_reason_and_no_button(alice, language):
    idea = _idea(alice, IdeaStatus.PUBLISHED)
    client = signed_in_client(alice, language)

    page = client.get(f"/ideas/{idea.pk}/delete/")
    posted = client.post(f"/ideas/{idea.pk}/delete/")

    html = page.content.decode()
    assert page.status_code == 200 and posted.status_code == 409
    reason = {"en": "Only a draft, an idea waiting for review", "ko": "반려된 아이디어만 삭제할 수 있습니다"}
    assert reason[language] in html and reason[language] in posted.content.decode()
    assert '<form method="post"' not in html.split("<main", 1)[1]
    assert Idea.objects.filter(pk=idea.pk).exists()


def test_the_page_says_why_an_idea_a_pilot_was_made_from_stays(alice):
    idea = _idea(alice, IdeaStatus.REJECTED)
    PilotFactory(idea=idea, stage=PilotStage.CANCELLED, cancellation_reason="참여 기업이 철수했습니다")

    html = signed_in_client(alice).get(f"/ideas/{idea.pk}/delete/").content.decode()

    assert "A pilot was made from this idea" in html
    assert '<form method="post"' not in html.split("<main", 1)[1]


def test_another_citizen_gets_forbidden_or_not_found_as_they_can_see_the_idea(alice, bob):
    published, submitted = _idea(alice, IdeaStatus.PUBLISHED), _idea(alice, IdeaStatus.SUBMITTED)
    client = signed_in_client(bob)

    assert client.get(f"/ideas/{published.pk}/delete/").status_code == 403
    assert client.post(f"/ideas/{published.pk}/delete/").status_code == 403
    assert client.get(f"/ideas/{submitted.pk}/delete/").status_code == 404
    assert client.post(f"/ideas/{submitted.pk}/delete/").status_code == 404
    assert Idea.objects.filter(pk__in=[published.pk, submitted.pk]).count() == 2


def test_city_staff_are_not_offered_deletion(alice, staff_user):
    idea = _idea(alice, IdeaStatus.SUBMITTED)
    client = signed_in_client(staff_user)

    assert client.get(f"/ideas/{idea.pk}/delete/").status_code == 403
    assert client.post(f"/ideas/{idea.pk}/delete/").status_code == 403
    assert Idea.objects.filter(pk=idea.pk).exists()


def test_anonymous_visitors_are_sent_to_log_in(alice):
    idea = _idea(alice, IdeaStatus.SUBMITTED)

    response = Client().post(f"/ideas/{idea.pk}/delete/")

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert Idea.objects.filter(pk=idea.pk).exists()


def test_my_page_offers_deletion_beside_each_idea_nobody_else_sees(alice):
    ideas = {status: _idea(alice, status) for status in [*DELETABLE, IdeaStatus.PUBLISHED]}

    html = signed_in_client(alice).get("/me/").content.decode()

    for status, idea in ideas.items():
        assert (f'href="/ideas/{idea.pk}/delete/"' in html) is (status != IdeaStatus.PUBLISHED), status


# --- The API -----------------------------------------------------------------------------


def test_the_author_deletes_through_the_api(api, alice):
    idea = _idea(alice, IdeaStatus.REJECTED)

    response = api(alice).delete(f"/api/v1/ideas/{idea.pk}/")

    assert response.status_code == 204
    assert not Idea.objects.filter(pk=idea.pk).exists()
    assert api(alice).get(f"/api/v1/ideas/{idea.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (lambda alice: _idea(alice, IdeaStatus.PUBLISHED), "invalid_status"),
        (lambda alice: PilotFactory(idea=_idea(alice, IdeaStatus.REJECTED)).idea, "has_pilot"),
        (
            lambda alice: (
                IdeaFactory(
                    status=IdeaStatus.MERGED, merged_into=_idea(alice, IdeaStatus.REJECTED)
                ).merged_into
            ),
            "has_merged_ideas",
        ),
    ],
    ids=["published", "pilot", "merge-target"],
)
def test_the_api_refuses_with_409_and_says_why(api, alice, make, code):
    idea = make(alice)

    response = api(alice).delete(f"/api/v1/ideas/{idea.pk}/")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == code and response.json()["error"]["message"]
    assert Idea.objects.filter(pk=idea.pk).exists()


def test_the_api_refuses_others(api, alice, bob, staff_user):
    submitted, draft = _idea(alice, IdeaStatus.SUBMITTED), _idea(alice, IdeaStatus.DRAFT)

    assert api(bob).delete(f"/api/v1/ideas/{submitted.pk}/").status_code == 404
    assert api(staff_user).delete(f"/api/v1/ideas/{submitted.pk}/").status_code == 403
    assert api().delete(f"/api/v1/ideas/{draft.pk}/").status_code == 403
    assert Idea.objects.count() == 2
