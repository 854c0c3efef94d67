"""Someone who may not write through an API endpoint is refused before their request is read: an
empty body gets the same 403 (or 404, where the object is hidden from them) that the access table
decides for a valid one, and no list of the fields the endpoint would need.

Every API write of the access table is asked, as each persona it refuses, on the same world.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import transaction

from tests import test_access_table as access_table
from tests.test_access_table import PERSONAS, TABLE, World

# The table's world, built once for this module too.
world = access_table.world

REFUSALS = ("403", "404")

# Where what is acted on is named by the body, not the URL, an empty body names nothing to refuse:
# a report of one's own idea is refused only once the body says which idea it is.
NAMED_BY_THE_BODY = {"api/v1/reports/"}

ASKED = [
    (route, case.on, method, persona, cell)
    for route, cases in TABLE.items()
    if route.startswith("api/v1/") and route not in NAMED_BY_THE_BODY
    for case in cases
    for method, row in case.methods().items()
    if method != "get"
    for persona, cell in zip(PERSONAS, row.split(), strict=True)
    if cell in REFUSALS
]


def _ask(world: World, persona: str, method: str, url: str, body: dict):
    client = access_table._client(world, persona, api=True)
    cache.clear()
    with transaction.atomic():
        response = getattr(client, method)(url, body, format="json")
        transaction.set_rollback(True)
    return response


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("route", "on", "method", "persona", "refusal"),
    ASKED,
    ids=[
        f"{method.upper()} /{route}" + (f" [{on}]" if on else "") + f" {persona}"
        for route, on, method, persona, _refusal in ASKED
    ],
)
def test_a_refused_visitor_is_refused_before_the_body_is_read(world, route, on, method, persona, refusal):
    response = _ask(world, persona, method, world.url(route, on), {})

    assert (str(response.status_code), response.json()["error"]["fields"]) == (refusal, {})


def test_the_endpoints_the_review_named_are_asked():
    """The writes that read the body before asking who sends it, until they were changed: if the
    table stopped refusing someone there, the test above would no longer ask them."""
    asked = {(method, route) for route, _on, method, _persona, _refusal in ASKED}

    assert {
        ("post", "api/v1/ideas/<int:idea_id>/reject/"),
        ("post", "api/v1/ideas/<int:idea_id>/review/"),
        ("patch", "api/v1/comments/<int:comment_id>/"),
        ("post", "api/v1/companies/<slug:slug>/references/"),
        ("post", "api/v1/companies/<slug:slug>/members/"),
        ("post", "api/v1/matches/<int:match_id>/feedback/"),
        ("patch", "api/v1/pilots/<int:pilot_id>/volunteer/"),
    } <= asked


# A change of some fields is valid when empty: a wrong value would be refused for its field, and
# tell who may not make the change what the field must hold.
WRONG_VALUES = {
    "api/v1/ideas/<int:idea_id>/": {"title": "짧음"},
    "api/v1/companies/<slug:slug>/": {"website": "not a website"},
    "api/v1/companies/<slug:slug>/references/<int:reference_id>/": {"year": 1066},
}

CHANGES = [
    (route, on, persona, refusal)
    for route, on, method, persona, refusal in ASKED
    if method == "patch" and route in WRONG_VALUES
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("route", "on", "persona", "refusal"),
    CHANGES,
    ids=[
        f"PATCH /{route}" + (f" [{on}]" if on else "") + f" {persona}"
        for route, on, persona, _refusal in CHANGES
    ],
)
def test_a_refused_change_is_refused_before_its_values_are_checked(world, route, on, persona, refusal):
    response = _ask(world, persona, "patch", world.url(route, on), WRONG_VALUES[route])

    assert (str(response.status_code), response.json()["error"]["fields"]) == (refusal, {})


@pytest.mark.django_db
def test_the_wrong_values_are_wrong(world):
    """Where the change is allowed, each wrong value is refused for its field."""
    allowed = {
        "api/v1/ideas/<int:idea_id>/": ("draft", "author"),
        "api/v1/companies/<slug:slug>/": ("", "company_member"),
        "api/v1/companies/<slug:slug>/references/<int:reference_id>/": ("", "company_member"),
    }
    for route, (on, persona) in allowed.items():
        response = _ask(world, persona, "patch", world.url(route, on), WRONG_VALUES[route])

        fields = set(response.json()["error"]["fields"])
        assert (route, response.status_code, fields) == (route, 400, set(WRONG_VALUES[route]))
