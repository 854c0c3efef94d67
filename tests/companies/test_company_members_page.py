"""The members page: members and staff read it; only owners invite, change roles and remove."""

import pytest

from accounts.models import Notification
from companies.models import Company, CompanyInvitation, InvitationStatus, MemberRole, Membership
from tests.accounts.factories import UserFactory
from tests.companies.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(company):
    user = UserFactory(username="eunji", display_name="은지")
    MembershipFactory(company=company, user=user, role=MemberRole.MEMBER)
    return user


def _url(company):
    return f"/companies/{company.slug}/members/"


def test_an_owner_sees_the_members_and_the_controls(client, company, carol, member):
    client.force_login(carol)

    html = client.get(_url(company)).content.decode()

    assert "은지" in html and "eunji" in html
    assert 'value="invite"' in html and 'value="role"' in html and 'value="remove"' in html
    assert f'href="{_url(company)}"' in client.get(f"/companies/{company.slug}/").content.decode()


def test_a_member_reads_the_list_without_controls_but_may_leave(client, company, carol, member):
    client.force_login(member)

    html = client.get(_url(company)).content.decode()

    assert carol.display_name in html
    assert 'value="invite"' not in html and 'value="role"' not in html
    assert html.count('value="remove"') == 1  # their own "leave"


@pytest.mark.parametrize("who", ["dave", "bob"])
def test_outsiders_cannot_open_the_page(client, company, request, who):
    client.force_login(request.getfixturevalue(who))

    assert client.get(_url(company)).status_code == 403


def test_staff_read_the_page_without_controls(client, company, staff_user, member):
    client.force_login(staff_user)

    html = client.get(_url(company)).content.decode()

    assert "은지" in html and 'value="invite"' not in html


def test_anonymous_is_sent_to_log_in(client, company):
    response = client.get(_url(company))

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_an_owner_invites_by_username_and_the_person_is_told(client, company, carol, bob):
    client.force_login(carol)

    response = client.post(_url(company), {"action": "invite", "username": "bob", "role": "member"})

    assert response.status_code == 302
    invitation = CompanyInvitation.objects.get(company=company, user=bob)
    assert (invitation.status, invitation.role) == (InvitationStatus.PENDING, MemberRole.MEMBER)
    assert not Membership.objects.filter(company=company, user=bob).exists()
    assert Notification.objects.filter(user=bob, kind="company_invitation").exists()
    assert "밥" in client.get(_url(company)).content.decode()


def test_an_unknown_username_is_an_error_on_its_field(client, company, carol):
    client.force_login(carol)

    response = client.post(_url(company), {"action": "invite", "username": "nobody", "role": "member"})

    assert response.status_code == 400
    html = response.content.decode()
    assert html.index('class="errorlist"') > html.index('for="id_username"')
    assert 'value="nobody"' in html
    assert not CompanyInvitation.objects.exists()


def test_an_owner_changes_a_role_removes_a_member_and_withdraws_an_invitation(
    client, company, carol, member, bob
):
    invitation = CompanyInvitation.objects.create(company=company, user=bob, invited_by=carol)
    membership = Membership.objects.get(company=company, user=member)
    client.force_login(carol)

    client.post(_url(company), {"action": "role", "membership": membership.pk, "role": "owner"})
    membership.refresh_from_db()
    assert membership.role == MemberRole.OWNER

    client.post(_url(company), {"action": "withdraw", "invitation": invitation.pk})
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.WITHDRAWN

    client.post(_url(company), {"action": "remove", "membership": membership.pk})
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_the_last_owner_cannot_step_down_or_leave(client, company, carol):
    mine = Membership.objects.get(company=company, user=carol)
    client.force_login(carol)

    demoted = client.post(
        _url(company), {"action": "role", "membership": mine.pk, "role": "member"}, follow=True
    )
    client.post(_url(company), {"action": "remove", "membership": mine.pk})

    mine.refresh_from_db()
    assert mine.role == MemberRole.OWNER
    assert "대표 관리자가 한 명 이상" in demoted.content.decode()


def test_a_member_cannot_manage_others(client, company, carol, member, bob):
    owner = Membership.objects.get(company=company, user=carol)
    client.force_login(member)

    client.post(_url(company), {"action": "role", "membership": owner.pk, "role": "member"})
    client.post(_url(company), {"action": "remove", "membership": owner.pk})
    client.post(_url(company), {"action": "invite", "username": "bob", "role": "owner"})

    owner.refresh_from_db()
    assert owner.role == MemberRole.OWNER
    assert not CompanyInvitation.objects.exists()


def test_a_member_leaves_and_lands_on_the_public_page(client, company, member):
    mine = Membership.objects.get(company=company, user=member)
    client.force_login(member)

    response = client.post(_url(company), {"action": "remove", "membership": mine.pk})

    assert response.status_code == 302 and response["Location"] == f"/companies/{company.slug}/"
    assert not Membership.objects.filter(pk=mine.pk).exists()


def test_an_owner_of_another_company_cannot_touch_these_members(client, company, other_company, dave, carol):
    owner = Membership.objects.get(company=company, user=carol)
    client.force_login(dave)

    response = client.post(_url(company), {"action": "remove", "membership": owner.pk})

    assert response.status_code == 403
    assert Membership.objects.filter(pk=owner.pk).exists()


def test_a_membership_of_another_company_is_not_found_here(client, company, other_company, carol):
    theirs = Membership.objects.get(company=other_company)
    client.force_login(carol)

    response = client.post(_url(company), {"action": "remove", "membership": theirs.pk})

    assert response.status_code == 404
    assert Membership.objects.filter(pk=theirs.pk).exists()


def test_the_api_refuses_to_leave_a_company_without_an_owner_by_a_role_change(api, company, carol):
    response = api(carol).post(
        f"/api/v1/companies/{company.slug}/members/", {"username": "carol", "role": "member"}
    )

    assert response.status_code == 409
    assert Membership.objects.get(company=company, user=carol).role == MemberRole.OWNER


def test_leaving_an_unverified_company_lands_where_the_user_can_see_the_message(client, company, member):
    Company.objects.filter(pk=company.pk).update(is_verified=False)
    mine = Membership.objects.get(company=company, user=member)
    client.force_login(member)

    response = client.post(_url(company), {"action": "remove", "membership": mine.pk}, follow=True)

    assert response.status_code == 200
    assert response.redirect_chain == [("/companies/", 302)]
    assert f"{company.name}에서 나왔습니다." in response.content.decode()
    assert not Membership.objects.filter(pk=mine.pk).exists()
