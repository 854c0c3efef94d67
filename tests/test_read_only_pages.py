"""A page that only shows something answers a write with 405 and the methods it takes, whoever
sends it: a form pointed at the wrong address must not look as if it had been accepted."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.donations.factories import donation_pilot

pytestmark = pytest.mark.django_db


@pytest.fixture
def read_only_paths(idea, company, staff_user) -> list[str]:
    pilot = donation_pilot(company=company).pilot
    return [
        reverse("home"),
        reverse("idea-list"),
        reverse("idea-detail", args=[idea.pk]),
        reverse("company-list"),
        reverse("company-detail", args=[company.slug]),
        reverse("pilot-list"),
        reverse("pilot-detail", args=[pilot.pk]),
        reverse("my-donations"),
        reverse("kiosk"),
        reverse("staff-dashboard"),
        reverse("audit-log-page"),
    ]


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_a_write_to_a_read_only_page_is_refused_with_405(read_only_paths, staff_user, method):
    client = Client()
    client.force_login(staff_user)

    for path in read_only_paths:
        response = getattr(client, method)(path)

        assert response.status_code == 405, path
        assert response["Allow"] == "GET, HEAD", path


def test_the_read_only_pages_still_answer_a_read(read_only_paths, staff_user):
    client = Client()
    client.force_login(staff_user)

    for path in read_only_paths:
        assert client.get(path).status_code == 200, path
        assert client.head(path).status_code == 200, path
