"""City staff verify a company, and withdraw the verification, with a button on its page: the
matcher is told (it ranks verified companies only) and the audit log records who did it. The
Django admin's checkbox goes the same way."""

import pytest

from accounts.models import AuditAction, AuditEntry
from companies.models import Company
from tests.accounts.factories import UserFactory
from tests.companies.factories import CompanyFactory, MembershipFactory

pytestmark = pytest.mark.django_db

REFRESH_ALL = "matching.tasks.refresh_all_matches"
EMBED = "matching.tasks.embed_company"


@pytest.fixture
def newcomer(bob):
    company = CompanyFactory(name="새내기AI", slug="saenaegi-ai", is_verified=False)
    MembershipFactory(company=company, user=bob)
    return company


def _url(company) -> str:
    return f"/companies/{company.slug}/verify/"


def test_staff_verify_a_company_on_its_page_the_matcher_is_told_and_the_log_records_it(
    client, staff_user, newcomer, broker, django_capture_on_commit_callbacks
):
    client.force_login(staff_user)
    page = client.get(f"/companies/{newcomer.slug}/").content.decode()
    assert f'action="{_url(newcomer)}"' in page and 'value="verify"' in page and "인증하기" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(newcomer), {"action": "verify"}, follow=True)

    assert response.redirect_chain == [(f"/companies/{newcomer.slug}/", 302)]
    assert "인증했습니다" in response.content.decode()
    assert 'value="unverify"' in response.content.decode()
    assert Company.objects.get(pk=newcomer.pk).is_verified
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.target_type, entry.target_id) == (
        staff_user,
        AuditAction.COMPANY_VERIFY,
        "company",
        newcomer.pk,
    )
    assert (entry.before, entry.after) == ({"is_verified": False}, {"is_verified": True})
    assert (REFRESH_ALL, ()) in broker.sent and (EMBED, (newcomer.pk,)) in broker.sent


def test_staff_withdraw_a_verification(
    client, staff_user, company, broker, django_capture_on_commit_callbacks
):
    client.force_login(staff_user)
    assert 'value="unverify"' in client.get(f"/companies/{company.slug}/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(company), {"action": "unverify"})

    assert response.status_code == 302 and response["Location"] == f"/companies/{company.slug}/"
    assert not Company.objects.get(pk=company.pk).is_verified
    assert AuditEntry.objects.get().action == AuditAction.COMPANY_UNVERIFY
    assert broker.sent == [(REFRESH_ALL, ())]


def test_verifying_a_verified_company_again_changes_and_records_nothing(
    client, staff_user, company, broker, django_capture_on_commit_callbacks
):
    client.force_login(staff_user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(company), {"action": "verify"})

    assert response.status_code == 302
    assert Company.objects.get(pk=company.pk).is_verified
    assert not AuditEntry.objects.exists() and broker.sent == []


@pytest.mark.parametrize("action", ["", "approve", "VERIFY"])
def test_an_unknown_action_is_refused_and_nothing_changes(client, staff_user, newcomer, action):
    client.force_login(staff_user)

    response = client.post(_url(newcomer), {"action": action})

    assert response.status_code == 400
    assert "할 일을 선택해 주세요." in response.content.decode()
    assert not Company.objects.get(pk=newcomer.pk).is_verified
    assert not AuditEntry.objects.exists()
    # Asked for again by its address (a language switch on that page), it goes back to the company.
    assert client.get(_url(newcomer))["Location"] == f"/companies/{newcomer.slug}/"


def test_the_admin_gives_no_company_the_address_of_a_page_of_the_site(client, staff_user):
    staff_user.is_superuser = True
    staff_user.save()
    client.force_login(staff_user)

    response = client.post(
        "/admin/companies/company/add/",
        {"name": "새 회사", "slug": "new", "summary": "요약", "technologies": "[]", "domains": "[]"},
    )

    assert response.status_code == 200 and not Company.objects.filter(slug="new").exists()
    assert response.context["adminform"].form.errors["slug"] == ["이미 사용 중인 주소입니다."]


@pytest.mark.parametrize("who", ["company_member", "other_company_member", "other_citizen"])
def test_only_city_staff_see_the_button_and_may_verify(client, personas, company, newcomer, bob, who):
    Company.objects.filter(pk=company.pk).update(is_verified=False)
    client.force_login(personas[who])

    page = client.get(f"/companies/{company.slug}/")
    response = client.post(_url(company), {"action": "verify"})

    assert 'value="verify"' not in page.content.decode()
    assert response.status_code == 403
    assert not Company.objects.get(pk=company.pk).is_verified
    assert not AuditEntry.objects.exists()


def test_a_signed_out_visitor_is_sent_to_log_in(client, newcomer):
    response = client.post(_url(newcomer), {"action": "verify"})

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not Company.objects.get(pk=newcomer.pk).is_verified


def test_the_page_says_a_company_is_not_verified_yet_to_those_who_see_it(client, bob, newcomer):
    client.force_login(bob)

    page = client.get(f"/companies/{newcomer.slug}/").content.decode()

    assert "아직 인증되지 않음" in page and 'value="verify"' not in page


def _admin_form(company, **changes) -> dict:
    data = {
        "name": company.name,
        "slug": company.slug,
        "summary": company.summary,
        "description": company.description,
        "website": company.website,
        "technologies": ",".join(company.technologies),
        "domains": ",".join(company.domains),
        "languages": ",".join(company.languages),
    }
    for prefix in ("references", "memberships", "invitations"):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    data.update(changes)
    return data


def test_verifying_in_the_admin_goes_the_same_way(
    client, newcomer, broker, django_capture_on_commit_callbacks
):
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(root)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/companies/company/{newcomer.pk}/change/",
            _admin_form(newcomer, is_verified="on", summary="관리 화면에서 고친 요약"),
        )

    assert response.status_code == 302, response.content.decode()[:2000]
    newcomer.refresh_from_db()
    assert newcomer.is_verified and newcomer.summary == "관리 화면에서 고친 요약"
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.after) == (
        root,
        AuditAction.COMPANY_VERIFY,
        {"is_verified": True},
    )
    assert (REFRESH_ALL, ()) in broker.sent

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/admin/companies/company/{newcomer.pk}/change/", _admin_form(newcomer))

    assert not Company.objects.get(pk=newcomer.pk).is_verified
    assert AuditEntry.objects.filter(action=AuditAction.COMPANY_UNVERIFY, actor=root).count() == 1


def test_the_audit_log_page_names_the_verification_and_the_company(client, staff_user, newcomer):
    client.force_login(staff_user)
    client.post(_url(newcomer), {"action": "verify"})

    page = client.get("/staff/audit/").content.decode()

    assert "기업 인증" in page and newcomer.name in page
    assert "실증 사업, 기업에 대해 내린 모든 결정" in page


@pytest.mark.parametrize(
    "changes",
    [
        {"summary": "관리 화면에서 고친 요약"},
        {"technologies": "LiDAR,edge AI"},
        {
            "references-TOTAL_FORMS": "1",
            "references-0-title": "광주 버스 정류장 실증",
            "references-0-description": "정류장 혼잡도를 카메라로 셌습니다.",
        },
    ],
    ids=["summary", "technologies", "a past project"],
)
def test_a_profile_edited_in_the_admin_is_matched_again_at_once(
    client, company, broker, django_capture_on_commit_callbacks, changes
):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/companies/company/{company.pk}/change/",
            _admin_form(company, is_verified="on", **changes),
        )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert broker.sent == [(EMBED, (company.pk,))]
