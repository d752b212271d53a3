"""Form fields and a form base for the pages: the same refusals as core.inputs, as form errors in Chinese.

Django's CharField already refuses NUL; the other control characters and lone surrogates passed into the
database, and a CR/LF in a one-line field (a title) went on into mail headers. DecimalField is replaced by
FiniteDecimalField so NaN and infinity are a form error in every form, whatever Django version."""

from django import forms
from django.core.exceptions import ValidationError

from .inputs import UNSAFE_TEXT

LINE_BREAK = ("\r", "\n", "\u2028", "\u2029", "\x85")


def validate_text(value: str) -> None:
    if value and UNSAFE_TEXT.search(value):
        raise ValidationError("含有无法识别的控制字符，请删除后重新填写", code="invalid_text")


def validate_one_line(value: str) -> None:
    validate_text(value)
    if value and any(c in value for c in LINE_BREAK):
        raise ValidationError("此项只能填写一行，不能包含换行", code="invalid_text")


class FiniteDecimalField(forms.DecimalField):
    """A decimal that is a number: "NaN", "Infinity" and "1e999999" are refused with a Chinese message."""

    default_error_messages = {"invalid": "请输入有效的数字"}

    def to_python(self, value):
        value = super().to_python(value)
        if value is not None and not value.is_finite():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return value


class SafeTextForm(forms.Form):
    """Base of every page form: each text field refuses control characters and lone surrogates; a field
    whose widget is not a Textarea is one line and refuses line breaks too."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField):
                multi = isinstance(field.widget, forms.Textarea)
                field.validators.append(validate_text if multi else validate_one_line)
