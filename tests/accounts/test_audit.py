import pytest

from accounts.audit import audit_record
from accounts.models import AuditAction, AuditEntry

pytestmark = pytest.mark.django_db


def test_every_recorded_action_has_a_label(staff_user, idea):
    entry = audit_record(actor=staff_user, action=AuditAction.IDEA_PUBLISH, target=idea)

    assert entry.get_action_display() != entry.action
    with pytest.raises(ValueError):
        audit_record(actor=staff_user, action="idea_teleport", target=idea)
    assert AuditEntry.objects.count() == 1
