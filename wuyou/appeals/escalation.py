"""What raising an appeal to a supervision level (督办层级) means, wherever it happens: a user's
action (services.appeal_escalate, too many returns or unsatisfied ratings) or the worker's sweep.
Both write the same event, the same supervision order and tell the same people."""

from dataclasses import dataclass

from wuyou.orgs.models import Role

from . import notify
from .models import Appeal

LEVEL_AUDIENCE = {1: (Role.CENTER,), 2: (Role.TEAM,), 3: (Role.LEADER,)}
LEVEL_LABEL = {1: "一级督办（协调中心）", 2: "二级督办（办不成事专班）", 3: "三级督办（市领导）"}
# Besides the level's own audience, the lead department's leaders hear of every escalation.
DEPARTMENT_ROLES = (Role.DEPT_LEADER,)


@dataclass(frozen=True)
class Escalation:
    level: int
    reason: str

    @property
    def label(self) -> str:
        return LEVEL_LABEL[self.level]

    @property
    def audience(self) -> tuple:
        return LEVEL_AUDIENCE[self.level]

    @property
    def supervision_note(self) -> str:
        return f"{self.label}：{self.reason}"

    def event_data(self, appeal: Appeal) -> dict:
        """Read before the appeal's level changes."""
        return {"from_level": appeal.escalation_level, "level": self.level}

    def title(self, appeal: Appeal) -> str:
        return f"{self.label}：{notify.link_text(appeal)}"
