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
