"""My page's notification settings are a table: a row per kind, a column per channel, each box
named by its kind and its channel for a screen reader; the form posts the same fields as before."""

import pytest
from django.test.html import parse_html
from django.utils import translation

from accounts.models import NotificationKind, NotificationPreference

pytestmark = pytest.mark.django_db


def _box(kind: NotificationKind, channel: str, name: str, checked: bool) -> str:
    with translation.override("en"):
        label = f"{kind.label}: {name}"
    return (
        f'<label><input type="checkbox" name="{kind.value}-{channel}"{" checked" if checked else ""}>'
        f'<span class="visually-hidden">{label}</span></label>'
    )


def test_each_kind_is_a_row_with_a_labelled_box_for_the_app_and_one_for_email(client, alice):
    NotificationPreference.objects.create(
        user=alice, kind=NotificationKind.PILOT_UPDATE, in_app=False, email=True
    )
    client.force_login(alice)
    client.cookies["django_language"] = "en"

    html = client.get("/me/").content.decode()
    table = parse_html(html[html.index('<table class="notification-settings">') : html.index("</table>") + 8])

    shown = [kind for kind in NotificationKind if kind != NotificationKind.STRONG_MATCH]  # not a member
    assert table.count(parse_html('<th scope="col">in the app</th>')) == 1
    assert table.count(parse_html('<th scope="col">by email</th>')) == 1
    for kind in shown:
        in_app, email = (False, True) if kind == NotificationKind.PILOT_UPDATE else (True, False)
        with translation.override("en"):
            assert table.count(parse_html(f'<th scope="row">{kind.label}</th>')) == 1
        assert table.count(parse_html(f"<td>{_box(kind, 'in_app', 'in the app', in_app)}</td>")) == 1
        assert table.count(parse_html(f"<td>{_box(kind, 'email', 'by email', email)}</td>")) == 1
    assert html.count('type="checkbox"') == 2 * len(shown)


def test_the_korean_page_names_each_box_in_korean(client, alice):
    client.force_login(alice)

    html = client.get("/me/").content.decode()

    assert '<span class="visually-hidden">구독한 아이디어의 상태 변경: 사이트 알림</span>' in html
    assert '<span class="visually-hidden">구독한 아이디어의 상태 변경: 이메일 알림</span>' in html
    assert '<th scope="col">알림 종류</th>' in html


def test_the_table_posts_the_fields_the_form_always_posted(client, alice):
    client.force_login(alice)

    client.post("/me/", {"action": "preferences", "idea_status-email": "on", "new_comment-in_app": "on"})

    saved = {p.kind: (p.in_app, p.email) for p in NotificationPreference.objects.filter(user=alice)}
    assert saved["idea_status"] == (False, True)
    assert saved["new_comment"] == (True, False)
    assert saved["pilot_update"] == (False, False)
