"""The demo's people: enterprises with valid credit codes, and the demo logins (one per role) with the
extra staff and cadres the year of appeals needs. Used by the loader and the demo_logins command."""

import random
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from stdnum.cn import uscc as stdnum_uscc

from wuyou.orgs.models import Department, District, Enterprise, Role, User
from wuyou.orgs.validators import clean_phone

from . import data

TZ = ZoneInfo("Asia/Shanghai")
PASSWORD = "wuyou-demo"
EMAIL_DOMAIN = "demo.wuyou.local"
USCC_LETTERS = "ABCDEFGHJKLMNPQRTUWXY"
ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # GB 11714 values: digits 0–9, letters 10–35
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

# The demo logins and what each is for (also printed by `demo_logins`).
# (username, role, department code, enterprise slot, Chinese name, what to try: Chinese, English)
DEMO_LOGINS = [
    (
        "admin",
        Role.ADMIN,
        None,
        None,
        "系统管理员",
        "后台管理、部门与日历维护",
        "Django admin, departments, calendar",
    ),
    (
        "security",
        Role.SECURITY_ADMIN,
        None,
        None,
        "安全管理员",
        "三权分立：管理用户、角色与权限（后台）",
        "Separation of duties: users, roles, permissions (admin)",
    ),
    (
        "auditor",
        Role.AUDIT_ADMIN,
        None,
        None,
        "审计管理员",
        "三权分立：只读审计日志",
        "Separation of duties: reads the audit trail only",
    ),
    (
        "center",
        Role.CENTER,
        "ybhj",
        None,
        "周敏",
        "受理、交办、督办、审批延期、合并",
        "Dispatch, supervise, approve extensions",
    ),
    ("team", Role.TEAM, None, None, "贺振华", "二级督办诉求（办不成事专班）", "Level-2 escalated appeals"),
    (
        "leader",
        Role.LEADER,
        None,
        None,
        "谭立新",
        "全市看板、三级督办",
        "City dashboard, level-3 supervision",
    ),
    (
        "inspector",
        Role.INSPECTOR,
        None,
        None,
        "龙湘君",
        "纪检监察：只读全量、审计链",
        "Read-only oversight, audit chain",
    ),
    (
        "dept-gdgs",
        Role.DEPT_HANDLER,
        "gdgs",
        None,
        "刘晓东",
        "供电公司经办：签收、答复、退回、延期",
        "Utility handler: sign, reply, return, extend",
    ),
    (
        "dept-gdgs-lead",
        Role.DEPT_LEADER,
        "gdgs",
        None,
        "罗国平",
        "供电公司负责人：督办提醒、催办",
        "Utility leader: escalation notices",
    ),
    (
        "dept-zrzyj",
        Role.DEPT_HANDLER,
        "zrzyj",
        None,
        "黄雪梅",
        "自然资源和规划局经办",
        "Land & planning handler",
    ),
    (
        "dept-zjj",
        Role.DEPT_HANDLER,
        "zjj",
        None,
        "彭卫东",
        "住建局经办（含协办意见）",
        "Housing & construction, co-handling",
    ),
    (
        "ent-1",
        Role.ENTERPRISE,
        None,
        0,
        "陈思远",
        "企业端：提交、查看进度、评价、撤回",
        "Enterprise: submit, track, rate",
    ),
    (
        "ent-2",
        Role.ENTERPRISE,
        None,
        1,
        "易海燕",
        "另一家企业：看不到 ent-1 的诉求",
        "Another enterprise (isolation)",
    ),
    (
        "cadre-1",
        Role.CADRE,
        None,
        None,
        "曾勇",
        "联企干部：代企业提交诉求",
        "Cadre: submit on behalf of enterprises",
    ),
]
EXTRA_CADRES = ["cadre-2", "cadre-3", "cadre-4"]


def demo_usernames() -> list[str]:
    """Every login `load_demo` creates with create_user (dept-<code>/-lead for every department)."""
    names = [row[0] for row in DEMO_LOGINS]
    for code in Department.objects.values_list("code", flat=True):
        for name in (f"dept-{code}", f"dept-{code}-lead"):
            if name not in names:
                names.append(name)
    return names


# ---------------------------------------------------------------- identifiers and names


def org_code(rng: random.Random) -> str:
    """A 9-character 组织机构代码 (GB 11714) whose letters are also legal in a USCC."""
    if rng.random() < 0.7:
        body = "MA4" + "".join(rng.choice("0123456789" + USCC_LETTERS) for _ in range(5))  # post-2015 style
    else:
        body = "".join(rng.choice("0123456789") for _ in range(8))
    total = sum(ORG_ALPHABET.index(c) * w for c, w in zip(body, ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def make_uscc(rng: random.Random, district_code: str) -> str:
    first17 = "91" + district_code + org_code(rng)
    return first17 + stdnum_uscc.calc_check_digit(first17)


def person_name(rng: random.Random) -> str:
    return rng.choice(data.SURNAMES) + rng.choice(data.GIVEN)


def mobile(rng: random.Random) -> str:
    while True:
        raw = rng.choice(data.MOBILE_PREFIXES) + "".join(rng.choice("0123456789") for _ in range(8))
        try:
            return clean_phone(raw)
        except ValidationError:  # an unassigned number range: draw again
            continue


def weighted(rng: random.Random, pairs):
    items, weights = zip(*pairs, strict=True)
    return rng.choices(items, weights=weights)[0]


DISTRICT_CENTRES = {
    "430211": (27.83, 113.08),
    "430203": (27.78, 113.15),
    "430202": (27.86, 113.17),
    "430204": (27.90, 113.12),
    "430212": (27.70, 113.15),
    "430281": (27.65, 113.50),
    "430223": (27.00, 113.35),
    "430224": (26.79, 113.54),
    "430225": (26.49, 113.77),
}


# ---------------------------------------------------------------- enterprises and users


def create_enterprises(rng: random.Random, count: int) -> list[Enterprise]:
    districts = {d.code: d for d in District.objects.all()}
    industries = list(data.INDUSTRIES.items())
    used_names, used_uscc, rows = set(), set(), []
    # The two enterprise logins get well-known profiles: a hard-metal maker in 栗雨 and a porcelain works in 醴陵.
    fixed = [
        ("hardmetal", "430211", "株洲恒锐硬质合金工具股份有限公司"),
        ("ceramic", "430281", "醴陵华瓷陶瓷实业有限公司"),
    ]
    for i in range(count):
        if i < len(fixed):
            key, dcode, name = fixed[i]
            letter, cores, product, _, chain, _ = data.INDUSTRIES[key]
        else:
            key, (letter, cores, product, preferred, chain, _) = rng.choices(
                industries, weights=[v[5] for _, v in industries]
            )[0]
            dcode = rng.choice(preferred) if rng.random() < 0.85 else rng.choice(list(data.DISTRICT_INFO))
            while True:
                prefix = data.DISTRICT_PREFIX.get(dcode) if rng.random() < 0.5 else None
                prefix = prefix or rng.choice(["株洲", "株洲", "株洲", "湖南"])
                form = rng.choice(data.ORG_FORMS)
                core = rng.choice(cores)
                if form.startswith("科技") and core.endswith("科技"):
                    form = "有限公司"
                name = f"{prefix}{rng.choice(data.BRAND_PAIRS)}{core}{form}"
                if name not in used_names:
                    break
        used_names.add(name)
        uscc = make_uscc(rng, dcode)
        while uscc in used_uscc:
            uscc = make_uscc(rng, dcode)
        used_uscc.add(uscc)
        _, parks, roads = data.DISTRICT_INFO[dcode]
        size = weighted(rng, data.SIZES) if i >= 2 else "medium"
        tags = sorted({weighted(rng, data.TAGS) for _ in range(rng.randint(0, 3))})
        if i == 0:
            tags = ["专精特新“小巨人”", "高新技术企业", "规上企业"]
        if size in ("large", "medium") and "规上企业" not in tags:
            tags.append("规上企业")
        park = parks[0] if i < 2 else rng.choice(parks)
        rows.append(
            Enterprise(
                uscc=uscc,
                name=name,
                district=districts[dcode],
                industry=letter,
                size=size,
                tags=tags,
                contact_name=person_name(rng),
                contact_phone=mobile(rng),
                address=f"湖南省株洲市{districts[dcode].name}{rng.choice(roads)}{rng.randint(1, 899)}号（{park}）",
            )
        )
    Enterprise.objects.bulk_create(rows, batch_size=500)
    return list(Enterprise.objects.filter(uscc__in=used_uscc).select_related("district"))


def create_users(rng: random.Random, enterprises_in_order: list[Enterprise]) -> dict:
    """The listed logins via create_user, plus a login for every other enterprise and a few more cadres.

    Argon2 is deliberately slow (~0.1–0.3 s a hash) and there are about a hundred logins, so the password is
    hashed once and that hash is given to every demo login; all share the public password anyway.
    """
    departments = {d.code: d for d in Department.objects.all()}
    users: dict[str, User] = {}
    shared = make_password(PASSWORD)
    for username, role, dept, slot, name, _, _ in DEMO_LOGINS:
        # The security administrator reaches the admin for users and roles only (orgs.admin); the
        # audit administrator never does.
        extra = (
            {"is_superuser": True, "is_staff": True}
            if role == Role.ADMIN
            else {"is_staff": True}
            if role == Role.SECURITY_ADMIN
            else {}
        )
        users[username] = User.objects.create_user(
            username=username,
            password=None,
            email=f"{username}@{EMAIL_DOMAIN}",
            first_name=name,
            role=role,
            department=departments.get(dept) if dept else None,
            enterprise=enterprises_in_order[slot] if slot is not None else None,
            phone=mobile(rng),
            **extra,
        )
    for code, dept in departments.items():
        for username, role in ((f"dept-{code}", Role.DEPT_HANDLER), (f"dept-{code}-lead", Role.DEPT_LEADER)):
            if username in users:
                continue
            users[username] = User.objects.create_user(
                username=username,
                password=None,
                email=f"{username}@{EMAIL_DOMAIN}",
                first_name=person_name(rng),
                role=role,
                department=dept,
                phone=mobile(rng),
            )
    User.objects.filter(pk__in=[u.pk for u in users.values()]).update(password=shared)
    # Unlisted extras: one login per remaining enterprise (so every enterprise can rate) and a few more cadres.
    extra = [
        User(
            username=f"ent-{i + 1}",
            password=shared,
            first_name=ent.contact_name,
            role=Role.ENTERPRISE,
            enterprise=ent,
            phone=ent.contact_phone,
        )
        for i, ent in enumerate(enterprises_in_order)
        if i >= 2
    ]
    extra += [
        User(username=u, password=shared, first_name=person_name(rng), role=Role.CADRE, phone=mobile(rng))
        for u in EXTRA_CADRES
    ]
    User.objects.bulk_create(extra, batch_size=500)
    for u in User.objects.filter(username__in=[e.username for e in extra]):
        users[u.username] = u
    return users
