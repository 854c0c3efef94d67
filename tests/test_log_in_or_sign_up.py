"""The invitation to log in or sign up that the idea list and the pilot page share: both links bring
the visitor back to the same place, whatever that address holds."""

import pytest
from django.template.loader import render_to_string
from django.utils import translation

pytestmark = pytest.mark.django_db


def test_both_links_carry_the_way_back_encoded():
    with translation.override("en"):
        context = {"next": "/ideas/?q=bus&page=2", "label": "Log in"}
        html = render_to_string("_log_in_or_sign_up.html", context)

    # Unencoded, "&page=2" would be read as the log-in or sign-up page's own parameter.
    back = "/ideas/%3Fq%3Dbus%26page%3D2"
    assert f'<a class="button" href="/accounts/login/?next={back}">Log in</a>' in html
    assert f'No account yet? <a href="/accounts/signup/?next={back}">Sign up</a> in a minute.' in html
