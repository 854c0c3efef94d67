"""Who may use each page and endpoint of the site: one table naming every URL pattern, with the answer
each kind of visitor gets to a GET and, where the page or endpoint writes, to a write.

The visitors are the shared personas (tests/conftest.py), in this order in every row:

    anonymous · author (alice, who owns what the URL names) · other_citizen (bob) ·
    company_member (carol, of the company concerned) · other_company_member (dave) · staff

alice wrote the ideas and the comment, is the one invited to carol's company and volunteers and
donates in its pilot; carol's company is matched with alice's idea, runs the pilot and receives its
data; dave's company runs a pilot of its own. The station endpoints are also tried with the key of
the pilot's station, which is nobody anywhere else.

A row is six answers: a status code, or `login` for a redirect to the log-in page. An answer marked
`*` changes the database; every answer not marked must leave it as it was.

A URL pattern the table does not name fails `test_every_url_pattern_has_a_decided_answer`: a new
page or endpoint cannot go in without someone deciding who may use it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from django.views.i18n import set_language
from rest_framework.test import APIClient

from companies.models import CompanyInvitation, Membership
from donations import services as donation_services
from ideas import services as idea_services
from ideas.models import IdeaStatus, ReportReason
from pilots.models import PilotStage
from tests.accounts.factories import UserFactory
from tests.companies.factories import CompanyFactory, MembershipFactory, ReferenceFactory
from tests.conftest import PERSONAS
from tests.donations.factories import HIGH_READING, donation_pilot
from tests.donations.stations import register_station, station_client
from tests.ideas.factories import IDEA_FORM, CommentFactory, IdeaFactory
from tests.matching.factories import MatchFactory
from tests.pilots.factories import MilestoneFactory, PilotFactory

# --- Every URL pattern --------------------------------------------------------------------------


def _left_out(pattern) -> bool:
    # Django admin has its own log-in and per-model permissions, granted in the admin itself;
    # set_language only sets the visitor's own language cookie, for anyone, and names no data.
    # Static files are served by WhiteNoise's middleware, outside the URL patterns.
    if isinstance(pattern, URLResolver):
        return pattern.app_name == "admin"
    return pattern.callback is set_language


def _patterns(patterns=None, prefix: str = ""):
    """Each route of the site, the prefixes of its includes joined, with its pattern. Some routes
    come twice (django.contrib.auth.urls repeats the site's own log-in and password pages): the
    first answers, and the table names the route once."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if _left_out(pattern):
            continue
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern.url_patterns, route)
        else:
            yield route, pattern


def _api_views() -> dict[str, type]:
    """The DRF view class of each API route."""
    return {route: pattern.callback.cls for route, pattern in _patterns() if hasattr(pattern.callback, "cls")}


# --- The world ----------------------------------------------------------------------------------


@dataclass
class World:
    # Each signed-in persona's session, for the whole module.
    sessions: dict[str, str]
    station_key: str
    # What each URL parameter names, by default and in the cases named by `Case.on`.
    ids: dict[str, Any]
    variants: dict[str, dict[str, Any]]

    def url(self, route: str, on: str = "") -> str:
        values = self.ids | self.variants.get(on, {})
        url = "/" + route
        for name, value in values.items():
            for converter in ("int:", "slug:", ""):
                url = url.replace(f"<{converter}{name}>", str(value))
        assert "<" not in url, f"no object for a parameter of {route}"
        return url


def build_world() -> World:
    alice = UserFactory(username="alice", display_name="앨리스")
    bob = UserFactory(username="bob", display_name="밥")
    carol = UserFactory(username="carol")
    dave = UserFactory(username="dave")
    staff = UserFactory(username="staff", is_staff=True)
    company = CompanyFactory(name="빛고을케어", slug="bitgoeul-care")
    MembershipFactory(company=company, user=carol)
    other_company = CompanyFactory(name="무등모빌리티", slug="mudeung-mobility")
    MembershipFactory(company=other_company, user=dave)
    users = {
        "anonymous": None,
        "author": alice,
        "other_citizen": bob,
        "company_member": carol,
        "other_company_member": dave,
        "staff": staff,
    }

    published = IdeaFactory(author=alice)
    draft = IdeaFactory(author=alice, status=IdeaStatus.DRAFT, published_at=None)
    submitted = IdeaFactory(author=alice, status=IdeaStatus.SUBMITTED, published_at=None)
    hidden = IdeaFactory(author=alice, is_hidden=True)
    comment = CommentFactory(idea=published, author=alice)
    hidden_comment = CommentFactory(idea=published, author=alice, is_hidden=True)
    report = idea_services.report_create(reporter=bob, idea=published, reason=ReportReason.SPAM)
    match = MatchFactory(idea=published, company=company)

    erin = UserFactory(username="erin")
    UserFactory(username="frank")
    membership = Membership.objects.create(company=company, user=erin)
    invitation = CompanyInvitation.objects.create(company=company, user=alice, invited_by=carol)
    reference = ReferenceFactory(company=company)
    unverified = CompanyFactory(name="새싹AI", slug="saessak-ai", is_verified=False)
    MembershipFactory(company=unverified, user=carol)

    setup = donation_pilot(company=company, volunteer_user=alice, stage=PilotStage.RECRUITING)
    PilotFactory(stage=PilotStage.RUNNING, companies=[other_company])
    planning = PilotFactory(stage=PilotStage.PLANNING, companies=[company])
    milestone = MilestoneFactory(pilot=setup.pilot)
    station = register_station(setup.pilot)
    _donor_code, code = donation_services.donor_code_issue(volunteer=setup.volunteer)
    visit = donation_services.station_visit_open(station=station.station, code=code)
    donation_services.station_reading_add(
        station=station.station, visit=visit, category="blood_pressure", values=HIGH_READING
    )

    sessions = {}
    for persona, user in users.items():
        if user is not None:
            client = Client()
            client.force_login(user)
            sessions[persona] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return World(
        sessions=sessions,
        station_key=station.key,
        ids={
            "idea_id": published.pk,
            "comment_id": comment.pk,
            "report_id": report.pk,
            "match_id": match.pk,
            "slug": company.slug,
            "membership_id": membership.pk,
            "invitation_id": invitation.pk,
            "reference_id": reference.pk,
            "pilot_id": setup.pilot.pk,
            "request_id": setup.data_request.pk,
            "milestone_id": milestone.pk,
            "visit_id": visit.pk,
            "station_id": station.station.pk,
            # A link that is not a real one: the page says so, to anyone.
            "uidb64": "MQ",
            "token": "not-a-token",
            "name": "ideas",
        },
        variants={
            "draft": {"idea_id": draft.pk},
            "submitted": {"idea_id": submitted.pk},
            "hidden": {"idea_id": hidden.pk},
            "hidden comment": {"comment_id": hidden_comment.pk},
            # The ids beside them in a URL stay the default ones, of the recruiting pilot and of
            # carol's verified company: under another pilot or company they are not found.
            "planning": {"pilot_id": planning.pk},
            "unverified": {"slug": unverified.slug},
        },
    )


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """One world for the module, rolled back at its end; each request is rolled back too."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


# --- The table ----------------------------------------------------------------------------------

Body = dict | Callable[[World], dict] | None


@dataclass(frozen=True)
class Case:
    """The answers to the requests of one URL pattern, on the objects named by `on` (the default
    ones of World.ids otherwise). `body` is sent with the write."""

    on: str = ""
    get: str | None = None
    post: str | None = None
    put: str | None = None
    patch: str | None = None
    delete: str | None = None
    body: Body = None
    # The answers to the pilot's station key, by method.
    station: dict[str, str] = field(default_factory=dict)

    def methods(self) -> dict[str, str]:
        rows = {
            "get": self.get,
            "post": self.post,
            "put": self.put,
            "patch": self.patch,
            "delete": self.delete,
        }
        return {method: row for method, row in rows.items() if row}


PUBLIC = "200 200 200 200 200 200"
SIGNED_IN = "login 200 200 200 200 200"
STAFF_PAGE = "login 403 403 403 403 200"
STAFF_API = "403 403 403 403 403 200"
# An API only for people signed in, refusing the signed out.
SIGNED_IN_API = "403 200 200 200 200 200"
# A page that only takes a POST.
POST_ONLY = "login 405 405 405 405 405"
# The station API knows no person, signed in or not.
NO_PERSON = "401 401 401 401 401 401"


# Each row: anonymous, author, other_citizen, company_member, other_company_member, staff.
TABLE: dict[str, list[Case]] = {
    # --- Ideas: pages ---
    "": [Case(get=PUBLIC)],
    "ideas/": [Case(get=PUBLIC)],
    "ideas/new/": [Case(get=SIGNED_IN, post=SIGNED_IN)],
    "ideas/<int:idea_id>/": [
        Case(get=PUBLIC),
        Case(on="draft", get="404 200 404 404 404 200"),
        Case(on="hidden", get="404 200 404 404 404 200"),
    ],
    "ideas/<int:idea_id>/edit/": [
        # Once published, supporters backed its wording: only staff correct it.
        Case(get="login 302 403 403 403 200", post="login 409 403 403 403 200"),
        Case(
            on="draft",
            get="login 200 404 404 404 200",
            post="login 302* 404 404 404 302*",
            # Staff changing someone else's words say why; the author's own form has no such field.
            body=IDEA_FORM | {"edit_reason": "개인정보를 지웠습니다"},
        ),
    ],
    "ideas/<int:idea_id>/delete/": [
        # The author takes back only what nobody else could see; staff hide rather than delete.
        Case(get="login 200 403 403 403 403", post="login 409 403 403 403 403"),
        Case(on="draft", get="login 200 404 404 404 403", post="login 302* 404 404 404 403"),
    ],
    "ideas/<int:idea_id>/report/": [
        Case(
            # Nobody reports what they wrote; bob reported it already, and the page says so.
            get="login 403 200 200 200 200",
            post="login 403 200 302* 302* 302*",
            body={"reason": "spam"},
        ),
        Case(on="draft", get="login 404 404 404 404 404"),
    ],
    "ideas/<int:idea_id>/review/": [
        # Only the author of a hidden idea asks the moderators for another look.
        Case(get="login 403 403 403 403 403"),
        Case(
            on="hidden",
            get="login 200 404 404 404 403",
            post="login 302* 404 404 404 403",
            body={"details": "문제가 된 부분을 고쳤습니다."},
        ),
    ],
    "ideas/<int:idea_id>/support/": [
        # Not the author: a support counts another citizen.
        Case(get=POST_ONLY, post="login 302 302* 302* 302* 302*", body={"support": "1"}),
        Case(on="draft", post="login 302 404 404 404 302", body={"support": "1"}),
    ],
    "ideas/<int:idea_id>/follow/": [
        Case(get=POST_ONLY, post="login 302* 302* 302* 302* 302*", body={"follow": "1"}),
        Case(on="draft", post="login 302* 404 404 404 302*", body={"follow": "1"}),
    ],
    "ideas/<int:idea_id>/comment/": [
        Case(
            get="login 302 302 302 302 302",
            post="login 302* 302* 302* 302* 302*",
            body={"body": "좋은 생각이에요."},
        ),
        Case(on="draft", post="login 409 404 404 404 409", body={"body": "좋은 생각이에요."}),
    ],
    "comments/<int:comment_id>/edit/": [
        Case(
            get="login 200 403 403 403 403",
            post="login 302* 403 403 403 403",
            body={"body": "고쳐 쓴 댓글입니다."},
        ),
        Case(on="hidden comment", get="login 302 404 404 404 403"),
    ],
    "comments/<int:comment_id>/delete/": [
        Case(get="login 200 403 403 403 200", post="login 302* 403 403 403 302*"),
        Case(on="hidden comment", get="login 200 404 404 404 200"),
    ],
    "comments/<int:comment_id>/report/": [
        Case(get="login 403 200 200 200 200", post="login 403 302* 302* 302* 302*", body={"reason": "spam"}),
        Case(on="hidden comment", get="login 404 404 404 404 404"),
    ],
    # --- Moderation ---
    "staff/moderation/": [Case(get=STAFF_PAGE, post="login 403 403 403 403 400")],
    "staff/ideas/<int:idea_id>/merge/": [
        Case(get="login 403 403 403 403 302", post="login 403 403 403 403 302"),
    ],
    "staff/ideas/<int:idea_id>/unmerge/": [
        Case(get="login 403 403 403 403 405", post="login 403 403 403 403 302"),
    ],
    "staff/reports/<int:report_id>/": [
        Case(
            get="login 403 403 403 403 302",
            post="login 403 403 403 403 302*",
            body={"action": "dismiss"},
        ),
    ],
    # --- Companies: pages ---
    "companies/": [Case(get=PUBLIC)],
    "companies/new/": [
        Case(
            get=SIGNED_IN,
            post="login 302* 302* 302* 302* 302*",
            body={"name": "새 기업", "summary": "요약입니다"},
        ),
    ],
    "companies/<slug:slug>/": [
        Case(get=PUBLIC),
        # Before staff verify it: its members and staff only.
        Case(on="unverified", get="404 404 404 200 404 200"),
    ],
    "companies/<slug:slug>/edit/": [
        Case(get="login 403 403 200 403 403", post="login 403 403 400 403 403"),
        Case(on="unverified", get="login 404 404 200 404 403"),
    ],
    "companies/<slug:slug>/members/": [
        Case(
            get="login 403 403 200 403 200",
            # Staff see the members but only the company's owners change them.
            post="login 403 403 302* 403 302",
            body=lambda w: {"action": "remove", "membership": w.ids["membership_id"]},
        ),
        Case(on="unverified", get="login 404 404 200 404 200"),
    ],
    "companies/<slug:slug>/invitation/": [
        Case(
            get="login 302 302 302 302 302",
            post="login 302* 404 404 404 404",
            body={"action": "decline"},
        ),
    ],
    "companies/<slug:slug>/verify/": [
        Case(
            get="login 403 403 403 403 302",
            post="login 403 403 403 403 302*",
            body={"action": "unverify"},
        ),
    ],
    "companies/<slug:slug>/matches/": [
        Case(
            get="login 403 403 200 403 200",
            # Staff read a company's matches; only its members answer them.
            post="login 403 403 302* 403 200",
            body=lambda w: {"match": w.ids["match_id"], "answer": "dismissed"},
        ),
        Case(on="unverified", get="login 404 404 200 404 200"),
    ],
    # --- Pilots: pages ---
    "pilots/": [Case(get=PUBLIC)],
    "pilots/<int:pilot_id>/": [
        Case(get=PUBLIC),
        Case(on="planning", get="404 404 404 404 404 200"),
    ],
    "pilots/<int:pilot_id>/follow/": [
        Case(get=POST_ONLY, post="login 302* 302* 302* 302* 302*", body={"follow": "1"}),
        Case(on="planning", post="login 404 404 404 404 302*", body={"follow": "1"}),
    ],
    "pilots/<int:pilot_id>/manage/": [
        Case(get="login 403 403 403 403 302", post="login 403 403 403 403 400")
    ],
    "staff/ideas/<int:idea_id>/pilot/": [Case(get=STAFF_PAGE, post="login 403 403 403 403 400")],
    # --- Data donation: pages ---
    "pilots/<int:pilot_id>/participation/": [
        Case(
            get="login 302 302 302 302 302",
            # Anyone signed in volunteers while the pilot recruits; alice already does.
            post="login 400 302* 302* 302* 302*",
            body={"action": "join"},
        ),
        Case(on="planning", post="login 404 404 404 404 400", body={"action": "join"}),
    ],
    "pilots/<int:pilot_id>/data-requests/new/": [Case(get=STAFF_PAGE, post="login 403 403 403 403 400")],
    "pilots/<int:pilot_id>/data-requests/<int:request_id>/change/": [
        Case(get=STAFF_PAGE, post="login 403 403 403 403 400"),
        # A request of another pilot is not this one's.
        Case(on="planning", get="login 403 403 403 403 404"),
    ],
    "pilots/<int:pilot_id>/stations/": [
        Case(
            get=STAFF_PAGE,
            post="login 403 403 403 403 302*",
            body=lambda w: {"action": "revoke", "station": w.ids["station_id"]},
        ),
    ],
    "me/donations/": [Case(get=SIGNED_IN)],
    "me/donations/<int:pilot_id>/withdraw/": [
        Case(
            get="login 302 302 302 302 302",
            post="login 302* 404 404 404 404",
            body={"action": "leave", "keep_donations": "off"},
        ),
    ],
    "me/donations/<int:pilot_id>/identity/": [
        Case(
            get="login 302 302 302 302 302",
            post="login 302* 404 404 404 404",
            body={"share_identity": "on"},
        ),
    ],
    "me/donations/<int:pilot_id>/<int:request_id>/upload/": [
        Case(get="login 302 302 302 302 302", post="login 400 404 404 404 404"),
    ],
    "me/donations/<int:pilot_id>/<int:request_id>/upload/confirm/": [
        Case(get="login 302 302 302 302 302", post="login 302 404 404 404 404"),
    ],
    # The donor's own consent receipt: no one else's to read, city staff's neither.
    "me/donations/<int:pilot_id>/receipt/": [
        Case(get="login 200 404 404 404 404"),
        Case(on="planning", get="login 404 404 404 404 404"),
    ],
    "me/donations/code/<int:pilot_id>/": [
        # Someone who does not volunteer is sent to the pilot's page to volunteer first.
        Case(get="login 200 302 302 302 302", post="login 200* 302 302 302 302"),
        Case(on="planning", get="login 404 404 404 404 302"),
    ],
    # A tablet with no account: the page is public; everything it shows comes with the key.
    "kiosk/": [Case(get=PUBLIC)],
    # --- My page, dashboard, accounts ---
    "me/": [Case(get=SIGNED_IN, post="login 302* 302* 302* 302* 302*", body={"action": "preferences"})],
    "me/close/": [Case(get=SIGNED_IN, post=SIGNED_IN)],
    "me/notifications/": [Case(get=SIGNED_IN)],
    "staff/dashboard/": [Case(get=STAFF_PAGE)],
    "staff/audit/": [Case(get=STAFF_PAGE)],
    "accounts/signup/": [Case(get=PUBLIC, post=PUBLIC)],
    "me/profile/": [Case(get=SIGNED_IN, post=SIGNED_IN)],
    "accounts/login/": [Case(get=PUBLIC, post=PUBLIC)],
    "accounts/logout/": [Case(get="405 405 405 405 405 405", post="302 302* 302* 302* 302* 302*")],
    "accounts/password_change/": [Case(get=SIGNED_IN, post=SIGNED_IN)],
    "accounts/password_change/done/": [Case(get=SIGNED_IN)],
    "accounts/password_reset/": [Case(get=PUBLIC, post=PUBLIC)],
    "accounts/password_reset/done/": [Case(get=PUBLIC)],
    "accounts/reset/<uidb64>/<token>/": [Case(get=PUBLIC, post=PUBLIC)],
    "accounts/reset/done/": [Case(get=PUBLIC)],
    "api/auth/login/": [Case(get=PUBLIC, post=PUBLIC)],
    "api/auth/logout/": [Case(get="405 405 405 405 405 405", post="302 302* 302* 302* 302* 302*")],
    "api/schema/": [Case(get=PUBLIC)],
    "api/docs/": [Case(get=PUBLIC)],
    # Whether the services answer, for a load balancer: open to anyone, and 503 while no worker
    # has answered lately, as in most test runs.
    "health/": [Case(get="200|503 200|503 200|503 200|503 200|503 200|503")],
    # --- API: accounts and notifications ---
    "api/v1/auth/csrf/": [Case(get=PUBLIC)],
    "api/v1/auth/signup/": [Case(post="400 400 400 400 400 400")],
    "api/v1/auth/login/": [Case(post="400 400 400 400 400 400")],
    "api/v1/auth/logout/": [Case(post="403 204* 204* 204* 204* 204*")],
    "api/v1/auth/token/": [Case(post="400 400 400 400 400 400")],
    "api/v1/auth/me/": [
        Case(get=SIGNED_IN_API, patch="403 200* 200* 200* 200* 200*", body={"real_name": "홍길동"})
    ],
    "api/v1/auth/password/": [Case(post="403 400 400 400 400 400")],
    "api/v1/notifications/": [Case(get=SIGNED_IN_API)],
    "api/v1/notifications/read/": [Case(post=SIGNED_IN_API)],
    "api/v1/notifications/preferences/": [Case(get=SIGNED_IN_API, put="403 400 400 400 400 400")],
    "api/v1/audit/": [Case(get=STAFF_API)],
    # --- API: ideas ---
    "api/v1/ideas/": [Case(get=PUBLIC, post="403 400 400 400 400 400")],
    "api/v1/ideas/<int:idea_id>/": [
        Case(
            get=PUBLIC,
            patch="403 403 403 403 403 200*",
            delete="403 409 403 403 403 403",
            body={"title": "새로운 제목입니다", "edit_reason": "오타를 고쳤습니다"},
        ),
        Case(
            on="draft",
            get="404 200 404 404 404 200",
            patch="403 200* 404 404 404 200*",
            delete="403 204* 404 404 404 403",
            body={"title": "새로운 제목입니다", "edit_reason": "오타를 고쳤습니다"},
        ),
    ],
    "api/v1/ideas/<int:idea_id>/submit/": [
        Case(post="403 409 403 403 403 403"),
        Case(on="draft", post="403 200* 404 404 404 403"),
    ],
    "api/v1/ideas/<int:idea_id>/publish/": [Case(on="submitted", post="403 403 404 404 404 200*")],
    "api/v1/ideas/<int:idea_id>/reject/": [
        Case(post="403 403 403 403 403 200*", body={"reason": "중복입니다"})
    ],
    "api/v1/ideas/<int:idea_id>/support/": [
        Case(post="403 403 200* 200* 200* 200*", delete=SIGNED_IN_API),
        Case(on="draft", post="403 409 404 404 404 409"),
    ],
    "api/v1/ideas/<int:idea_id>/follow/": [
        Case(post="403 200* 200* 200* 200* 200*", delete=SIGNED_IN_API),
        Case(on="draft", post="403 200* 404 404 404 200*"),
    ],
    "api/v1/ideas/<int:idea_id>/comments/": [
        Case(get=PUBLIC, post="403 201* 201* 201* 201* 201*", body={"body": "좋아요"}),
        Case(on="draft", get="404 200 404 404 404 200"),
    ],
    "api/v1/comments/<int:comment_id>/": [
        Case(
            patch="403 200* 403 403 403 403", delete="403 204* 403 403 403 204*", body={"body": "수정했어요"}
        ),
    ],
    "api/v1/ideas/<int:idea_id>/review/": [
        Case(post="403 409 403 403 403 403", body={"details": "고쳤습니다."}),
        Case(on="hidden", post="403 201* 404 404 404 403", body={"details": "고쳤습니다."}),
    ],
    "api/v1/reports/": [
        Case(
            # Nobody reports what they wrote; bob reported it already.
            post="403 403 409 201* 201* 201*",
            body=lambda w: {"idea": w.ids["idea_id"], "reason": "spam"},
        ),
    ],
    "api/v1/moderation/ideas/": [Case(get=STAFF_API)],
    "api/v1/moderation/reports/": [Case(get=STAFF_API)],
    "api/v1/reports/<int:report_id>/dismiss/": [Case(post="403 403 403 403 403 200*")],
    "api/v1/ideas/<int:idea_id>/request-revision/": [
        Case(on="submitted", post="403 403 403 403 403 200*", body={"note": "제목을 고쳐 주세요."}),
    ],
    "api/v1/ideas/<int:idea_id>/hidden/": [
        Case(post="403 403 403 403 403 200*"),
        Case(on="hidden", delete="403 403 403 403 403 200*"),
    ],
    "api/v1/comments/<int:comment_id>/hidden/": [
        Case(post="403 403 403 403 403 200*"),
        Case(on="hidden comment", delete="403 403 403 403 403 200*"),
    ],
    "api/v1/ideas/<int:idea_id>/merge/": [Case(post="403 403 403 403 403 400")],
    "api/v1/ideas/<int:idea_id>/unmerge/": [Case(post="403 403 403 403 403 409")],
    # --- API: companies ---
    "api/v1/companies/": [
        Case(get=PUBLIC, post="403 201* 201* 201* 201* 201*", body={"name": "새 기업", "summary": "요약"}),
    ],
    "api/v1/companies/<slug:slug>/": [
        Case(get=PUBLIC, patch="403 403 403 200* 403 403", body={"summary": "바뀐 요약"}),
        Case(on="unverified", get="404 404 404 200 404 200"),
    ],
    "api/v1/companies/<slug:slug>/verify/": [
        Case(post="403 403 403 403 403 200*", body={"verified": False}),
    ],
    "api/v1/companies/<slug:slug>/references/": [
        Case(get=PUBLIC, post="403 403 403 201* 403 403", body={"title": "실증"}),
        Case(on="unverified", get="404 404 404 200 404 200"),
    ],
    "api/v1/companies/<slug:slug>/references/<int:reference_id>/": [
        Case(patch="403 403 403 200* 403 403", delete="403 403 403 204* 403 403", body={"title": "실증 2"}),
        # Another company's reference is not found under this company.
        Case(on="unverified", patch="403 404 404 404 404 404", body={"title": "실증 2"}),
    ],
    "api/v1/companies/<slug:slug>/members/": [
        Case(get="403 403 403 200 403 200", post="403 403 403 201* 403 403", body={"username": "frank"}),
    ],
    "api/v1/companies/<slug:slug>/members/<int:membership_id>/": [
        Case(delete="403 403 403 204* 403 403"),
        Case(on="unverified", delete="403 404 404 404 404 404"),
    ],
    "api/v1/companies/<slug:slug>/invitations/": [Case(get="403 403 403 200 403 200")],
    "api/v1/companies/<slug:slug>/invitations/<int:invitation_id>/": [
        Case(delete="403 403 403 204* 403 403")
    ],
    "api/v1/invitations/": [Case(get=SIGNED_IN_API)],
    "api/v1/invitations/<int:invitation_id>/accept/": [Case(post="403 200* 404 404 404 404")],
    "api/v1/invitations/<int:invitation_id>/decline/": [Case(post="403 204* 404 404 404 404")],
    # --- API: matching ---
    # A search while an idea is typed: a read, sent as a POST for the text's length.
    "api/v1/ideas/similar/": [Case(post=PUBLIC)],
    "api/v1/ideas/<int:idea_id>/matches/": [
        Case(get=PUBLIC),
        Case(on="draft", get="404 200 404 404 404 200"),
    ],
    "api/v1/ideas/<int:idea_id>/duplicates/": [
        Case(get="403 200 403 403 403 200"),
        Case(on="draft", get="403 200 403 403 403 200"),
    ],
    "api/v1/companies/<slug:slug>/matches/": [
        Case(get="403 403 403 200 403 200"),
        Case(on="unverified", get="403 404 404 200 404 200"),
    ],
    "api/v1/ideas/<int:idea_id>/interests/": [
        Case(get=PUBLIC),
        Case(on="draft", get="404 200 404 404 404 200"),
    ],
    "api/v1/matches/<int:match_id>/feedback/": [
        Case(post="403 404 404 200* 404 403", body={"status": "dismissed"}),
    ],
    # --- API: pilots ---
    "api/v1/pilots/": [Case(get=PUBLIC, post="403 403 403 403 403 400")],
    "api/v1/pilots/<int:pilot_id>/": [
        Case(get=PUBLIC, patch="403 403 403 403 403 200*", body={"venue": "광주 도서관"}),
        Case(on="planning", get="404 404 404 404 404 200"),
    ],
    "api/v1/pilots/<int:pilot_id>/stage/": [Case(post="403 403 403 403 403 200*", body={"stage": "running"})],
    "api/v1/pilots/<int:pilot_id>/milestones/": [
        Case(post="403 403 403 403 403 201*", body={"title": "설치", "due_date": "2026-05-01"}),
    ],
    "api/v1/pilots/<int:pilot_id>/milestones/<int:milestone_id>/": [
        Case(patch="403 403 403 403 403 200*", delete="403 403 403 403 403 204*", body={"is_done": True}),
        Case(on="planning", patch="403 403 403 403 403 404", body={"is_done": True}),
    ],
    "api/v1/pilots/<int:pilot_id>/updates/": [
        Case(post="403 403 403 403 403 201*", body={"body": "설치를 마쳤습니다."})
    ],
    "api/v1/pilots/<int:pilot_id>/follow/": [
        Case(post="403 200* 200* 200* 200* 200*", delete=SIGNED_IN_API),
        Case(on="planning", post="403 404 404 404 404 200*"),
    ],
    "api/v1/pilots/<int:pilot_id>/volunteers/": [Case(get=STAFF_API)],
    # --- API: data donation ---
    # What a pilot asks for is public, as its consent text; staff change it.
    "api/v1/pilots/<int:pilot_id>/data-requests/": [
        Case(get=PUBLIC, post="403 403 403 403 403 400"),
        Case(on="planning", get="404 404 404 404 404 200"),
    ],
    "api/v1/pilots/<int:pilot_id>/data-requests/<int:request_id>/": [
        Case(get=PUBLIC, patch="403 403 403 403 403 200*", body={"retention_days": 90}),
        Case(on="planning", get="404 404 404 404 404 404"),
    ],
    "api/v1/pilots/<int:pilot_id>/data-requests/<int:request_id>/consent/": [
        # Each volunteer for themselves: alice consented already, and withdraws.
        Case(post="403 409 404 404 404 404", delete="403 200* 404 404 404 404", body={"agree": True}),
    ],
    "api/v1/pilots/<int:pilot_id>/volunteer/": [
        Case(
            get="403 200 404 404 404 404",
            post="403 409 201* 201* 201* 201*",
            patch="403 200* 404 404 404 404",
            delete="403 200* 404 404 404 404",
            body={"share_identity": True},
        ),
        Case(on="planning", get="403 404 404 404 404 404"),
    ],
    # Counts for the pilot's companies (each read recorded) and staff; no values.
    "api/v1/pilots/<int:pilot_id>/donations/": [
        Case(get="403 403 403 200* 403 200"),
        Case(on="planning", get="403 404 404 404 404 200"),
    ],
    # The donated values: only a company of the pilot receiving them, and every read recorded.
    "api/v1/pilots/<int:pilot_id>/donations/readings/": [
        Case(get="403 403 403 200* 403 403"),
        Case(on="planning", get="403 404 404 404 404 403"),
    ],
    "api/v1/pilots/<int:pilot_id>/donations/results/": [
        Case(get="403 403 403 200 403 403", post="403 403 403 400 403 403")
    ],
    "api/v1/me/donations/<int:pilot_id>/receipt/": [
        Case(get="403 200 404 404 404 404"),
        Case(on="planning", get="403 404 404 404 404 404"),
    ],
    "api/v1/station/": [Case(get=NO_PERSON, station={"get": "200*"})],
    "api/v1/station/visits/": [Case(get=NO_PERSON, post=NO_PERSON, station={"get": "200*", "post": "400*"})],
    "api/v1/station/visits/<int:visit_id>/": [Case(get=NO_PERSON, station={"get": "200*"})],
    "api/v1/station/visits/<int:visit_id>/readings/": [Case(post=NO_PERSON, station={"post": "400*"})],
    "api/v1/station/visits/<int:visit_id>/close/": [Case(post=NO_PERSON, station={"post": "200*"})],
    "api/v1/pilots/<int:pilot_id>/stations/": [Case(get=STAFF_API, post="403 403 403 403 403 400")],
    "api/v1/pilots/<int:pilot_id>/stations/<int:station_id>/": [
        Case(patch="403 403 403 403 403 200*", body={"name": "광주천 측정소"}),
        Case(on="planning", patch="403 403 403 403 403 404", body={"name": "광주천 측정소"}),
    ],
    "api/v1/pilots/<int:pilot_id>/stations/<int:station_id>/revoke/": [Case(post="403 403 403 403 403 200*")],
    # --- API: dashboard and my data ---
    "api/v1/dashboard/": [Case(get=STAFF_API)],
    "api/v1/me/close/": [Case(post="403 400 400 400 400 400")],
    "api/v1/me/data/": [Case(get=SIGNED_IN_API)],
    "api/v1/exports/<slug:name>.csv": [Case(get=STAFF_API)],
}

CASES = [(route, case) for route, cases in TABLE.items() for case in cases]


# --- Asking -------------------------------------------------------------------------------------

LOG_IN = "login"


def _cell(cell: str) -> tuple[frozenset[str], bool]:
    """The answers decided for one persona, and whether their request changes the database."""
    return frozenset(cell.rstrip("*").split("|")), cell.endswith("*")


def _rows_written() -> dict[str, int]:
    # PostgreSQL's own counts of the rows this transaction inserted, updated and deleted in each
    # table so far, a write undone by a savepoint included.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables "
            "WHERE n_tup_ins + n_tup_upd + n_tup_del > 0"
        )
        return dict(cursor.fetchall())


def _contents(tables: set[str]) -> dict[str, str]:
    contents = {}
    with connection.cursor() as cursor:
        for table in sorted(tables):
            name = connection.ops.quote_name(table)
            cursor.execute(
                f"SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {name} t"
            )
            contents[table] = cursor.fetchone()[0]
    return contents


# The counts as the last request left them: undoing a request keeps its counts, and reading adds
# none, so they are the next request's counts before it. Counts left stale by a write in between
# only make a table be compared for nothing.
_counts: dict[str, int] = {}


def _client(world: World, persona: str, api: bool):
    if persona == "station":
        return station_client(world.station_key)
    client = APIClient() if api else Client()
    if persona in world.sessions:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[persona]
    return client


def ask(world: World, persona: str, method: str, url: str, body: dict | None) -> tuple[str, bool]:
    """The answer and whether the database changed; undone before the next request."""
    api = url.startswith("/api/")
    client = _client(world, persona, api)
    # Anonymous pages are cached and writes throttled: each request starts afresh.
    cache.clear()
    # Which tables the request wrote to (a row count would miss an update), then whether what is
    # in them differs after the request and once it is undone (a write it undid itself is none).
    with transaction.atomic():
        response = getattr(client, method)(url, body or {}, **({"format": "json"} if api else {}))
        counts = _rows_written()
        touched = {table for table, count in counts.items() if count != _counts.get(table, 0)}
        _counts.update(counts)
        after = _contents(touched)
        transaction.set_rollback(True)
    changed = _contents(touched) != after
    if response.status_code == 302 and response["Location"].startswith(reverse(settings.LOGIN_URL)):
        return LOG_IN, changed
    return str(response.status_code), changed


def _body(case: Case, world: World, method: str) -> dict | None:
    if method in ("get", "delete") or case.body is None:
        return None
    return case.body(world) if callable(case.body) else case.body


# --- The tests ----------------------------------------------------------------------------------


def test_every_url_pattern_has_a_decided_answer():
    routes = {route for route, _pattern in _patterns()}

    assert routes - set(TABLE) == set(), "add these to TABLE, deciding who may use them"
    assert set(TABLE) - routes == set(), "no longer URL patterns of the site"


def test_every_method_of_an_endpoint_has_a_decided_answer():
    """A write added to an existing endpoint needs a decision too."""
    undecided = {
        (route, method)
        for route, view in _api_views().items()
        for method in ("get", "post", "put", "patch", "delete")
        if hasattr(view, method) and not any(method in case.methods() for case in TABLE[route])
    }

    assert undecided == set()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("route", "case"),
    CASES,
    ids=[f"/{route}" + (f" [{case.on}]" if case.on else "") for route, case in CASES],
)
def test_each_visitor_gets_the_decided_answer(world, route, case):
    url = world.url(route, case.on)
    asked = [
        (method, persona, cell)
        for method, row in case.methods().items()
        for persona, cell in zip(PERSONAS, row.split(), strict=True)
    ] + [(method, "station", cell) for method, cell in case.station.items()]

    seen, decided = {}, {}
    for method, persona, cell in asked:
        answers, changes = _cell(cell)
        seen[method, persona] = ask(world, persona, method, url, _body(case, world, method))
        # The answer seen where it is one of those decided, so that only a difference shows.
        answer = seen[method, persona][0]
        decided[method, persona] = (answer if answer in answers else cell.rstrip("*"), changes)

    assert seen == decided
