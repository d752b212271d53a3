"""Reporter identity at rest: Fernet ciphertext (key from WUYOU_REPORT_KEY) plus keyed lookup tags.

Tags are HMAC-SHA256 of an id under a key derived from the *last* configured key, so "my reports" and the
retaliation watch can find rows without storing who reported in clear. Rotation: put the new key first,
keep the old ones after it, run `manage.py nl_reencrypt`, then drop the old keys.
"""

import hashlib
import hmac
import json
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _keys() -> list[str]:
    keys = [k.strip() for k in settings.WUYOU_REPORT_KEY.split(",") if k.strip()]
    if not keys:
        raise ImproperlyConfigured("WUYOU_REPORT_KEY is empty")
    return keys


@cache
def _fernet(raw: str) -> MultiFernet:
    return MultiFernet([Fernet(k.encode()) for k in _keys()])


def fernet() -> MultiFernet:
    return _fernet(settings.WUYOU_REPORT_KEY)


def _tag_key() -> bytes:
    # The oldest key names the tag space, so adding a new key (rotation) leaves the tags valid.
    return hashlib.sha256(b"wuyou-nl-tag:" + _keys()[-1].encode()).digest()


def tag(kind: str, value) -> str:
    if value in (None, ""):
        return ""
    return hmac.new(_tag_key(), f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def encrypt_identity(identity: dict) -> str:
    clean = {k: v for k, v in identity.items() if v not in (None, "")}
    if not clean:
        return ""
    return fernet().encrypt(json.dumps(clean, ensure_ascii=False).encode()).decode()


def decrypt_identity(token: str) -> dict:
    if not token:
        return {}
    try:
        return json.loads(fernet().decrypt(token.encode()))
    except InvalidToken:
        # A key was removed too early; say so to the investigator instead of failing the page.
        return {"error": "无法解密（密钥不匹配）"}


def reencrypt(token: str) -> str:
    return fernet().rotate(token.encode()).decode() if token else ""
