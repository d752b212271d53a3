"""Pages for issue 10's desk pieces: the enterprise's answer to a pause (补充材料) and the department's
reply, both with files; withdraw with confirmation and a reason; internal notes; reply templates (常用语).

Thin, like views.py: visibility from selectors, every write through services.perform or the notes and
replies services. A refused form keeps what the user typed (the form state rides in the session for
one redirect) and shows the error beside its field."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from wuyou.core.errors import DomainError, InvalidInput
from wuyou.core.files import ALLOWED, MAX_FILES
from wuyou.orgs import access
from wuyou.orgs.access import role_required

from . import notes, replies, selectors, services
from .models import Action, AttachmentKind, Status
from .transitions import FILE_INPUTS, FLOW

FORM_STATE = "appeals_form_state"
FILE_ACCEPT = ",".join(sorted(ALLOWED))


# ---------------------------------------------------------------- what the appeal page adds


def desk_context(request, appeal, ctx: dict) -> dict:
    """Context the appeal page (views.appeal_detail) adds for these pieces; `ctx` is what it has built."""
    user = request.user
    files = list(appeal.attachments.order_by("id"))
    by_id = {f.pk: f for f in files}
    events = list(ctx["events"])

    def files_of(event):
        ids = event.data.get("attachments") if isinstance(event.data, dict) else None
        return [by_id[i] for i in ids if i in by_id] if isinstance(ids, list) else []

    last_reply = next((e for e in reversed(events) if e.action == Action.REPLY), None)
    out = {
        # The appeal's own material only: supplied files sit on their step, reply files under the reply.
        "attachments": [f for f in files if f.kind == AttachmentKind.APPEAL],
        "timeline": [(e, files_of(e)) for e in events],
        "reply_attachments": files_of(last_reply) if last_reply else [],
        "file_actions": list(FILE_INPUTS),
        "file_accept": FILE_ACCEPT,
        "max_files": MAX_FILES,
        "max_bytes": settings.ATTACHMENT_MAX_BYTES,
        "max_mb": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024),
    }
    if appeal.status == Status.PAUSED:
        out["pause_request"] = next((e for e in reversed(events) if e.action == Action.PAUSE), None)
    if notes.may_see_notes(user, appeal):
        out["can_note"] = True
        out["notes"] = list(notes.notes_for(user, appeal))
    if Action.REPLY in ctx.get("actions", ()):
        out["reply_templates"] = list(replies.templates_for(user))
    out.update(_pop_form_state(request, appeal.pk))
    return out


def _error_field(exc: DomainError, names) -> str:
    """The input an error is about, from its code (`content_required`, `invalid_cost`, `attachment_size`)."""
    code = exc.code or ""
    if code.startswith("attachment"):
        return "files"
    for name, own_code in names:
        if (own_code and code == own_code) or code == f"invalid_{name}" or code.startswith(f"{name}_"):
            return name
    return ""


def _keep_form_state(request, pk: int, form: str, data: dict, exc: DomainError, names) -> str:
    """Keep what was typed and the error for the next page view; the field the error belongs to, or ''."""
    field = _error_field(exc, names) if exc.status == 400 else ""
    request.session[FORM_STATE] = {
        "appeal": pk,
        "form": form,
        "data": {k: v for k, v in data.items() if isinstance(v, str)},
        "error": exc.message,
        "field": field,
    }
    return field


def _pop_form_state(request, pk: int) -> dict:
    state = request.session.get(FORM_STATE)
    if not state or state.get("appeal") != pk:
        return {}
    del request.session[FORM_STATE]
    return {
        "kept_form": state["form"],
        "kept": state["data"],
        "kept_error": state["error"],
        "kept_field": state["field"],
    }


def _detail(pk: int, anchor: str = ""):
    return redirect(reverse("appeal_detail", args=[pk]) + (f"#{anchor}" if anchor else ""))


# ---------------------------------------------------------------- actions with files


@require_POST
@login_required
def appeal_act_files(request, pk, action):
    """The supply and reply forms (multipart): the table's inputs and the uploaded files in one step."""
    if action not in FILE_INPUTS:
        raise Http404("未知操作")
    rule = FLOW.rule(action)
    data = {i.name: request.POST[i.name] for i in rule.inputs if i.name in request.POST}
    try:
        services.perform(
            action, appeal_id=pk, by=request.user, data=data, files=request.FILES.getlist("files")
        )
    except DomainError as exc:
        if exc.status == 404:
            raise Http404(exc.message) from None
        names = [(i.name, i.code) for i in rule.inputs]
        if not _keep_form_state(request, pk, action, data, exc, names):
            messages.error(request, exc.message)
        return _detail(pk, f"act-{action}")
    if action == Action.SUPPLY:
        messages.success(request, _("材料已提交，部门已收到通知，办理时限恢复计算。"))
    else:
        messages.success(request, _("已答复，企业将收到通知。"))
    if not selectors.visible_appeals(request.user).filter(pk=pk).exists():
        return redirect("home")
    return _detail(pk)


# ---------------------------------------------------------------- withdraw: confirm, with a reason


@require_http_methods(["GET", "POST"])
@login_required
def appeal_withdraw(request, pk):
    """A page of its own: what withdrawing means, a required reason, then the step (or the error beside
    the reason, with the text kept)."""
    appeal = get_object_or_404(selectors.visible_appeals(request.user).select_related("enterprise"), pk=pk)
    rule = FLOW.rule(Action.WITHDRAW)
    if not FLOW.may(appeal, rule, request.user):
        raise PermissionDenied(_("您无权撤回该诉求"))
    reason, error = "", ""
    if request.method == "POST":
        reason = request.POST.get("reason", "")
        data = {"reason": reason, "expected_status": request.POST.get("expected_status", "")}
        try:
            services.perform(Action.WITHDRAW, appeal_id=pk, by=request.user, data=data)
        except InvalidInput as exc:
            error = exc.message
        except DomainError as exc:
            if exc.status == 404:
                raise Http404(exc.message) from None
            messages.error(request, exc.message)
            return _detail(pk)
        else:
            messages.success(request, _("诉求已撤回。"))
            return _detail(pk)
    elif appeal.status not in rule.sources:
        messages.error(
            request,
            _("诉求当前状态为「%(status)s」，不能撤回") % {"status": appeal.get_status_display()},
        )
        return _detail(pk)
    return render(
        request, "appeals/withdraw_confirm.html", {"a": appeal, "reason": reason, "reason_error": error}
    )


# ---------------------------------------------------------------- internal notes


@require_POST
@login_required
def appeal_note_add(request, pk):
    text = request.POST.get("text", "")
    try:
        notes.note_add(appeal_id=pk, by=request.user, text=text)
    except DomainError as exc:
        if exc.status == 404:
            raise Http404(exc.message) from None
        if exc.status == 403:
            raise PermissionDenied(exc.message) from None
        _keep_form_state(request, pk, "note", {"text": text}, exc, [("text", "")])
        return _detail(pk, "notes")
    messages.success(request, _("已添加内部备注（企业不可见）。"))
    return _detail(pk, "notes")


# ---------------------------------------------------------------- reply templates (常用语)


def _template_id(value):
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) < 19 else None


@role_required(access.DEPT)
def reply_templates(request):
    """The department's 常用语: the list, a form to add one, and the same form to edit one (?edit=id)."""
    user = request.user
    own = replies.templates_for(user)
    editing = None
    edit_id = _template_id(request.POST.get("id") if request.method == "POST" else request.GET.get("edit"))
    if edit_id is not None:
        editing = own.filter(pk=edit_id).first()
        if editing is None:
            raise Http404(replies.NOT_FOUND)
    values = {"title": editing.title, "text": editing.text} if editing else {"title": "", "text": ""}
    errors, general = {}, ""
    if request.method == "POST":
        values = {"title": request.POST.get("title", ""), "text": request.POST.get("text", "")}
        try:
            if request.POST.get("op") == "delete" and editing is not None:
                replies.template_delete(by=user, template_id=editing.pk)
                messages.success(request, _("已删除常用语「%(title)s」") % {"title": editing.title})
            else:
                tpl = replies.template_save(by=user, template_id=editing.pk if editing else None, **values)
                messages.success(request, _("已保存常用语「%(title)s」") % {"title": tpl.title})
        except DomainError as exc:
            field = _error_field(exc, [("title", ""), ("text", "")])
            if field:
                errors[field] = exc.message
            else:
                general = exc.message
        else:
            return redirect("reply_templates")
    return render(
        request,
        "appeals/reply_templates.html",
        {
            "templates": own,
            "editing": editing,
            "values": values,
            "errors": errors,
            "general_error": general,
            "department": user.department,
        },
    )
