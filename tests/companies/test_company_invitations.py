"""An owner invites by username; the invited user becomes a member, with a member's rights, only
by accepting."""

import pytest

from accounts.models import Notification, NotificationKind
from companies.models import CompanyInvitation, InvitationStatus, MemberRole, Membership
from tests.companies.factories import CompanyFactory, MembershipFactory
from tests.matching.factories import MatchFactory

pytestmark = pytest.mark.django_db


def _invite(api, owner, company, username="bob", role=MemberRole.MEMBER):
    response = api(owner).post(
        f"/api/v1/companies/{company.slug}/members/", {"username": username, "role": role}
    )
    assert response.status_code == 201, response.content
    return response.json()


def _member_rights(client, company) -> dict[str, int]:
    return {
        "matches": client.get(f"/api/v1/companies/{company.slug}/matches/").status_code,
        "members": client.get(f"/api/v1/companies/{company.slug}/members/").status_code,
        "edit": client.patch(f"/api/v1/companies/{company.slug}/", {"summary": "바꿔 봅니다"}).status_code,
        "add a reference": client.post(
            f"/api/v1/companies/{company.slug}/references/", {"title": "실증"}
        ).status_code,
    }


def test_an_invited_user_is_told_and_has_no_member_rights_until_accepting(api, client, carol, bob, company):
    MatchFactory(company=company)

    invitation = _invite(api, carol, company)

    assert (invitation["status"], invitation["username"], invitation["company"]["slug"]) == (
        "pending",
        "bob",
        company.slug,
    )
    assert not Membership.objects.filter(company=company, user=bob).exists()
    told = Notification.objects.get(user=bob, kind=NotificationKind.COMPANY_INVITATION)
    assert company.name in told.title and told.link == f"/companies/{company.slug}/"
    assert _member_rights(api(bob), company) == {
        "matches": 403,
        "members": 403,
        "edit": 403,
        "add a reference": 403,
    }
    client.force_login(bob)
    assert client.get(f"/companies/{company.slug}/matches/").status_code == 403
    assert company.name not in client.get("/").content.decode()  # no "Matches for …" in the menu
    assert company.summary != "바꿔 봅니다"
    assert not company.references.exists()

    accepted = api(bob).post(f"/api/v1/invitations/{invitation['id']}/accept/")

    assert (accepted.status_code, accepted.json()["role"]) == (200, "member")
    assert Membership.objects.filter(company=company, user=bob, role=MemberRole.MEMBER).exists()
    assert CompanyInvitation.objects.get(pk=invitation["id"]).status == InvitationStatus.ACCEPTED
    assert _member_rights(api(bob), company) == {
        "matches": 200,
        "members": 200,
        "edit": 200,
        "add a reference": 201,
    }
    assert api(bob).post(f"/api/v1/invitations/{invitation['id']}/accept/").status_code == 409


def test_declining_leaves_the_user_outside(api, carol, bob, company):
    invitation = _invite(api, carol, company)

    declined = api(bob).post(f"/api/v1/invitations/{invitation['id']}/decline/")

    assert declined.status_code == 204
    assert CompanyInvitation.objects.get(pk=invitation["id"]).status == InvitationStatus.DECLINED
    assert not Membership.objects.filter(company=company, user=bob).exists()
    assert api(bob).get("/api/v1/invitations/").json() == []
    assert api(bob).post(f"/api/v1/invitations/{invitation['id']}/accept/").status_code == 409
    assert _member_rights(api(bob), company)["matches"] == 403


def test_only_the_invited_user_answers_an_invitation(api, carol, bob, dave, company, other_company):
    invitation = _invite(api, carol, company)

    assert [row["id"] for row in api(bob).get("/api/v1/invitations/").json()] == [invitation["id"]]
    assert api(dave).get("/api/v1/invitations/").json() == []
    for answer in ("accept", "decline"):
        stolen = api(dave).post(f"/api/v1/invitations/{invitation['id']}/{answer}/")
        missing = api(dave).post(f"/api/v1/invitations/999999/{answer}/")
        assert stolen.status_code == missing.status_code == 404
    assert api().post(f"/api/v1/invitations/{invitation['id']}/accept/").status_code == 403
    assert not Membership.objects.filter(company=company, user=dave).exists()
    assert CompanyInvitation.objects.get(pk=invitation["id"]).status == InvitationStatus.PENDING


def test_a_withdrawn_invitation_cannot_be_accepted(api, carol, bob, company):
    invitation = _invite(api, carol, company)

    withdrawn = api(carol).delete(f"/api/v1/companies/{company.slug}/invitations/{invitation['id']}/")
    accepted = api(bob).post(f"/api/v1/invitations/{invitation['id']}/accept/")

    assert (withdrawn.status_code, accepted.status_code) == (204, 409)
    assert not Membership.objects.filter(company=company, user=bob).exists()
    assert api(carol).get(f"/api/v1/companies/{company.slug}/invitations/").json() == []


def test_inviting_again_keeps_one_invitation_and_a_member_only_changes_role(api, carol, bob, company):
    first = _invite(api, carol, company)
    again = _invite(api, carol, company, role=MemberRole.OWNER)

    assert again["id"] == first["id"] and again["role"] == "owner"
    assert Notification.objects.filter(user=bob, kind=NotificationKind.COMPANY_INVITATION).count() == 1

    api(bob).post(f"/api/v1/invitations/{first['id']}/accept/")
    demoted = api(carol).post(
        f"/api/v1/companies/{company.slug}/members/", {"username": "bob", "role": "member"}
    )

    assert (demoted.status_code, demoted.json()["role"]) == (200, "member")
    assert Membership.objects.get(company=company, user=bob).role == MemberRole.MEMBER
    assert CompanyInvitation.objects.filter(company=company, user=bob).count() == 1


def test_the_invited_user_answers_on_the_company_page_even_before_verification(api, client, bob, dave):
    unverified = CompanyFactory(name="검증 전 기업", slug="not-yet", is_verified=False)
    owner = MembershipFactory(company=unverified).user
    _invite(api, owner, unverified)

    client.force_login(dave)
    assert client.get("/companies/not-yet/").status_code == 404
    assert client.post("/companies/not-yet/invitation/", {"action": "accept"}).status_code == 404
    client.force_login(bob)
    page = client.get("/companies/not-yet/").content.decode()
    assert 'action="/companies/not-yet/invitation/"' in page and 'value="accept"' in page
    assert "검증 전 기업에서 회원님을 초대했습니다(역할: 구성원)" in page

    answered = client.post("/companies/not-yet/invitation/", {"action": "accept"})

    assert answered.status_code == 302
    assert Membership.objects.filter(company=unverified, user=bob, role=MemberRole.MEMBER).exists()
    assert not Membership.objects.filter(company=unverified, user=dave).exists()
    assert 'value="accept"' not in client.get("/companies/not-yet/").content.decode()


def test_declining_on_the_page(client, api, carol, bob, company):
    _invite(api, carol, company)
    client.force_login(bob)

    client.post(f"/companies/{company.slug}/invitation/", {"action": "decline"})

    assert not Membership.objects.filter(company=company, user=bob).exists()
    assert CompanyInvitation.objects.get(user=bob).status == InvitationStatus.DECLINED


def test_declining_an_unverified_companys_invitation_lands_where_the_user_can_see_the_message(
    api, client, bob
):
    unverified = CompanyFactory(name="검증 전 기업", slug="not-yet", is_verified=False)
    owner = MembershipFactory(company=unverified).user
    _invite(api, owner, unverified)
    client.force_login(bob)

    response = client.post("/companies/not-yet/invitation/", {"action": "decline"}, follow=True)

    assert response.status_code == 200
    assert response.redirect_chain == [("/companies/", 302)]
    assert "초대를 거절했습니다." in response.content.decode()
    assert CompanyInvitation.objects.get(user=bob).status == InvitationStatus.DECLINED


def test_declining_a_verified_companys_invitation_stays_on_its_page(client, api, carol, bob, company):
    _invite(api, carol, company)
    client.force_login(bob)

    response = client.post(f"/companies/{company.slug}/invitation/", {"action": "decline"})

    assert response.status_code == 302 and response["Location"] == f"/companies/{company.slug}/"


@pytest.mark.parametrize("action", ["", "refuse", "ACCEPT"])
def test_an_unknown_answer_is_refused_and_the_invitation_stays_open(client, api, carol, bob, company, action):
    _invite(api, carol, company)
    client.force_login(bob)

    response = client.post(f"/companies/{company.slug}/invitation/", {"action": action})

    assert response.status_code == 400
    page = response.content.decode()
    assert "할 일을 선택해 주세요." in page
    assert 'value="accept"' in page  # the invitation is still there to answer
    assert CompanyInvitation.objects.get(user=bob).status == InvitationStatus.PENDING
    assert not Membership.objects.filter(company=company, user=bob).exists()
