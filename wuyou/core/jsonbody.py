"""The one way a request body becomes JSON: size, depth and text checked before anything reads the values.

Python's json module recurses once per nesting level (a 50,000-deep array raised RecursionError, a 500),
accepts NaN and Infinity (not JSON), and decodes "\\ud800" escapes into lone surrogates that cannot be
encoded again (the token endpoint failed on one while hashing the user name). Every JSON body — the
NinjaAPI parser and the hand-written action bodies — goes through `loads`, so each of those answers 400
with a stable code instead."""

import json
import re
from itertools import accumulate

from django.conf import settings

from .errors import InvalidInput

DEFAULT_MAX_BYTES = 1024 * 1024
DEFAULT_MAX_DEPTH = 32

# A JSON string literal (escapes included); removed before counting brackets so "[[[" in a text does not count.
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
# What a decoded text may not contain: lone UTF-16 surrogates (cannot be encoded as UTF-8, so every later
# encode fails) and NUL (PostgreSQL refuses it in text and jsonb).
BAD_TEXT = re.compile("[\ud800-\udfff\x00]")
_BRACKETS = bytes.maketrans(b"[{]}", b"\x01\x01\x02\x02")
_NOT_BRACKETS = bytes(c for c in range(256) if c not in b"[{]}")
_STEP = {1: 1, 2: -1}


class BodyTooLarge(InvalidInput):
    status = 413
    code = "json_too_large"


def _limits() -> tuple[int, int]:
    return (
        int(getattr(settings, "JSON_MAX_BYTES", DEFAULT_MAX_BYTES)),
        int(getattr(settings, "JSON_MAX_DEPTH", DEFAULT_MAX_DEPTH)),
    )


def nesting_depth(raw: bytes) -> int:
    """The deepest bracket nesting outside string literals, counted without recursion."""
    if raw.count(b"[") + raw.count(b"{") <= 1:
        return raw.count(b"[") + raw.count(b"{")
    brackets = _STRING.sub(b"", raw).translate(_BRACKETS, _NOT_BRACKETS)
    # \x01 opens (+1), \x02 closes (-1); the running sum's peak is the depth (all in C, no recursion).
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0)


def _refuse_constant(name):
    raise ValueError(f"{name} is not JSON")


def _check_text(value) -> None:
    """Every string in the document, keys included, walked with a stack (the depth is bounded anyway)."""
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, str):
            if BAD_TEXT.search(v):
                raise InvalidInput("文本含有无法识别的字符（如 NUL 或不成对的代理字符）", code="invalid_text")
        elif isinstance(v, dict):
            stack.extend(v.keys())
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)


def loads(raw: bytes | str, *, max_bytes: int | None = None, max_depth: int | None = None):
    """Parse a request body as JSON or raise InvalidInput: json_too_large (413), json_too_deep,
    invalid_json (not UTF-8, not JSON, NaN/Infinity), invalid_text (a lone surrogate or NUL in a string)."""
    default_bytes, default_depth = _limits()
    max_bytes = default_bytes if max_bytes is None else max_bytes
    max_depth = default_depth if max_depth is None else max_depth
    if isinstance(raw, str):
        raw = raw.encode("utf-8", "surrogatepass")
    if len(raw) > max_bytes:
        raise BodyTooLarge(f"请求体不能超过 {max_bytes // 1024} KB")
    if nesting_depth(raw) > max_depth:
        raise InvalidInput(f"JSON 嵌套不能超过 {max_depth} 层", code="json_too_deep")
    try:
        text = raw.decode("utf-8")
        value = json.loads(text, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise InvalidInput("请求体不是有效的 JSON", code="invalid_json") from None
    _check_text(value)
    return value


def loads_object(raw: bytes | str) -> dict:
    """A body that must be a JSON object; an empty body is an empty object (actions like sign carry none)."""
    if not raw.strip():
        return {}
    value = loads(raw)
    if not isinstance(value, dict):
        raise InvalidInput("请求体必须是 JSON 对象", code="invalid_json")
    return value
