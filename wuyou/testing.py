"""Personas shared by every test: an enterprise, its competitor, a department, another department, the center…"""

from dataclasses import dataclass

from django.test import Client
from stdnum.cn import uscc as stdnum_uscc

from wuyou.orgs.models import ApiToken, Department, District, Enterprise, Role, User

PASSWORD = "persona-pass-123"


def make_uscc(serial: int, district: str = "430211") -> str:
    body = f"91{district}MA4L{serial:05d}"
    return body + stdnum_uscc.calc_check_digit(body)


def make_enterprise(serial: int, name: str, district: str = "430211") -> Enterprise:
    return Enterprise.objects.create(
        uscc=make_uscc(serial, district),
        name=name,
        district=District.objects.get(code=district),
        industry="C",
        size=Enterprise.Size.SMALL,
        contact_name="张经理",
        contact_phone="13812341234",
    )


def make_user(username: str, role: str, *, department: str | None = None, enterprise=None, **extra) -> User:
    dept = Department.objects.get(code=department) if department else None
    return User.objects.create_user(
        username=username,
        password=PASSWORD,
        role=role,
        department=dept,
        enterprise=enterprise,
        email=f"{username}@test.local",
        **extra,
    )


@dataclass
class Personas:
    enterprise: Enterprise
    competitor: Enterprise
    ent_user: User
    competitor_user: User
    center: User
    handler: User  # gdgs handler
    leader: User  # gdgs leader
    other_handler: User  # zrzyj handler
    co_handler: User  # zjj handler
    team: User
    city_leader: User
    inspector: User
    cadre: User

    def client(self, user: User) -> Client:
        c = Client()
        c.force_login(user)
        return c

    def api(self, user: User | None) -> Client:
        """A client that sends a Bearer token, as API users do."""
        if user is None:
            return Client()
        return Client(headers={"Authorization": f"Bearer {ApiToken.issue(user)}"})


def build_personas() -> Personas:
    ent = make_enterprise(1, "株洲钻石示范刀具有限公司")
    comp = make_enterprise(2, "株洲竞争对手材料有限公司", "430203")
    return Personas(
        enterprise=ent,
        competitor=comp,
        ent_user=make_user("ent", Role.ENTERPRISE, enterprise=ent),
        competitor_user=make_user("comp", Role.ENTERPRISE, enterprise=comp),
        center=make_user("center", Role.CENTER, department="ybhj"),
        handler=make_user("gdgs", Role.DEPT_HANDLER, department="gdgs"),
        leader=make_user("gdgs-lead", Role.DEPT_LEADER, department="gdgs"),
        other_handler=make_user("zrzyj", Role.DEPT_HANDLER, department="zrzyj"),
        co_handler=make_user("zjj", Role.DEPT_HANDLER, department="zjj"),
        team=make_user("team", Role.TEAM),
        city_leader=make_user("leader", Role.LEADER),
        inspector=make_user("inspector", Role.INSPECTOR),
        cadre=make_user("cadre", Role.CADRE),
    )


def submit(p: Personas, **overrides):
    from wuyou.appeals.services import appeal_submit

    data = dict(
        by=p.ent_user,
        title="园区频繁停电",
        content="栗雨工业园本周停电三次，生产线受损，请供电公司尽快处理。",
        category="help",
        contact_name="张经理",
        contact_phone="13812341234",
    )
    data.update(overrides)
    return appeal_submit(**data)
