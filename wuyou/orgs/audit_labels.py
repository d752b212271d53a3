"""How the audit page names administrative writes and their fields for the people who read it
(inspectors, the center): in Chinese, never as codes or model reprs."""

from django.apps import apps

ACTIONS = {
    "timelimit.update": "修改办理时限",
    "weights.update": "修改三率权重",
    "calendar.edit": "修改工作日历",
    "calendar.import": "导入工作日历",
    "department.update": "修改部门信息",
    "enterprise.create": "新增企业",
    "enterprise.update": "修改企业信息",
    "enterprise.import": "导入企业名录",
    "user.role": "修改用户角色",
    "user.permissions": "修改用户权限",
    "nl_version.create": "新建负面清单版本",
    "nl_version.publish": "发布负面清单版本",
    "nl_version.delete": "删除负面清单草稿",
    "open311_key.create": "签发 Open311 密钥",
    "open311_key.regenerate": "重新生成 Open311 密钥",
    "open311_key.enable": "启用 Open311 密钥",
    "open311_key.disable": "停用 Open311 密钥",
    "dispatch_model.activate": "启用分拨模型版本",
    "dispatch_model.rollback": "回滚分拨模型",
    "auto_dispatch_rule.update": "修改自动交办规则",
    "retaliation_alert.review": "核查打击报复预警",
    "nl_report.identity_revealed": "查看举报人身份",
    # Authentication events (orgs.auth_events; the 登录认证 category of the audit page).
    "auth.login_ok": "登录成功",
    "auth.login_failed": "登录失败",
    "auth.login_throttled": "登录被限速",
    "auth.account_locked": "账号被锁定",
    "auth.logout": "退出登录",
    "auth.session_expired": "会话超时退出",
    "auth.token_issued": "签发接口令牌",
    "auth.token_revoked": "吊销接口令牌",
    "auth.tokens_revoked": "吊销全部令牌",
    "auth.password_changed": "修改密码",
    "auth.password_reset": "管理员重置密码",
    "auth.role_changed": "变更用户角色",
    "auth.user_deactivated": "停用账号",
    "auth.user_reactivated": "重新启用账号",
    "auth.twofactor_enabled": "开启两步验证",
    "auth.twofactor_disabled": "关闭两步验证",
    "auth.twofactor_failed": "两步验证失败",
    "auth.recovery_codes_regenerated": "重新生成恢复码",
    "auth.recovery_code_used": "使用恢复码",
    # The reveal itself is nl_report.identity_revealed (subject: the report); this one is the
    # investigator's side of it (subject: the account), listed with the other authentication events.
    "auth.identity_revealed": "调阅举报人身份",
    # Enterprise self-service accounts (issue 10).
    "auth.registered": "企业自助注册",
    "auth.registration_approved": "批准企业注册",
    "auth.registration_rejected": "驳回企业注册",
    "auth.password_reset_sms": "短信验证重置密码",
    "auth.sms_code_exhausted": "短信验证码错误次数超限",
    "auth.user_added": "企业管理员添加用户",
    "auth.user_removed": "企业管理员停用用户",
}
# Categories of the audit page's 类别 filter: query value → (label, action prefix).
CATEGORIES = {"auth": ("登录认证", "auth.")}
# Keys of `before`/`after` that are no model field (authentication events record where from).
KEYS = {"ip": "来源地址", "user_agent": "客户端"}
VERBS = {"create": "新增", "update": "修改", "delete": "删除", "permissions": "修改权限"}
VALUES = {True: "是", False: "否", None: "空"}


def action_label(action: str, subject_type: str = "") -> str:
    if action in ACTIONS:
        return ACTIONS[action]
    verb = action.rsplit(".", 1)[-1]
    model = _model(subject_type)
    if verb in VERBS and model is not None:
        return f"{VERBS[verb]}{model._meta.verbose_name}"
    return action


def _model(subject_type: str):
    try:
        return apps.get_model(subject_type) if "." in subject_type else None
    except LookupError:
        return None


def _field(model, key: str) -> str:
    if model is not None:
        try:
            return str(model._meta.get_field(key).verbose_name)
        except Exception:  # a key that is not a field (a count, a list of versions)
            pass
    return KEYS.get(key, key)


def _value(v) -> str:
    if isinstance(v, bool) or v is None:
        return VALUES[v]
    if isinstance(v, list):
        return "、".join(str(x) for x in v) or "无"
    if isinstance(v, dict):
        return "；".join(f"{k}：{_value(x)}" for k, x in v.items())
    return str(v)


def describe(values: dict, subject_type: str) -> str:
    """{"threshold": 0.9, "enabled": True} → "阈值：0.9；启用：是" in the subject model's own words."""
    model = _model(subject_type)
    return "；".join(f"{_field(model, k)}：{_value(v)}" for k, v in (values or {}).items())


def subject_label(record) -> str:
    model = _model(record.subject_type)
    label = record.subject_label
    if model is not None and (not label or label.endswith(f"object ({record.subject_id})")):
        return f"{model._meta.verbose_name} {record.subject_id}"
    return label or record.subject_type
