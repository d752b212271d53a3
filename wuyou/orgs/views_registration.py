"""Pages of enterprise self-service accounts (issue 10), built for a phone: 「企业注册」 (credit code and
phone → SMS code → user name and password), 「忘记密码」 (user name or phone → SMS code → new password),
「企业用户」 (the enterprise administrator's own users) and the center's 「注册审核」.

The steps keep what they carry in the session (never a URL); the services are in orgs.registration."""

import time

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from wuyou.core.errors import DomainError
from wuyou.core.formfields import SafeTextForm
from wuyou.core.paging import object_id

from . import access, registration
from .access import role_required
from .models import Registration
from .registration import FieldError
from .validators import mask_phone

REG_KEY = "wuyou_registration"
RESET_KEY = "wuyou_reset"
STEP_SECONDS = 15 * 60  # a half-finished registration or reset is forgotten after this long
PASSWORD_HELP = gettext_lazy(
    "至少 12 个字符，包含小写字母、大写字母、数字、符号中的至少 3 类，不能与最近 5 次用过的密码相同。"
)


TEL = {"type": "tel", "inputmode": "tel", "autocomplete": "tel"}
CODE = {"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": "20"}


def _password_field(label):
    return forms.CharField(
        label=label, max_length=128, strip=False, widget=forms.PasswordInput({"autocomplete": "new-password"})
    )


class RegisterForm(SafeTextForm):
    uscc = forms.CharField(
        label=gettext_lazy("统一社会信用代码"),
        max_length=40,
        help_text=gettext_lazy("18 位，见营业执照；可带空格"),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}),
    )
    phone = forms.CharField(label=gettext_lazy("手机号"), max_length=30, widget=forms.TextInput(TEL))
    name = forms.CharField(
        label=gettext_lazy("您的姓名"), max_length=30, widget=forms.TextInput({"autocomplete": "name"})
    )


class PasswordPairForm(SafeTextForm):
    code = forms.CharField(label=gettext_lazy("短信验证码"), max_length=20, widget=forms.TextInput(CODE))
    password1 = _password_field(gettext_lazy("密码"))
    password2 = _password_field(gettext_lazy("再次输入密码"))

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", _("两次输入的密码不一致"))
        return data


class RegisterVerifyForm(PasswordPairForm):
    username = forms.CharField(
        label=gettext_lazy("用户名（登录用）"),
        max_length=30,
        widget=forms.TextInput({"autocomplete": "username", "autocapitalize": "none"}),
    )
    field_order = ["code", "username", "password1", "password2"]


class ResetForm(SafeTextForm):
    identifier = forms.CharField(
        label=gettext_lazy("用户名或手机号"),
        max_length=150,
        help_text=gettext_lazy("一个手机号绑定了多个账号时，请填写用户名"),
        widget=forms.TextInput({"autocomplete": "username", "autocapitalize": "none"}),
    )


class ResetVerifyForm(PasswordPairForm):
    identifier = forms.CharField(
        label=gettext_lazy("用户名或手机号"),
        max_length=150,
        widget=forms.TextInput({"autocomplete": "username", "autocapitalize": "none"}),
    )
    field_order = ["identifier", "code", "password1", "password2"]


class AddUserForm(SafeTextForm):
    name = forms.CharField(label=gettext_lazy("姓名"), max_length=30)
    phone = forms.CharField(label=gettext_lazy("手机号"), max_length=30, widget=forms.TextInput(TEL))
    username = forms.CharField(
        label=gettext_lazy("用户名（不填则用手机号）"),
        max_length=30,
        required=False,
        widget=forms.TextInput({"autocapitalize": "none", "autocomplete": "off"}),
    )


def _place(form, exc: DomainError) -> None:
    field = getattr(exc, "field", None)
    form.add_error(field if field in form.fields else None, exc.message)


def _state(request, key: str) -> dict | None:
    state = request.session.get(key)
    if not isinstance(state, dict) or time.time() - state.get("since", 0) > STEP_SECONDS:
        request.session.pop(key, None)
        return None
    return state


def _signed_out_only(request):
    return redirect("home") if request.user.is_authenticated else None


# ---------------------------------------------------------------- registration


@never_cache
@require_http_methods(["GET", "POST"])
def register(request):
    if (away := _signed_out_only(request)) is not None:
        return away
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            started = registration.registration_start(
                uscc=d["uscc"], phone=d["phone"], name=d["name"], request=request
            )
        except FieldError as exc:
            _place(form, exc)
        else:
            state = {**started["state"], "since": int(time.time()), "enterprise": started["enterprise"].name}
            if started["demo_code"]:
                state["demo_code"] = started["demo_code"]  # demo mode only: shown on the next page
            request.session.cycle_key()
            request.session[REG_KEY] = state
            return redirect("register_verify")
    return render(request, "registration/register.html", {"form": form})


@never_cache
@require_http_methods(["GET", "POST"])
def register_verify(request):
    if (away := _signed_out_only(request)) is not None:
        return away
    state = _state(request, REG_KEY)
    if state is None:
        messages.error(request, _("请先填写统一社会信用代码和手机号获取验证码。"))
        return redirect("register")
    form = RegisterVerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            reg = registration.registration_complete(
                state=state, code=d["code"], username=d["username"], password=d["password1"], request=request
            )
        except FieldError as exc:
            _place(form, exc)
        else:
            request.session.pop(REG_KEY, None)
            return render(request, "registration/register_done.html", {"reg": reg})
    ctx = {"form": form, "state": state, "phone": mask_phone(state.get("phone", "")), "help": PASSWORD_HELP}
    return render(request, "registration/register_verify.html", ctx)


# ---------------------------------------------------------------- password reset


@never_cache
@require_http_methods(["GET", "POST"])
def sms_reset(request):
    if (away := _signed_out_only(request)) is not None:
        return away
    form = ResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            started = registration.reset_start(identifier=form.cleaned_data["identifier"], request=request)
        except FieldError as exc:
            _place(form, exc)
        else:
            state = {"identifier": started["identifier"], "since": int(time.time())}
            if started["demo_code"]:
                state["demo_code"] = started["demo_code"]
            request.session[RESET_KEY] = state
            messages.info(request, registration.RESET_SENT)
            return redirect("sms_reset_verify")
    return render(request, "registration/reset.html", {"form": form})


@never_cache
@require_http_methods(["GET", "POST"])
def sms_reset_verify(request):
    """Also the page an invitation SMS links to: a fresh browser has no state, so the name is typed."""
    if (away := _signed_out_only(request)) is not None:
        return away
    state = _state(request, RESET_KEY) or {}
    form = ResetVerifyForm(request.POST or None, initial={"identifier": state.get("identifier", "")})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            registration.reset_complete(
                identifier=d["identifier"], code=d["code"], password=d["password1"], request=request
            )
        except FieldError as exc:
            _place(form, exc)
        else:
            request.session.pop(RESET_KEY, None)
            messages.success(request, _("密码已设置，请用新密码登录。"))
            return redirect("login")
    ctx = {"form": form, "demo_code": state.get("demo_code", ""), "help": PASSWORD_HELP}
    return render(request, "registration/reset_verify.html", ctx)


# ---------------------------------------------------------------- the enterprise's own users


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def enterprise_users(request):
    """The enterprise administrator's page: the users of their own enterprise, add one, deactivate one."""
    if not registration.manages_enterprise(request.user):
        raise PermissionDenied(_("只有企业管理员可以管理本企业的用户"))
    form = AddUserForm(request.POST if request.POST.get("action") == "add" else None)
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "add" and form.is_valid():
            d = form.cleaned_data
            try:
                user, demo_code = registration.user_add(
                    by=request.user,
                    name=d["name"],
                    phone=d["phone"],
                    username=d["username"],
                    request=request,
                    activate_url=request.build_absolute_uri(reverse("sms_reset_verify")),
                )
            except FieldError as exc:
                _place(form, exc)
            else:
                text = _("已添加 %(name)s（用户名 %(username)s），邀请短信已发送到 %(phone)s。") % {
                    "name": user.first_name,
                    "username": user.username,
                    "phone": mask_phone(user.phone),
                }
                if demo_code:
                    text += _("演示模式：短信未真正发出，验证码 %(code)s。") % {"code": demo_code}
                messages.success(request, text)
                return redirect("enterprise_users")
        elif action == "remove":
            try:
                user = registration.user_remove(
                    by=request.user, user_id=object_id(request.POST.get("user")), request=request
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(
                    request, _("已停用 %(name)s 的账号。") % {"name": user.get_full_name() or user.username}
                )
            return redirect("enterprise_users")
        elif action != "add":
            messages.error(request, _("未知操作"))
            return redirect("enterprise_users")
    users = [
        {"user": u, "phone": mask_phone(u.phone), "is_self": u.pk == request.user.pk}
        for u in registration.enterprise_users(request.user)
    ]
    return render(
        request,
        "registration/enterprise_users.html",
        {"form": form, "users": users, "enterprise": request.user.enterprise},
    )


# ---------------------------------------------------------------- the center


@role_required(access.CENTER)
@never_cache
@require_http_methods(["GET", "POST"])
def registrations(request):
    """The center's 「注册审核」: registrations whose phone is not the register's, or whose enterprise
    has no phone in the register, wait here."""
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            reg = registration.registration_decide(
                registration_id=object_id(request.POST.get("registration")),
                action=action if action in ("approve", "reject") else "unknown",
                by=request.user,
                data={k: request.POST.get(k) for k in ("reason", "expected_status")},
                request=request,
                login_url=request.build_absolute_uri(reverse("login")),
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            verb = _("已批准") if reg.status == Registration.Status.APPROVED else _("已驳回")
            messages.success(
                request,
                _("%(verb)s %(enterprise)s 的注册申请。") % {"verb": verb, "enterprise": reg.enterprise.name},
            )
        return redirect("enterprise_registrations")
    rows = [
        {
            "reg": r,
            "phone": r.phone,  # the center calls the registrant: the whole number
            "register_phone": r.enterprise.contact_phone,
        }
        for r in registration.pending_registrations()[:200]
    ]
    return render(request, "registration/registrations.html", {"rows": rows})
