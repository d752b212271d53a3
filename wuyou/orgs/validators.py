"""Validation of identifiers that come from outside: credit codes and phone numbers."""

import phonenumbers
from django.core.exceptions import ValidationError
from stdnum.cn import uscc as stdnum_uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength


def clean_uscc(value: str) -> str:
    """Return the normalised 统一社会信用代码 or raise ValidationError naming the problem."""
    raw = (value or "").strip().upper()
    if not raw:
        raise ValidationError("统一社会信用代码不能为空", code="uscc_empty")
    try:
        return stdnum_uscc.validate(raw)
    except InvalidLength:
        raise ValidationError(
            f"统一社会信用代码应为18位，实际为{len(stdnum_uscc.compact(raw))}位", code="uscc_length"
        ) from None
    except InvalidChecksum:
        expected = stdnum_uscc.calc_check_digit(raw[:17])
        raise ValidationError(
            f"统一社会信用代码校验位错误：第18位应为 {expected}，实际为 {raw[17]}", code="uscc_checksum"
        ) from None
    except (InvalidFormat, InvalidComponent):
        raise ValidationError(
            "统一社会信用代码含有无效字符（只允许数字和不含I、O、Z、S、V的大写字母）", code="uscc_format"
        ) from None


def clean_phone(value: str) -> str:
    """Return a mainland number in national form (mobile or landline with area code)."""
    raw = (value or "").strip()
    if not raw:
        raise ValidationError("联系电话不能为空", code="phone_empty")
    try:
        number = phonenumbers.parse(raw, "CN")
    except phonenumbers.NumberParseException:
        raise ValidationError(f"联系电话格式不正确：{raw}", code="phone_invalid") from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(f"联系电话不是有效号码：{raw}", code="phone_invalid")
    if number.country_code == 86:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL).replace(" ", "")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def mask_phone(value: str) -> str:
    """138****1234 — lists never show a whole phone number."""
    digits = (value or "").replace(" ", "")
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[:3]}****{digits[-4:]}"
