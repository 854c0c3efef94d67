"""Changing a data request: in place until anyone consented, then a new request that replaces it."""

import pytest

from accounts.models import AuditAction, AuditEntry
from core.errors import ApplicationError, ErrorKind
from donations import services
from pilots.models import PilotConsent, PilotDataRequest, PilotStage
from tests.accounts.factories import UserFactory
from tests.pilots.factories import PilotFactory, VolunteerFactory

from .factories import BLOOD_PRESSURE_FIELDS, blood_pressure_request, donate, donation_pilot

pytestmark = pytest.mark.django_db


@pytest.fixture
def steward(db):
    return UserFactory(username="steward", is_staff=True)


@pytest.fixture
def setup(company):
    return donation_pilot(company=company)


def test_a_consented_request_is_replaced_by_a_new_one_and_keeps_its_consents(setup, steward):
    old = setup.data_request
    donation = donate(setup)

    new = services.data_request_change(data_request=old, by=steward, retention_days=90)

    old.refresh_from_db()
    assert new.pk != old.pk
    assert (old.replaced_by_id, old.replaced_at is not None, new.replaced_at) == (new.pk, True, None)
    assert new.retention_days == 90 and "90일" in new.consent_text
    # The old request keeps what was agreed to and given, word for word.
    consent = PilotConsent.objects.get(pk=setup.consent.pk)
    assert (consent.data_request_id, consent.withdrawn_at, consent.consent_text) == (
        old.pk,
        None,
        old.consent_text,
    )
    assert "30일" in old.consent_text and old.retention_days == 30
    assert donation.data_request_id == old.pk and old.donations.count() == 1
    assert list(setup.pilot.data_requests.current()) == [new]
    assert list(new.recipient_companies.all()) == list(old.recipient_companies.all())


def test_a_replaced_request_takes_no_new_consent_nor_donation(setup, steward):
    old = setup.data_request
    services.data_request_change(data_request=old, by=steward, purpose="혈압 변화를 연구하기 위해")
    old.refresh_from_db()
    newcomer = VolunteerFactory(pilot=setup.pilot)

    with pytest.raises(ApplicationError) as refused:
        services.consent_give(volunteer=newcomer, data_request=old)
    with pytest.raises(ApplicationError) as not_stored:
        donate(setup)

    assert refused.value.kind == ErrorKind.CONFLICT
    assert not_stored.value.kind == ErrorKind.CONFLICT
    assert not PilotConsent.objects.filter(volunteer=newcomer).exists()
    assert setup.volunteer.donations.count() == 0


def test_the_volunteer_consents_to_the_new_request_and_donates_under_it(setup, steward):
    new = services.data_request_change(data_request=setup.data_request, by=steward, retention_days=60)

    consent = services.consent_give(volunteer=setup.volunteer, data_request=new)

    assert consent.consent_text == new.consent_text
    setup.data_request = new
    assert donate(setup).data_request_id == new.pk


def test_an_unconsented_request_is_changed_in_place(company, steward):
    pilot = PilotFactory(stage=PilotStage.RECRUITING, companies=[company])
    data_request = blood_pressure_request(pilot)

    changed = services.data_request_change(
        data_request=data_request,
        by=steward,
        fields=[
            *BLOOD_PRESSURE_FIELDS,
            {"code": "spo2", "label": "산소포화도", "unit": "%", "min": 70, "max": 100},
        ],
        retention_days=14,
    )

    assert changed.pk == data_request.pk
    assert PilotDataRequest.objects.filter(pilot=pilot).count() == 1
    changed.refresh_from_db()
    assert [f["code"] for f in changed.fields] == ["systolic", "diastolic", "pulse", "spo2"]
    assert (changed.retention_days, changed.replaced_at) == (14, None)
    assert "14일" in changed.consent_text
    entry = AuditEntry.objects.get(action=AuditAction.PILOT_DATA_REQUEST_CHANGE)
    assert (entry.before["retention_days"], entry.after["retention_days"]) == (30, 14)


def test_a_request_consented_to_and_withdrawn_is_still_replaced(setup, steward):
    services.consent_withdraw(volunteer=setup.volunteer, data_request=setup.data_request)

    new = services.data_request_change(data_request=setup.data_request, by=steward, retention_days=7)

    assert new.pk != setup.data_request.pk
    assert PilotConsent.objects.get(pk=setup.consent.pk).data_request_id == setup.data_request.pk


def test_a_replaced_request_cannot_be_changed_again(setup, steward):
    services.data_request_change(data_request=setup.data_request, by=steward, retention_days=7)

    with pytest.raises(ApplicationError) as error:
        services.data_request_change(data_request=setup.data_request, by=steward, retention_days=8)

    assert error.value.kind == ErrorKind.CONFLICT
    assert PilotDataRequest.objects.filter(pilot=setup.pilot).count() == 2


def test_a_change_that_changes_nothing_is_refused_and_asks_no_one_to_consent_again(setup, steward):
    with pytest.raises(ApplicationError) as error:
        services.data_request_change(data_request=setup.data_request, by=steward, retention_days=30)

    assert error.value.code == "unchanged"
    assert list(setup.pilot.data_requests.current()) == [setup.data_request]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"fields": [{"code": "pulse", "label": "맥박", "unit": "bpm", "min": 220, "max": 30}]}, "fields"),
        ({"fields": [{"code": "Pulse!", "label": "맥박", "unit": "bpm", "min": 30, "max": 220}]}, "fields"),
        ({"retention_days": 0}, "retention_days"),
        ({"category_code": "steps"}, "category_code"),
    ],
)
def test_a_bad_change_names_the_field_and_changes_nothing(setup, steward, changes, field):
    blood_pressure_request(setup.pilot, by=steward, code="steps")
    before = PilotDataRequest.objects.filter(pilot=setup.pilot).count()

    with pytest.raises((ApplicationError, Exception)) as error:
        services.data_request_change(data_request=setup.data_request, by=steward, **changes)

    fields = getattr(error.value, "fields", None) or getattr(error.value, "message_dict", {})
    assert field in fields
    setup.data_request.refresh_from_db()
    assert setup.data_request.replaced_at is None and setup.data_request.retention_days == 30
    assert PilotDataRequest.objects.filter(pilot=setup.pilot).count() == before


def test_only_staff_change_a_request(setup, carol):
    with pytest.raises(ApplicationError) as error:
        services.data_request_change(data_request=setup.data_request, by=carol, retention_days=7)

    assert error.value.kind == ErrorKind.FORBIDDEN
    setup.data_request.refresh_from_db()
    assert setup.data_request.retention_days == 30


def test_another_pilots_company_cannot_receive_the_data(setup, steward, other_company):
    with pytest.raises(ApplicationError) as error:
        services.data_request_change(
            data_request=setup.data_request, by=steward, recipient_companies=[other_company]
        )

    assert "recipient_companies" in error.value.fields
    assert setup.pilot.data_requests.current().get().pk == setup.data_request.pk


def test_a_recipient_staff_wrote_stays_until_the_companies_change(company, steward):
    pilot = PilotFactory(stage=PilotStage.RECRUITING, companies=[company])
    data_request = services.data_request_add(
        pilot=pilot,
        by=steward,
        category_code="steps",
        category_label="걸음 수",
        fields=[{"code": "steps", "label": "걸음", "unit": "걸음", "min": 0, "max": 100000}],
        purpose="걷기 습관을 알아보기 위해",
        recipient="빛고을케어 연구팀",
        retention_days=30,
    )

    changed = services.data_request_change(data_request=data_request, by=steward, retention_days=45)

    assert changed.recipient == "빛고을케어 연구팀" and "빛고을케어 연구팀" in changed.consent_text


def test_volunteers_whose_consent_a_change_replaces_are_told_to_consent_again(setup, steward):
    from accounts.models import Notification, NotificationKind

    withdrawn = VolunteerFactory(pilot=setup.pilot)
    services.consent_give(volunteer=withdrawn, data_request=setup.data_request)
    services.consent_withdraw(volunteer=withdrawn, data_request=setup.data_request)

    services.data_request_change(data_request=setup.data_request, by=steward, retention_days=90)

    told = Notification.objects.filter(kind=NotificationKind.PILOT_UPDATE)
    # Only the volunteer whose consent stood; one who had withdrawn loses nothing by the change.
    assert [n.user for n in told] == [setup.volunteer.user]
    assert setup.pilot.title in told[0].title and "다시 동의" in told[0].title
    assert told[0].link == f"/pilots/{setup.pilot.pk}/#take-part"


def test_a_change_made_in_place_tells_no_one(setup, steward):
    from accounts.models import Notification

    services.consent_withdraw(volunteer=setup.volunteer, data_request=setup.data_request)
    PilotConsent.objects.all().delete()

    services.data_request_change(data_request=setup.data_request, by=steward, retention_days=90)

    assert not Notification.objects.exists()
