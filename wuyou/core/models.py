"""Core's tables live beside the code that owns them; Django finds models through this module."""

from .audit import AuditRecord, ChainHead  # noqa: F401
from .numbering import Counter  # noqa: F401
from .sweeps import PoisonRow, TaskRun  # noqa: F401
from .throttle import ThrottleCounter  # noqa: F401
