"""内部备注: remarks on an appeal among those who handle it — the lead and co-handling departments, the
coordination center, and the 办不成事专班 once the appeal is escalated to it.

The enterprise side never sees them: a note is not an Event (the timeline, the API's events, the case
file and every export of events reach the enterprise), no notification carries one, and every read goes
through `notes_for`, which is empty for anyone who may not read them. Writes are audited in the kernel's
administrative chain (新增内部备注), which only the audit readers see.
"""

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from wuyou.core.audit import record_change
from wuyou.core.errors import Forbidden
from wuyou.core.inputs import Input
from wuyou.orgs.access import CENTER, DEPT, TEAM, has_role, role_of

from .models import Appeal, CoHandler, InternalNote
from .steps import lock_appeal

NOTE_TEXT = Input("text", "内部备注", required=True, max_len=2000)
FORBIDDEN_MESSAGE = "只有办理部门和协调中心可以查看和填写内部备注"


def may_see_notes(user, appeal: Appeal) -> bool:
    """The center; the lead and co-handling departments' staff; the task force on escalated appeals."""
    if not has_role(user, CENTER, DEPT, TEAM):
        return False
    role = role_of(user)
    if role in DEPT:
        if not user.department_id:
            return False
        if appeal.department_id == user.department_id:
            return True
        return CoHandler.objects.filter(appeal=appeal, department_id=user.department_id).exists()
    if role in TEAM:
        return appeal.escalation_level >= 2
    return True


def notes_for(user, appeal: Appeal) -> QuerySet[InternalNote]:
    """The notes this user may read: all of the appeal's, or none."""
    if not may_see_notes(user, appeal):
        return InternalNote.objects.none()
    return appeal.internal_notes.select_related("author", "department").order_by("created_at", "id")


@transaction.atomic
def note_add(*, appeal_id: int, by, text: str) -> InternalNote:
    """404 for who cannot see the appeal, 403 for who sees it but may not read notes, then the text."""
    appeal = lock_appeal(appeal_id, by)
    if not may_see_notes(by, appeal):
        raise Forbidden(FORBIDDEN_MESSAGE, code="forbidden")
    note = InternalNote.objects.create(
        appeal=appeal,
        author=by,
        department_id=by.department_id,
        text=NOTE_TEXT.clean(text),
        created_at=timezone.now(),
    )
    record_change(
        by=by,
        action="internal_note.create",
        subject=("appeals.internalnote", note.pk, f"诉求 {appeal.number}"),
        after={"appeal": appeal.number, "text": note.text},
    )
    return note
