"""Every write to an appeal, by concept: `intake`, `handling` (dispatch to rating), `oversight` (the
center's decisions and escalation), `merging`. This module is their one import point and holds
`perform`, which runs any action of the workflow table by name with a dict of inputs (form or JSON)."""

from wuyou.core.errors import InvalidInput, NotFound
from wuyou.core.workflow import EXPECTED_STATUS

from .handling import (
    MAX_RETURNS_BEFORE_LOCK,
    RETURNS_FOR_LEVEL2,
    UNSATISFIED_FOR_LEVEL2,
    appeal_dispatch,
    appeal_extend,
    appeal_opinion,
    appeal_pause,
    appeal_rate,
    appeal_reject,
    appeal_reply,
    appeal_resume,
    appeal_return,
    appeal_sign,
    appeal_supply,
    appeal_withdraw,
)
from .intake import appeal_submit
from .merging import appeal_merge, appeal_unmerge
from .models import Action
from .oversight import (
    appeal_approve_extension,
    appeal_close,
    appeal_escalate,
    appeal_reopen,
    appeal_supervise,
    escalate_locked,
)
from .transitions import ACTION_NAMES, FILE_INPUTS, FLOW

__all__ = [
    "ACTION_NAMES",
    "MAX_RETURNS_BEFORE_LOCK",
    "RETURNS_FOR_LEVEL2",
    "UNSATISFIED_FOR_LEVEL2",
    "appeal_submit",
    "escalate_locked",
    "perform",
]

# The service of each action in the table; perform() passes it exactly the inputs the table declares.
SERVICES = {
    Action.DISPATCH: appeal_dispatch,
    Action.REJECT: appeal_reject,
    Action.WITHDRAW: appeal_withdraw,
    Action.SIGN: appeal_sign,
    Action.RETURN: appeal_return,
    Action.OPINION: appeal_opinion,
    Action.REPLY: appeal_reply,
    Action.RATE: appeal_rate,
    Action.REOPEN: appeal_reopen,
    Action.CLOSE: appeal_close,
    Action.ESCALATE: appeal_escalate,
    Action.SUPERVISE: appeal_supervise,
    Action.EXTEND: appeal_extend,
    Action.APPROVE_EXTENSION: appeal_approve_extension,
    Action.PAUSE: appeal_pause,
    Action.RESUME: appeal_resume,
    Action.SUPPLY: appeal_supply,
    Action.MERGE: appeal_merge,
    Action.UNMERGE: appeal_unmerge,
}
assert set(SERVICES) == set(ACTION_NAMES), "every action a person takes has a service, and only those"


def perform(action: str, *, appeal_id: int, by, data: dict, files=None):
    """Run an action by name with a dict of raw inputs; the service validates them after its checks.

    `files`: uploads for the actions of FILE_INPUTS (supply, reply); any other action refuses them."""
    if action not in SERVICES:
        raise NotFound(f"未知操作：{action}", code="unknown_action")
    data = data or {}
    raw = FLOW.service_inputs(action, data)
    if action in FILE_INPUTS:
        raw["files"] = list(files or [])
    elif files:
        raise InvalidInput(f"「{FLOW.rule(action).label}」不接受附件", code="files_not_allowed")
    # The kernel refuses with 409 stale_state when the appeal changed since the caller looked.
    with FLOW.expecting(appeal_id, data.get(EXPECTED_STATUS)):
        return SERVICES[action](appeal_id=appeal_id, by=by, **raw)
