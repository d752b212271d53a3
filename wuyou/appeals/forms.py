from django import forms

from wuyou.core.formfields import SafeTextForm

from .models import Category, Channel, Urgency


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class AppealForm(SafeTextForm):
    enterprise = forms.CharField(label="企业统一社会信用代码", max_length=18, required=False)
    channel = forms.ChoiceField(label="受理渠道", choices=Channel.choices, required=False)
    category = forms.ChoiceField(label="诉求类别", choices=Category.choices, initial=Category.HELP)
    urgency = forms.ChoiceField(label="紧急程度", choices=Urgency.choices, initial=Urgency.NORMAL)
    title = forms.CharField(
        label="标题", max_length=120, widget=forms.TextInput(attrs={"placeholder": "一句话说明问题"})
    )
    content = forms.CharField(
        label="诉求内容",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6, "placeholder": "请说明时间、地点、问题和希望的解决方式"}),
    )
    location = forms.CharField(label="地点（可选）", max_length=200, required=False)
    contact_name = forms.CharField(label="联系人", max_length=50)
    contact_phone = forms.CharField(
        label="联系电话", max_length=20, widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"})
    )
    files = MultipleFileField(
        label="附件（可选，PDF/图片/Word/Excel，单个不超过 10MB）", required=False, widget=MultipleFileInput()
    )

    def __init__(self, *args, staff: bool = False, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        if not staff:
            del self.fields["enterprise"]
            del self.fields["channel"]
        else:
            self.fields["enterprise"].required = True
