"""What every appeal write shares: lock the row, check the workflow table, parse the inputs the table
declares, save the changed fields and append the event in the same transaction."""

from wuyou.core.errors import InvalidInput, NotFound
from wuyou.core.workflow import SYSTEM, lock
from wuyou.orgs.models import Department

from .audit import record_event
from .models import Appeal
from .selectors import visible_appeals
from .transitions import FLOW

NOT_FOUND = "诉求不存在或无权查看"


def lock_appeal(appeal_id: int, by) -> Appeal:
    """The appeal row, locked; 404 when it does not exist or `by` may not see it."""
    appeal = lock(Appeal, appeal_id, message=NOT_FOUND)
    if not visible_appeals(by).filter(pk=appeal_id).exists():
        raise NotFound(NOT_FOUND, code="not_found")
    return appeal


def begin(appeal_id: int, by, action: str, **raw) -> tuple[Appeal, dict]:
    """Lock, check role, scope, state and guards, then parse the action's inputs — in that order, so
    an outsider learns nothing from an input error."""
    if by is SYSTEM:  # the system acts (auto-dispatch, a rule): the table must allow it
        appeal = lock(Appeal, appeal_id, message=NOT_FOUND)
        rule = FLOW.check_system(appeal, action)
    else:
        appeal = lock_appeal(appeal_id, by)
        rule = FLOW.check(appeal, action, by)
    return appeal, {i.name: i.clean(raw.get(i.name)) for i in rule.inputs}


def department_by_code(code: str) -> Department:
    dept = Department.objects.filter(code=(code or "").strip(), is_active=True).first()
    if dept is None:
        if Department.objects.filter(code=(code or "").strip()).exists():
            raise InvalidInput(f"部门编码不存在或已停用：{code}", code="unknown_department")
        # issue 10 (the desk): a name, a short name or pinyin initials also name one department.
        from .desk import resolve_department

        return resolve_department(code)
    return dept


def transition(
    appeal: Appeal,
    action: str,
    by,
    *,
    fields: list[str],
    note: str = "",
    data: dict | None = None,
    department=None,
    inputs: dict | None = None,
    before: str | None = None,
) -> Appeal:
    """Move to the state the table names for this action (or keep it), save, and append the event.

    `before` is given when the caller already changed what the table's target depends on."""
    rule = FLOW.rule(action)
    state, fields = FLOW.apply(appeal, rule, inputs=inputs, fields=fields)
    if fields:
        appeal.save(update_fields=fields)
    record_event(
        appeal,
        action,
        by=by,
        before=state if before is None else before,
        note=note,
        data=data,
        department=department,
    )
    return appeal
