from django import forms
from django.utils import timezone

from wuyou.core.formfields import SafeTextForm
from wuyou.workdays.rules import FIRST_YEAR, LAST_YEAR

KIND_CHOICES = [("holiday", "休息"), ("workday", "上班")]


class DayForm(SafeTextForm):
    date = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label="类型", choices=KIND_CHOICES)
    name = forms.CharField(label="名称", max_length=50, required=False, help_text="如：国庆节、调休上班")

    def clean_date(self):
        value = self.cleaned_data["date"]
        if not FIRST_YEAR <= value.year <= LAST_YEAR:
            raise forms.ValidationError(f"日期须在 {FIRST_YEAR} 至 {LAST_YEAR} 年之间")
        return value


class ImportForm(SafeTextForm):
    year = forms.IntegerField(label="年份", min_value=FIRST_YEAR, max_value=LAST_YEAR)
    text = forms.CharField(
        label="粘贴内容",
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 12, "placeholder": "2027-01-01,休息,元旦\n2027-02-07,上班,调休上班"}
        ),
    )
    file = forms.FileField(label="或上传 CSV / Excel（.xlsx）文件", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year + 1

    def clean(self):
        data = super().clean()
        if not (data.get("text") or "").strip() and not data.get("file"):
            raise forms.ValidationError("请粘贴内容或上传文件")
        return data
