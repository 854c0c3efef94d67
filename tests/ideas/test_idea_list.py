import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction

from ideas import selectors
from ideas.models import Comment, Idea, IdeaStatus
from tests.accounts.factories import UserFactory
from tests.ideas.factories import CommentFactory, IdeaFactory

pytestmark = pytest.mark.django_db


def _titles(response) -> list[str]:
    return [row["title"] for row in response.json()["results"]]


def test_anonymous_sees_only_public_ideas(api, alice):
    IdeaFactory(title="공개된 아이디어", author=alice)
    IdeaFactory(title="검토 중인 아이디어", status=IdeaStatus.SUBMITTED, author=alice)
    IdeaFactory(title="임시저장 아이디어", status=IdeaStatus.DRAFT, author=alice)
    IdeaFactory(title="반려된 아이디어", status=IdeaStatus.REJECTED, author=alice)
    IdeaFactory(title="숨겨진 아이디어", is_hidden=True, author=alice)

    assert _titles(api().get("/api/v1/ideas/")) == ["공개된 아이디어"]


def test_author_also_sees_their_own_unpublished_ideas(api, alice, bob):
    IdeaFactory(title="앨리스의 접수된 아이디어", status=IdeaStatus.SUBMITTED, author=alice)
    IdeaFactory(title="밥의 접수된 아이디어", status=IdeaStatus.SUBMITTED, author=bob)

    assert _titles(api(alice).get("/api/v1/ideas/")) == ["앨리스의 접수된 아이디어"]
    assert _titles(api(alice).get("/api/v1/ideas/?mine=true")) == ["앨리스의 접수된 아이디어"]


def test_staff_see_every_idea_and_filter_by_status(api, staff_user):
    IdeaFactory(title="공개", status=IdeaStatus.PUBLISHED)
    IdeaFactory(title="접수", status=IdeaStatus.SUBMITTED)

    assert sorted(_titles(api(staff_user).get("/api/v1/ideas/"))) == ["공개", "접수"]
    assert _titles(api(staff_user).get("/api/v1/ideas/?status=submitted")) == ["접수"]


def test_filters_by_category_district_and_text(api):
    IdeaFactory(title="버스 도착 알림", category="mobility", district="buk_gu")
    IdeaFactory(
        title="공원 혈압 측정",
        category="health",
        district="nam_gu",
        problem="산책하면서 혈압을 재고 싶어요. 보건소는 평일에만 열어요.",
    )
    IdeaFactory(
        title="Stray dogs on trails",
        category="animals",
        district="dong_gu",
        problem="Packs of dogs scare hikers on Mudeungsan.",
        language="en",
    )

    assert _titles(api().get("/api/v1/ideas/?category=health")) == ["공원 혈압 측정"]
    assert _titles(api().get("/api/v1/ideas/?district=buk_gu")) == ["버스 도착 알림"]
    assert _titles(api().get("/api/v1/ideas/?q=혈압")) == ["공원 혈압 측정"]
    assert _titles(api().get("/api/v1/ideas/?q=mudeungsan")) == ["Stray dogs on trails"]


def test_unknown_filter_value_is_refused_with_the_field_named(api):
    response = api().get("/api/v1/ideas/?category=space")

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["category"]


def test_sort_by_most_supported_and_newest(api):
    quiet = IdeaFactory(title="조용한 아이디어")
    popular = IdeaFactory(title="인기 아이디어")
    for supporter in UserFactory.create_batch(3):
        popular.supports.create(user=supporter)
    quiet.supports.create(user=UserFactory())

    most_supported = api().get("/api/v1/ideas/?ordering=-supports")
    newest = api().get("/api/v1/ideas/?ordering=-newest")

    assert _titles(most_supported) == ["인기 아이디어", "조용한 아이디어"]
    assert [row["supports_count"] for row in most_supported.json()["results"]] == [3, 1]
    assert _titles(newest) == ["인기 아이디어", "조용한 아이디어"]


def test_list_query_count_does_not_grow_with_ideas(api, bob, django_assert_num_queries):
    for idea in IdeaFactory.create_batch(15):
        idea.supports.create(user=bob)
        CommentFactory(idea=idea)

    # session user, count for pagination, page of ideas with counts and the user's flags
    with django_assert_num_queries(2):
        anonymous = api().get("/api/v1/ideas/")
    with django_assert_num_queries(2):
        signed_in = api(bob).get("/api/v1/ideas/")

    assert anonymous.json()["count"] == 15
    assert all(
        row["supports_count"] == 1 and row["comments_count"] == 1 for row in anonymous.json()["results"]
    )
    assert all(row["is_supported"] for row in signed_in.json()["results"])


def test_list_counts_supports_and_comments_only_for_the_ideas_on_the_page(
    api, bob, django_assert_num_queries
):
    for idea in IdeaFactory.create_batch(25):
        idea.supports.create(user=bob)
        CommentFactory(idea=idea)

    with django_assert_num_queries(2) as captured:
        response = api().get("/api/v1/ideas/")

    count_sql, page_sql = (query["sql"] for query in captured.captured_queries)
    # The total for the pagination counts ideas, not their supports and comments.
    assert "COUNT(*)" in count_sql
    assert "ideas_support" not in count_sql and "ideas_comment" not in count_sql
    # Supports and comments are counted for the page's rows, not for every visible idea grouped
    # before the page is cut.
    assert "GROUP BY" not in page_sql
    body = response.json()
    assert body["count"] == 25 and len(body["results"]) == 20
    assert all(row["supports_count"] == 1 and row["comments_count"] == 1 for row in body["results"])


def _tables_of_a_city(ideas: int, readers: list) -> None:
    """Enough ideas, supports, comments and follows, analysed, that the planner chooses as it
    would for a city rather than for a few test rows (its choice on tiny tables, or on
    statistics left by earlier tests, says nothing of a large table)."""
    template = IdeaFactory()
    CommentFactory(idea=template)
    columns = ", ".join(f.column for f in Idea._meta.concrete_fields if f.column != "id")
    comment_columns = [f.column for f in Comment._meta.concrete_fields if f.column not in ("id", "idea_id")]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO ideas_idea ({columns}) SELECT {columns} FROM ideas_idea, generate_series(1, %s) "
            "WHERE id = %s",
            [ideas, template.pk],
        )
        for table in ("ideas_support", "ideas_follow"):
            cursor.execute(
                f"INSERT INTO {table} (idea_id, user_id, created_at) "
                "SELECT i.id, u.id, now() FROM ideas_idea i, unnest(%s::bigint[]) AS u(id)",
                [[reader.pk for reader in readers]],
            )
        cursor.execute(
            f"INSERT INTO ideas_comment (idea_id, {', '.join(comment_columns)}) "
            f"SELECT i.id, {', '.join(f'c.{c}' for c in comment_columns)} "
            "FROM ideas_idea i, ideas_comment c WHERE c.idea_id = %s AND i.id <> %s",
            [template.pk, template.pk],
        )
        # The statistics rows are rolled back with the test's transaction; the tables' size
        # estimates (pg_class) are not, and only have later tests' plans expect larger tables.
        cursor.execute("ANALYZE ideas_idea, ideas_support, ideas_follow, ideas_comment")


def test_the_counts_of_an_idea_read_its_own_rows_by_index_never_a_whole_table():
    reader = UserFactory()
    _tables_of_a_city(3000, [reader, *UserFactory.create_batch(4)])
    with transaction.atomic(), connection.cursor() as cursor:
        # The subqueries must reach their rows by an index condition even where a scan of a
        # table would be cheaper for the few rows a test can hold; forbid the scan to see them.
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = Idea.objects.with_counts(reader).order_by("-created_at")[:20].explain()

    # Each node of the plan starts with "->"; the tables the per-idea subqueries read carry an
    # alias (u0, v0). Each must be reached through an index condition on this idea.
    subquery_scans = [node for node in plan.split("->") if re.search(r" on \w+ [a-z]\d+\b", node)]
    assert subquery_scans
    unbounded = [node.splitlines()[0].strip() for node in subquery_scans if "Cond:" not in node]
    assert unbounded == []


def test_the_public_ideas_query_built_once_never_serves_earlier_rows(alice):
    # Anonymous readers share one built query of the public ideas (ideas.selectors): each read
    # must still ask the database, and see what changed since the last one.
    first = IdeaFactory(author=alice)
    assert [idea.pk for idea in selectors.idea_list(user=AnonymousUser())] == [first.pk]

    second = IdeaFactory(author=alice)
    Idea.objects.filter(pk=first.pk).update(is_hidden=True)

    assert [idea.pk for idea in selectors.idea_list(user=AnonymousUser())] == [second.pk]
    assert selectors.idea_get(idea_id=second.pk, user=AnonymousUser()).supports_count == 0
