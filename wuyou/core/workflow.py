"""The workflow kernel: one declarative table per kind of subject, one way to check and take a step.

A `Workflow` is a list of `Rule`s: action → source states, target state (or the function that
decides it), who may (roles, and a scope test on the subject), guards, and the input schema. The
pages, the API and the tests read the same table: the API's action list and its input parsing, the
page forms' field lists and the generated rule × persona × state tests all come from it.

System actions (warn, urge, auto-close) are rules too, with `system=True`: nobody may take them, and
the worker's sweeps take their source states and target state from the rule, so the table stays the
one truth about what can happen to a subject. Steps both people and the system take (escalation,
dispatch — auto-dispatch) are person rules with `automatic=True`. The system acts as `SYSTEM`, never
as a person and never as a missing user.

Core knows nothing of users' roles: a workflow is given `role_of(user) -> str` by its module.

Lost intent: every action a person takes accepts `expected_status`, the state the person saw. The
kernel adds it to every rule's inputs (so the API body schema and the page forms carry it) and checks
it in `check`, which every service calls right after `lock`: a subject that changed since the person
looked is refused with 409 `stale_state` and nothing changes. Callers run the service inside
`flow.expecting(pk, status)`; without a status nothing is checked, as before.
"""

import contextvars
import dataclasses
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field

from .errors import Forbidden, InvalidInput, InvalidTransition, NotFound
from .inputs import MAX_INT, Input  # noqa: F401  (modules declare their tables with Input)

EXPECTED_STATUS = "expected_status"
EXPECTED_INPUT = Input(EXPECTED_STATUS, "操作时看到的状态", max_len=40)

# (workflow name, subject pk, expected state) of the action being taken; consumed by the first
# person check of that subject, so steps the service takes afterwards (an escalation after an
# unsatisfied rating, the member appeals of a cluster) are not compared with it.
_expected = contextvars.ContextVar("wuyou_expected_status", default=None)


class _System:
    """The actor of the worker's and the rules' steps. Its pk is None, so events record no person."""

    pk = None
    is_authenticated = False
    is_active = True

    def __repr__(self):
        return "SYSTEM"

    def __str__(self):
        return "系统"


SYSTEM = _System()


# ---------------------------------------------------------------- rules


@dataclass(frozen=True)
class Guard:
    """A condition beyond the state: `test(subject) -> bool`; when it fails the step is refused (409)."""

    test: Callable
    message: str
    code: str = "invalid_transition"


@dataclass(frozen=True)
class Rule:
    action: str
    label: str
    sources: frozenset
    # The state after the step: a state, a function (subject, inputs) -> state, or None (unchanged).
    to: object = None
    roles: frozenset = frozenset()
    # Whose subject: a function (subject, user) -> bool, beyond the role. None: the role is enough.
    scope: Callable | None = None
    guards: tuple[Guard, ...] = ()
    inputs: tuple[Input, ...] = ()
    system: bool = False  # taken by the worker or a rule, never by a person
    automatic: bool = False  # people take it, and the system may too (escalation, auto-dispatch)
    title: str = ""  # the heading of its form on a page, when it says more than the label

    @property
    def heading(self) -> str:
        return self.title or self.label

    def target(self, subject, inputs: dict | None = None):
        return self.to(subject, inputs or {}) if callable(self.to) else self.to


@dataclass
class Workflow:
    """The table of one kind of subject, and the checks every step goes through."""

    name: str
    rules: list[Rule]
    role_of: Callable
    state_attr: str = "status"
    # How a state and the subject are named in messages ("诉求", "举报").
    noun: str = ""
    state_label: Callable = str
    # Refuse with 404 instead of 403 where a 403 would confirm the subject exists (reports).
    hide_forbidden: bool = False
    not_found_message: str = "对象不存在或无权查看"
    by_action: dict = field(init=False)
    states: frozenset = field(init=False)

    def __post_init__(self):
        # Every action a person takes carries the optional expected state (see the module docstring).
        self.rules = [
            r
            if r.system or any(i.name == EXPECTED_STATUS for i in r.inputs)
            else dataclasses.replace(r, inputs=(*r.inputs, EXPECTED_INPUT))
            for r in self.rules
        ]
        self.by_action = {r.action: r for r in self.rules}
        # Every state the table names (what an expected_status may be).
        self.states = frozenset(
            {str(st) for r in self.rules for st in r.sources}
            | {str(r.to) for r in self.rules if r.to is not None and not callable(r.to)}
        )
        assert len(self.by_action) == len(self.rules), f"{self.name}: an action appears twice"

    # ---- reading the table

    def rule(self, action: str) -> Rule:
        rule = self.by_action.get(str(action))
        if rule is None:
            raise NotFound(f"未知操作：{action}", code="unknown_action")
        return rule

    def actions(self) -> list[str]:
        """The actions people take, in table order (the API's action list)."""
        return [r.action for r in self.rules if not r.system]

    def system_actions(self) -> list[str]:
        return [r.action for r in self.rules if r.system]

    def input_names(self) -> list[str]:
        """Every input name any action takes (what a page form may post)."""
        seen = []
        for r in self.rules:
            for i in r.inputs:
                if i.name not in seen:
                    seen.append(i.name)
        return seen

    # ---- checks

    def may(self, subject, rule: Rule, user) -> bool:
        """Role and scope only (not the state)."""
        if rule.system or user is None or user is SYSTEM:
            return False
        if self.role_of(user) not in rule.roles:
            return False
        return rule.scope is None or bool(rule.scope(subject, user))

    def check(self, subject, action: str, user) -> Rule:
        """Forbidden (or NotFound) when this user may not take the action; InvalidTransition when the state
        or a guard forbids it. System actions are checked with `check_system`."""
        rule = self.rule(action)
        if not self.may(subject, rule, user):
            if self.hide_forbidden:
                raise NotFound(self.not_found_message, code="not_found")
            raise Forbidden(f"您无权对该{self.noun}执行「{rule.label}」操作", code="forbidden")
        # After role and scope (an outsider learns nothing), before the state and guards: a person who
        # saw another state meant another step, even when this one would be allowed now.
        self._check_expected(subject, rule)
        self._check_state(subject, rule)
        return rule

    def _check_expected(self, subject, rule: Rule) -> None:
        pending = _expected.get()
        if pending is None or pending["done"] or pending["flow"] != self.name or pending["pk"] != subject.pk:
            return
        pending["done"] = True
        expected = pending["status"]
        # Checked here, after role and scope, like every input: an outsider learns nothing from it.
        if not isinstance(expected, str) or expected.strip() not in self.states:
            raise InvalidInput("操作时看到的状态不正确，请刷新页面后重试", code="invalid_expected_status")
        expected = pending["status"] = expected.strip()
        state = getattr(subject, self.state_attr)
        if state != expected:
            raise InvalidTransition(
                f"{self.noun}状态已变化（您看到的是「{self.state_label(pending['status'])}」，"
                f"现在是「{self.state_label(state)}」），未执行「{rule.label}」；请刷新页面后重新确认",
                code="stale_state",
            )

    @contextmanager
    def expecting(self, pk, status):
        """Run a service expecting subject `pk` of this workflow to be in `status` when it is checked.
        `status` None or empty: no expectation (calls without it keep working)."""
        if status is None or status == "":
            yield
            return
        token = _expected.set({"flow": self.name, "pk": pk, "status": status, "done": False})
        try:
            yield
        finally:
            _expected.reset(token)

    def service_inputs(self, action: str, data: dict | None) -> dict:
        """The raw inputs a service takes for the action: the declared ones, without `expected_status`
        (that one goes to `expecting`)."""
        data = data or {}
        return {i.name: data.get(i.name) for i in self.rule(action).inputs if i.name != EXPECTED_STATUS}

    def check_system(self, subject, action: str) -> Rule:
        rule = self.rule(action)
        if not (rule.system or rule.automatic):
            raise Forbidden(f"「{rule.label}」须由人员办理，不能由系统执行", code="forbidden")
        self._check_state(subject, rule)
        return rule

    def _check_state(self, subject, rule: Rule) -> None:
        state = getattr(subject, self.state_attr)
        if state not in rule.sources:
            raise InvalidTransition(
                f"{self.noun}当前状态为「{self.state_label(state)}」，不能执行「{rule.label}」",
            )
        for guard in rule.guards:
            if not guard.test(subject):
                raise InvalidTransition(guard.message, code=guard.code)

    def available(self, subject, user) -> list[str]:
        """What this user may do now: role, scope, state and guards all pass."""
        out = []
        for rule in self.rules:
            if rule.system or getattr(subject, self.state_attr) not in rule.sources:
                continue
            if not self.may(subject, rule, user):
                continue
            if all(g.test(subject) for g in rule.guards):
                out.append(rule.action)
        return out

    def clean_inputs(self, action: str, data: dict) -> dict:
        """Every input of the action parsed from a dict (form or JSON); unknown keys are ignored."""
        data = data or {}
        return {i.name: i.clean(data.get(i.name)) for i in self.rule(action).inputs}

    # ---- taking the step

    def apply(self, subject, rule: Rule, *, inputs: dict | None = None, fields=()) -> tuple[str, list[str]]:
        """Set the target state on the subject; returns (state before, fields to save). The caller
        holds the row lock and saves with update_fields, then appends its event."""
        before = getattr(subject, self.state_attr)
        fields = list(fields)
        to = rule.target(subject, inputs)
        if to is not None:
            setattr(subject, self.state_attr, to)
            fields.append(self.state_attr)
        return before, sorted(set(fields))


def lock(model, pk, *, message: str = "对象不存在或无权查看"):
    """SELECT … FOR UPDATE one row by id; ids outside the database's range are simply not found."""
    if isinstance(pk, bool) or not isinstance(pk, int) or not 0 < pk <= MAX_INT:
        raise NotFound(message, code="not_found")
    row = model.objects.select_for_update().filter(pk=pk).first()
    if row is None:
        raise NotFound(message, code="not_found")
    return row
