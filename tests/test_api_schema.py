"""The API does what its OpenAPI schema says, for every persona.

Schemathesis generates a few requests per operation, valid and invalid, from the schema the app
serves at /api/schema/ and sends them through the WSGI application, as anonymous and as a
citizen, a company member and city staff each with an API token. A server error, a status or
content type the operation does not document or a body that does not match its schema fails.

Not checked: that the API refuses every request the schema calls invalid. DRF reads leniently
(a number for a text field, "0" for false in a form, an unknown ?page_size ignored), and that
leniency is intended.
"""

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from donations.services import station_register
from ideas.models import Report, ReportReason
from tests.accounts.factories import UserFactory
from tests.companies.factories import CompanyFactory, MembershipFactory, ReferenceFactory
from tests.ideas.factories import CommentFactory, IdeaFactory
from tests.matching.factories import InterestFactory
from tests.pilots.factories import MilestoneFactory, PilotFactory, VolunteerFactory, data_request

# A fixed seed, so a failure is repeatable. The coverage phase (every boundary value of every
# field) is left out to keep the run to a few requests per operation; it passes too.
CONFIG = schemathesis.Config.from_dict({"seed": 20251, "phases": {"coverage": {"enabled": False}}})

# The application pytest-django has configured with the test settings, not config.wsgi's.
schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application(), config=CONFIG)
# Logging out and changing the password end the persona's token; that is harmless here, because
# each operation runs as its own test with fresh tokens, so both stay in the run.

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
API_PERSONAS = ("anonymous", "citizen", "company_member", "staff")


@pytest.fixture
def _requests_inside_the_test_transaction():
    """Keeps the database connection open across requests, as Django's test client does.

    The WSGI handler closes "old" connections when a request starts and ends; inside the test's
    transaction that would close the connection holding it.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world(db):
    """One of each row the API addresses by id, so generated requests reach real rows.

    The citizen wrote the idea and volunteers for its pilot; the company member's company is
    interested in the idea and runs the pilot.
    """
    citizen = UserFactory(username="alice")
    member = UserFactory(username="carol")
    staff = UserFactory(username="staff", is_staff=True)
    company = CompanyFactory(slug="bitgoeul-care", is_verified=True)
    membership = MembershipFactory(company=company, user=member)
    idea = IdeaFactory(author=citizen)
    comment = CommentFactory(idea=idea, author=citizen)
    pilot = PilotFactory(idea=idea, companies=[company])
    VolunteerFactory(pilot=pilot, user=citizen)
    report = Report.objects.create(reporter=member, comment=comment, reason=ReportReason.SPAM)
    return {
        "users": {"citizen": citizen, "company_member": member, "staff": staff},
        "path": {
            "idea_id": idea.pk,
            "comment_id": comment.pk,
            "report_id": report.pk,
            "slug": company.slug,
            "reference_id": ReferenceFactory(company=company).pk,
            "membership_id": membership.pk,
            "match_id": InterestFactory(idea=idea, company=company).pk,
            "pilot_id": pilot.pk,
            "milestone_id": MilestoneFactory(pilot=pilot).pk,
            "request_id": data_request(pilot, by=staff).pk,
            "station_id": station_register(
                pilot=pilot, by=staff, name="운천저수지 공원 2번 출입구"
            ).station.pk,
        },
    }


@pytest.mark.usefixtures("_requests_inside_the_test_transaction")
@pytest.mark.parametrize("persona", API_PERSONAS)
@schema.parametrize()
# The examples of one operation share its rows and tokens, as intended; no deadline because the
# shared machines' timing varies; no example database, so a run leaves no files behind.
@settings(
    max_examples=5,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
def test_api_answers_as_its_schema_says(case, persona, world):
    headers = {}
    if persona != "anonymous":
        token, _ = Token.objects.get_or_create(user=world["users"][persona])
        headers["Authorization"] = f"Token {token.key}"
    # A generated id almost never exists; point valid ones at real rows. Values of the wrong
    # type (negative testing) are kept.
    for name, value in (case.path_parameters or {}).items():
        if name in world["path"] and isinstance(value, type(world["path"][name])):
            case.path_parameters[name] = world["path"][name]

    checks = CHECKS
    if case.path == "/api/v1/ideas/similar/":
        # No worker runs here, so the lookup answers its documented 503 (in the error shape the
        # schema gives it) rather than a list; what it answers with a worker is tested in
        # tests/matching/test_similar_lookup.py.
        checks = [check for check in CHECKS if check is not not_a_server_error]
    case.call_and_validate(headers=headers, checks=checks)


def test_schema_generates_without_warnings_and_is_valid_openapi(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
