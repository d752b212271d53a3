"""Inputs of actions and forms: one validator for text, numbers, choices, shared by every module.

Each failure is an InvalidInput with a Chinese message a user can act on and a stable API code."""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from .errors import InvalidInput

MAX_INT = 2**63 - 1

# Characters no text field keeps: NUL (PostgreSQL refuses it: a DataError, a 500), the other C0 controls
# (invisible, and they break mail headers and exports), DEL, and lone UTF-16 surrogates (a JSON "\ud800"
# decodes to one; it cannot be encoded as UTF-8, so every later write or hash of it fails). Tab, newline and
# carriage return are ordinary in multi-line text.
UNSAFE_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def check_safe_text(value: str, label: str, *, field: str = "") -> None:
    if UNSAFE_TEXT.search(value):
        raise InvalidInput(
            f"{label}含有无法识别的控制字符，请删除后重新填写",
            code=f"invalid_{field}" if field else "invalid_text",
        )


def clean_text(
    value, label: str, max_len: int, *, required: bool = True, min_len: int = 0, field: str = ""
) -> str:
    """Stripped text within its length; codes name the field (`reason_required`) when one is given."""
    value = ("" if value is None else str(value)).strip()
    check_safe_text(value, label, field=field)
    if required and not value:
        raise InvalidInput(f"{label}不能为空", code=f"{field}_required" if field else None)
    if len(value) > max_len:
        raise InvalidInput(f"{label}不能超过{max_len}字", code=f"{field}_too_long" if field else None)
    if value and len(value) < min_len:
        raise InvalidInput(f"{label}至少{min_len}字", code=f"{field}_too_short" if field else None)
    return value


@dataclass(frozen=True)
class Input:
    """One input of an action, as a form field or a JSON key. `clean` turns raw input into a value."""

    name: str
    label: str
    kind: str = "text"  # text | int | bool | decimal | choice | list | id
    required: bool = False
    max_len: int = 500
    min_len: int = 0
    choices: type | None = None  # a TextChoices
    low: int | None = None
    high: int | None = None
    code: str = ""  # the API error code; default invalid_<name> / <name>_required / <name>_too_long
    default: object = None
    message: str = ""  # the error for an invalid value, where the generic one says less

    def _invalid(self, generic: str) -> InvalidInput:
        return InvalidInput(self.message or generic, code=self.code or f"invalid_{self.name}")

    def clean(self, raw):
        kind = self.kind
        # JSON bodies can carry any type; only plain values are inputs (a list is only for list inputs).
        if kind != "list" and isinstance(raw, list | tuple | dict):
            raise self._invalid(f"{self.label}格式不正确")
        if kind == "text":
            return clean_text(
                raw, self.label, self.max_len, required=self.required, min_len=self.min_len, field=self.name
            )
        if raw in (None, "") and not self.required:
            return [] if kind == "list" else self.default
        if kind == "bool":
            if isinstance(raw, bool):
                return raw
            if raw in ("yes", "true", "1", "on"):
                return True
            if raw in ("no", "false", "0", "off"):
                return False
            raise self._invalid(f"请选择{self.label}")
        if kind in ("int", "id"):
            # True is not 1 and 2.5 is not 2: only whole numbers, as numbers or digits.
            if isinstance(raw, bool) or (isinstance(raw, float) and not raw.is_integer()):
                raise self._invalid(self._range_text())
            try:
                value = int(raw.strip() if isinstance(raw, str) else raw)
            except (TypeError, ValueError):
                raise self._invalid(self._range_text()) from None
            low = 1 if kind == "id" else self.low
            high = MAX_INT if kind == "id" else self.high
            if (low is not None and value < low) or (high is not None and value > high):
                raise self._invalid(self._range_text())
            return value
        if kind == "decimal":
            if isinstance(raw, bool):
                raise self._invalid(f"{self.label}必须是数字")
            try:
                value = Decimal(str(raw).strip())
                if not value.is_finite():
                    raise InvalidOperation
                value = value.quantize(Decimal("0.01"))
            except InvalidOperation:
                raise self._invalid(f"{self.label}必须是数字") from None
            # The bounds the API schema advertises (ge=low, lt=high), held for forms too: a negative or
            # 20-digit amount is an input error, not a value for the database column to overflow on.
            if (self.low is not None and value < self.low) or (self.high is not None and value >= self.high):
                raise self._invalid(f"{self.label}超出允许范围")
            return value
        if kind == "choice":
            if not isinstance(raw, str) or raw not in self.choices.values:
                allowed = "、".join(str(c.label) for c in self.choices)
                raise self._invalid(f"请选择{self.label}：{allowed}")
            return raw
        if kind == "list":
            items = raw if isinstance(raw, list | tuple) else [] if raw is None else [raw]
            values = [str(i).strip() for i in items if str(i).strip()]
            for v in values:
                check_safe_text(v, self.label, field=self.name)
            return values
        raise ValueError(f"unknown input kind {kind}")

    def _range_text(self) -> str:
        if self.low is not None and self.high is not None:
            return f"{self.label}须为 {self.low} 到 {self.high} 之间的整数"
        return f"{self.label}必须是整数"


def schema_model(name: str, inputs):
    """A pydantic model of every input (all optional: which are required depends on the action), for the
    API's body parsing and its OpenAPI schema. Types and ranges come from the same `Input`s the services
    clean with, so the API, the pages and the services cannot drift apart."""
    from typing import Literal

    from pydantic import Field, create_model

    fields = {}
    for i in inputs:
        if i.name in fields:
            continue
        if i.kind == "text":
            annotation, extra = str, {}
        elif i.kind in ("int", "id"):
            low, high = (1, MAX_INT) if i.kind == "id" else (i.low, i.high)
            annotation, extra = int, {"ge": low, "le": high}
        elif i.kind == "bool":
            annotation, extra = bool, {}
        elif i.kind == "decimal":
            annotation, extra = Decimal, {"ge": i.low, "lt": i.high}
        elif i.kind == "choice":
            annotation, extra = Literal[tuple(i.choices.values)], {}
        else:
            annotation, extra = list[str], {}
        extra = {k: v for k, v in extra.items() if v is not None}
        fields[i.name] = (annotation | None, Field(None, description=str(i.label), **extra))
    return create_model(name, **fields)
