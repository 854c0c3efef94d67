"""Staff pages: signed-out visitors are sent to the site's log-in, citizens get the site's own
"no access" page, never the admin's log-in."""

import pytest

pytestmark = pytest.mark.django_db

STAFF_PAGES = ["/staff/moderation/", "/staff/dashboard/", "/staff/audit/"]


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_a_citizen_gets_the_sites_no_access_page(client, bob, path):
    client.force_login(bob)

    response = client.get(path)

    assert response.status_code == 403
    page = response.content.decode()
    assert "시 담당자" in page and "/admin/login/" not in page


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_a_signed_out_visitor_is_sent_to_the_sites_log_in(client, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"].startswith(f"/accounts/login/?next={path}")


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_staff_open_them(client, staff_user, path):
    client.force_login(staff_user)

    assert client.get(path).status_code == 200
