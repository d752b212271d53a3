"""Login in steps (password, then a TOTP or recovery code, or enrolment when two-factor is required),
the 「两步验证」 and 「修改密码」 pages of one's own account, and the 「验证身份」 page sensitive acts ask for.

Between the password step and the code step the user is not logged in: the session holds a
"half-login" (who, which backend, where to go next, since when, wrong codes so far) and nothing else.
"""

import time

from django import forms
from django.contrib import messages
from django.contrib.auth import authenticate, update_session_auth_hash
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from wuyou.accounts import passwords, recent, twofactor
from wuyou.core import throttle

from . import auth_events
from .models import User
from .second_factor import check_code, is_recovery_code

HALF_LOGIN_KEY = "wuyou_half_login"
HALF_LOGIN_SECONDS = 300
ENROL_SECRET_KEY = "wuyou_totp_pending"
INVALID_LOGIN = "用户名或密码错误，或账号已暂时锁定。"


class LoginForm(AuthenticationForm):
    """One message for a wrong password, an unknown user and a locked account (none reveals which);
    another when the login throttle (orgs.auth) holds this client back."""

    error_messages = {**AuthenticationForm.error_messages, "invalid_login": INVALID_LOGIN}

    def get_invalid_login_error(self):
        seconds = getattr(self.request, "login_throttled", None)
        if seconds:
            return ValidationError(
                f"尝试次数过多，请 {throttle.retry_after(seconds)} 秒后再试。", code="throttled"
            )
        return ValidationError(INVALID_LOGIN, code="invalid_login")


def _safe_next(request, url: str) -> str:
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""


def complete_login(request, user, next_url: str = "", method: str = "密码"):
    """The last step of every login: the session, the recent-authentication mark, the forced change,
    the audit event (here, not on user_logged_in: see apps.py)."""
    request.session.pop(HALF_LOGIN_KEY, None)
    auth_login(request, user, backend=getattr(user, "backend", None))
    recent.mark(request)
    auth_events.record("login_ok", user=user, request=request, note=f"网页登录（{method}）")
    if passwords.must_change(user):
        request.session[passwords.MUST_CHANGE_SESSION_KEY] = True
        return redirect("password_change")
    return redirect(next_url or "home")


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        next_url = _safe_next(self.request, self.get_redirect_url())
        if twofactor.enabled(user) or twofactor.required(user):
            self.request.session.cycle_key()
            self.request.session[HALF_LOGIN_KEY] = {
                "user": user.pk,
                "backend": user.backend,
                "next": next_url,
                "since": int(time.time()),
                "failures": 0,
            }
            return redirect("login_code" if twofactor.enabled(user) else "login_enroll")
        return complete_login(self.request, user, next_url)

    def form_invalid(self, form):
        # A wrong name or password (not an empty field, nor a client the throttle holds back: that is
        # orgs.auth's login_throttled event, and no password was checked).
        username = form.data.get("username", "")
        tried = username and form.data.get("password") and not getattr(self.request, "login_throttled", None)
        if tried and form.has_error("__all__", "invalid_login"):
            auth_events.record("login_failed", username=username, request=self.request, note="网页登录")
        return super().form_invalid(form)


def _half_login(request):
    """The user who passed the password step a moment ago, or None (then the session forgets them)."""
    state = request.session.get(HALF_LOGIN_KEY)
    if not isinstance(state, dict) or time.time() - state.get("since", 0) > HALF_LOGIN_SECONDS:
        request.session.pop(HALF_LOGIN_KEY, None)
        return None, None
    user = User.objects.filter(pk=state.get("user"), is_active=True).first()
    if user is None:
        request.session.pop(HALF_LOGIN_KEY, None)
        return None, None
    user.backend = state["backend"]
    return user, state


def _restart(request, message: str):
    request.session.pop(HALF_LOGIN_KEY, None)
    request.session.pop(ENROL_SECRET_KEY, None)
    messages.error(request, message)
    return redirect("login")


def _count_failure(request, state) -> bool:
    """Count a wrong code; True when that was the last try and the half-login is over."""
    state["failures"] = state.get("failures", 0) + 1
    request.session[HALF_LOGIN_KEY] = state
    return state["failures"] >= twofactor.MAX_FAILURES


class CodeForm(forms.Form):
    code = forms.CharField(label="验证码", max_length=20, strip=True)


@never_cache
@require_http_methods(["GET", "POST"])
def login_code(request):
    user, state = _half_login(request)
    if user is None or not twofactor.enabled(user):
        return _restart(request, "请重新登录。")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        if check_code(request, user, code, "登录"):
            method = "密码 + 恢复码" if is_recovery_code(code) else "密码 + 两步验证码"
            return complete_login(request, user, state.get("next", ""), method)
        if _count_failure(request, state):
            return _restart(request, "验证码错误次数过多，请重新登录。")
        form.add_error("code", "验证码不正确或已使用过。")
    return render(request, "registration/login_code.html", {"form": form})


def _pending_secret(request) -> str:
    secret = request.session.get(ENROL_SECRET_KEY)
    if not secret:
        secret = request.session[ENROL_SECRET_KEY] = twofactor.new_secret()
    return secret


def _enrol_context(user, secret: str, form) -> dict:
    return {"form": form, "secret": secret, "qr": twofactor.qr_svg(user, secret)}


@never_cache
@require_http_methods(["GET", "POST"])
def login_enroll(request):
    """Required but not enrolled: enrol now, as part of the login."""
    user, state = _half_login(request)
    if user is None or twofactor.enabled(user):
        return _restart(request, "请重新登录。")
    secret = _pending_secret(request)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = twofactor.enroll(user, secret, form.cleaned_data["code"])
        if codes is not None:
            request.session.pop(ENROL_SECRET_KEY, None)
            next_url = state.get("next", "")
            response = complete_login(request, user, next_url, "密码 + 新设两步验证")
            auth_events.record("twofactor_enabled", user=user, request=request, note="登录时设置")
            return render(
                request,
                "registration/recovery_codes.html",
                {"codes": codes, "continue_url": response["Location"]},
            )
        if _count_failure(request, state):
            return _restart(request, "验证码错误次数过多，请重新登录。")
        form.add_error("code", "验证码不正确，请核对手机时间后重试。")
    return render(
        request, "registration/login_enroll.html", {**_enrol_context(user, secret, form), "required": True}
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor(request):
    """The user's own 「两步验证」 page: enrol, new recovery codes, or turn it off (if not required)."""
    user = request.user
    is_on, is_required = twofactor.enabled(user), twofactor.required(user)
    action = request.POST.get("action", "")
    form = CodeForm(request.POST or None)
    if not is_on:
        secret = _pending_secret(request)
        if request.method == "POST" and form.is_valid():
            codes = twofactor.enroll(user, secret, form.cleaned_data["code"])
            if codes is not None:
                request.session.pop(ENROL_SECRET_KEY, None)
                recent.mark(request)
                auth_events.record("twofactor_enabled", user=user, request=request)
                return render(
                    request, "registration/recovery_codes.html", {"codes": codes, "continue_url": ""}
                )
            form.add_error("code", "验证码不正确，请核对手机时间后重试。")
        return render(
            request,
            "registration/login_enroll.html",
            {**_enrol_context(user, secret, form), "required": False},
        )
    if request.method == "POST" and form.is_valid():
        if not check_code(request, user, form.cleaned_data["code"], "两步验证设置"):
            form.add_error("code", "验证码不正确或已使用过。")
        elif action == "recovery":
            codes = twofactor.issue_recovery_codes(user)
            auth_events.record("recovery_codes_regenerated", user=user, request=request)
            return render(request, "registration/recovery_codes.html", {"codes": codes, "continue_url": ""})
        elif action == "disable" and not is_required:
            twofactor.disable(user)
            auth_events.record("twofactor_disabled", user=user, request=request)
            messages.success(request, "已关闭两步验证。")
            return redirect("two_factor")
        else:
            form.add_error(None, "当前角色必须使用两步验证，不能关闭。")
    return render(
        request,
        "registration/two_factor.html",
        {"form": form, "required": is_required, "remaining": twofactor.remaining_recovery_codes(user)},
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def password_change(request):
    forced = bool(request.session.get(passwords.MUST_CHANGE_SESSION_KEY))
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        passwords.changed_by_self(user)
        update_session_auth_hash(request, user)
        request.session.pop(passwords.MUST_CHANGE_SESSION_KEY, None)
        recent.mark(request)
        auth_events.record("password_changed", user=user, request=request, note="强制修改" if forced else "")
        messages.success(request, "密码已修改。")
        return redirect("home")
    return render(request, "registration/password_change.html", {"form": form, "forced": forced})


class VerifyForm(forms.Form):
    password = forms.CharField(label="密码", widget=forms.PasswordInput, strip=False)
    code = forms.CharField(label="两步验证码", max_length=20, required=False)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def verify_identity(request):
    """「验证身份」: the password again (and a code with two-factor on) before a sensitive act."""
    user = request.user
    needs_code = twofactor.enabled(user)
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next", ""))
    form = VerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # authenticate: a wrong password counts as a login failure (lockout and throttle, orgs.auth).
        ok = authenticate(request, username=user.get_username(), password=form.cleaned_data["password"])
        if ok is None or ok.pk != user.pk:
            seconds = getattr(request, "login_throttled", None)
            if not seconds:
                auth_events.record("login_failed", user=user, request=request, note="验证身份")
            form.add_error(
                None,
                f"尝试次数过多，请 {throttle.retry_after(seconds)} 秒后再试。" if seconds else "密码不正确。",
            )
        elif needs_code and not check_code(request, user, form.cleaned_data["code"], "验证身份"):
            form.add_error("code", "验证码不正确或已使用过。")
        else:
            recent.mark(request)
            return redirect(next_url or "home")
    return render(
        request,
        "registration/verify_identity.html",
        {"form": form, "needs_code": needs_code, "next": next_url},
    )


def admin_login(request):
    """The admin's login form, replaced: it knows no second factor, lockout page or audit event, so
    everyone signs in through ours. A user already signed in but not admitted to the admin is refused
    here: sending them to our login would send them straight back (a redirect loop)."""
    if request.user.is_authenticated:
        raise PermissionDenied("无权进入管理后台")
    query = request.META.get("QUERY_STRING", "")
    return redirect(reverse("login") + (f"?{query}" if query else ""))
