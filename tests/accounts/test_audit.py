import pytest

from accounts.audit import audit_record
from accounts.models import AuditAction, AuditEntry

pytestmark = pytest.mark.django_db


def test_every_audit_action_has_a_label_and_an_unknown_one_is_refused(staff_user, idea):
    for action in AuditAction:
        entry = audit_record(actor=staff_user, action=action, target=idea)
        assert entry.get_action_display() != entry.action

    with pytest.raises(ValueError):
        audit_record(actor=staff_user, action="idea_teleport", target=idea)
    assert AuditEntry.objects.count() == len(AuditAction)


def test_staff_filter_the_audit_log_and_a_filter_that_is_not_valid_is_a_400(api, staff_user, idea):
    published = audit_record(actor=staff_user, action=AuditAction.IDEA_PUBLISH, target=idea)
    audit_record(actor=staff_user, action=AuditAction.IDEA_REJECT, target=idea)
    client = api(staff_user)

    found = client.get(
        "/api/v1/audit/", {"target_type": "idea", "target_id": idea.pk, "action": "idea_publish"}
    )
    wrong = client.get("/api/v1/audit/", {"target_id": "abc", "action": "idea_teleport"})

    assert [row["id"] for row in found.json()["results"]] == [published.pk]
    assert wrong.status_code == 400
    assert set(wrong.json()["error"]["fields"]) == {"target_id", "action"}
    assert AuditEntry.objects.count() == 2
