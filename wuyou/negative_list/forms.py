from django import forms

from wuyou.core.formfields import SafeTextForm
from wuyou.orgs.models import Department


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)] if data else []


class ReportForm(SafeTextForm):
    items = forms.CharField(
        label="涉及的清单条目编码",
        help_text="如 C1-02，多条用逗号分隔；可在清单页面点「我要举报」自动带入",
        max_length=200,
    )
    department = forms.ChoiceField(label="被举报单位")
    official = forms.CharField(label="涉及人员姓名或岗位（可选）", required=False, max_length=100)
    occurred_on = forms.DateField(label="发生日期", widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label="发生地点（可选）", required=False, max_length=200)
    description = forms.CharField(label="事情经过", widget=forms.Textarea, max_length=5000, min_length=10)
    reporter_name = forms.CharField(
        label="您的称呼（可选，仅协调中心办案人员可见）", required=False, max_length=50
    )
    reporter_phone = forms.CharField(
        label="回访电话（可选，加密保存，仅协调中心办案人员可见）",
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel"}),
    )
    files = MultipleFileField(label="证据材料（可选，PDF、图片、Word、Excel）", required=False)
    # A signed-in enterprise chooses (issue 10): by name, or 「匿名举报」 filed without the account link.
    reporting_as = forms.ChoiceField(
        label="举报方式",
        choices=[("named", "实名举报"), ("anonymous", "匿名举报")],
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        depts = Department.objects.filter(is_active=True).exclude(code__in=["ybhj", "jw"]).order_by("name")
        self.fields["department"].choices = [("", "请选择")] + [(d.code, d.name) for d in depts]

    def item_codes(self) -> list[str]:
        raw = self.cleaned_data["items"].replace("，", ",").replace("、", ",").replace(" ", ",")
        return [c.strip().upper() for c in raw.split(",") if c.strip()]


class TrackForm(SafeTextForm):
    tracking_code = forms.CharField(label="查询码", max_length=16)
    secret = forms.CharField(label="查询密码", max_length=40, widget=forms.PasswordInput(render_value=True))


class ImportForm(SafeTextForm):
    name = forms.CharField(label="清单名称", max_length=200)
    version = forms.CharField(label="版本号", max_length=30)
    issuer = forms.CharField(label="发布机关", max_length=200)
    effective_on = forms.DateField(
        label="施行日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    file = forms.FileField(label="Excel 文件（.xlsx）")
