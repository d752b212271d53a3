"""Build the demo data set: enterprises, the demo logins, and a year of appeals replayed through the services.

Appeals are not inserted as rows: every step (submit, dispatch, sign, reply, rate, returns, extensions, pauses,
merges …) calls the public service at the simulated moment under time-machine, and the worker's sweeps run twice a
day of simulated time, so the event history, hash chains, notifications and escalations are exactly what the real
system would have produced. Steps that would fall after the real current time are simply not taken, which is what
leaves the recent appeals open in every state.
"""

import heapq
import inspect
import itertools
import math
import random
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import time_machine
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from wuyou.appeals import services as svc
from wuyou.appeals import sweeps
from wuyou.appeals.deadlines import limits_for
from wuyou.appeals.models import Appeal, Status
from wuyou.core.errors import DomainError
from wuyou.notifications.models import Notification, Outbox
from wuyou.orgs.models import Department, Enterprise, User
from wuyou.workdays.calendar import add_workdays, is_workday, workday_deadline

from . import data, texts
from .people import (
    DISTRICT_CENTRES,
    EXTRA_CADRES,
    TZ,
    create_enterprises,
    create_users,
    weighted,
)

# ---------------------------------------------------------------- time helpers


def local(t: datetime) -> datetime:
    return timezone.localtime(t, TZ)


def at_clock(d: date, hour: float) -> datetime:
    minutes = int(hour * 60)
    return datetime(d.year, d.month, d.day, minutes // 60, minutes % 60, tzinfo=TZ)


def snap(rng: random.Random, t: datetime) -> datetime:
    """Move t into office hours (08:30–18:00 on a working day)."""
    lt = local(t)
    if is_workday(lt.date()) and 8.5 <= lt.hour + lt.minute / 60 < 18:
        return lt
    d = lt.date()
    if not (is_workday(d) and lt.hour < 8.5):
        d, _ = add_workdays(d, 1)
    return at_clock(d, 8.5 + rng.random() * 1.5)


def after_hours(rng, t, lo, hi, office=True) -> datetime:
    nt = t + timedelta(hours=lo + rng.random() * (hi - lo))
    return snap(rng, nt) if office else nt


def after_workdays(rng, t, days: int) -> datetime:
    if days <= 0:
        return after_hours(rng, t, 1, 4)
    d, _ = add_workdays(local(t).date(), days)
    return at_clock(d, 9 + rng.random() * 8.5)


# ---------------------------------------------------------------- plans


@dataclass
class Plan:
    enterprise: Enterprise
    created: datetime
    domain: str
    lead: str
    template: tuple
    channel: str
    fate: str = "full"
    urgent: bool = False
    returns: list = field(default_factory=list)
    co: list = field(default_factory=list)
    extension: str = ""  # "", "approve", "deny", "pending"
    pause: bool = False
    late: int = 0  # 0 on time, 1 late (level 1), 2 very late (level 2)
    supervise: bool = False
    level3: bool = False
    fast: bool = False  # minute-level steps, no office hours: for the hand-made recent appeals
    merge_into: "Plan | None" = None
    appeal_id: int | None = None
    stop_after: str = ""


FATES = [
    ("full", 640),
    ("unrated", 120),
    ("reject", 30),
    ("withdraw", 25),
    ("merge", 20),
    ("unsat_reopen", 40),
    ("unsat_close", 20),
    ("unsat_open", 7),
    ("unsat_twice", 5),
    ("stuck_sign", 10),
    ("stuck_reply", 30),
    ("stuck_pause", 15),
    ("pending_ext", 5),
]
RECENT_ONLY = {"unsat_open": 25, "stuck_sign": 30, "stuck_reply": 60, "stuck_pause": 60, "pending_ext": 40}


class DemoBuilder:
    def __init__(self, *, appeals: int, enterprises: int, seed: int = 20261127, out=None):
        self.n_appeals = appeals
        self.n_enterprises = max(enterprises, 2)
        self.rng = random.Random(seed)
        self.out = out or (lambda msg: None)
        self.stats = {"skipped": 0, "steps": 0}
        self.skips: dict[str, int] = {}

    # ------------------------------------------------------------ setup

    def setup(self):
        rng = self.rng
        enterprises = create_enterprises(rng, self.n_enterprises)
        by_uscc = {e.uscc: e for e in enterprises}
        self.enterprises = sorted(enterprises, key=lambda e: e.pk)
        self.users = create_users(rng, self.enterprises)
        self.ent_user = {u.enterprise_id: u for u in self.users.values() if u.enterprise_id}
        self.center = self.users["center"]
        self.leader = self.users["leader"]
        self.cadres = [self.users["cadre-1"], *(self.users[u] for u in EXTRA_CADRES)]
        self.depts = {d.code: d for d in Department.objects.all()}
        self.district_dept = {code: info[0] for code, info in data.DISTRICT_INFO.items()}
        assert len(by_uscc) == len(enterprises)

    def handler(self, code: str, leader_ok=True) -> User:
        if leader_ok and self.rng.random() < 0.15:
            return self.users[f"dept-{code}-lead"]
        return self.users[f"dept-{code}"]

    def resolve(self, domain: str, ent: Enterprise) -> str:
        return self.district_dept[ent.district.code] if domain == "DISTRICT" else domain

    # ------------------------------------------------------------ texts

    def context(self, ent: Enterprise, created: datetime) -> dict:
        rng = self.rng
        _, parks, roads = data.DISTRICT_INFO[ent.district.code]
        park = next((p for p in parks if p in ent.address), rng.choice(parks))
        key = next((k for k, v in data.INDUSTRIES.items() if any(c in ent.name for c in v[1])), "machinery")
        product = data.INDUSTRIES[key][2]
        before = local(created) - timedelta(days=rng.randint(2, 20))
        short = ent.name
        for p in ("株洲", "湖南", "醴陵", "攸县", "茶陵", "炎陵"):
            short = short.removeprefix(p)
        return {
            "ent": ent.name,
            "short": short[:2],
            "park": park,
            "road": rng.choice(roads),
            "product": product,
            "chain": data.INDUSTRIES[key][4],
            "district": ent.district.name,
            "kva": rng.choice([315, 400, 630, 800, 1000, 1250, 1600, 2000, 2500]),
            "n1": rng.randint(2, 6),
            "n2": rng.randint(10, 60),
            "amount": f"{rng.uniform(2, 95):.1f}",
            "big": rng.choice([120, 200, 260, 350, 500, 680, 800, 1200, 1500, 2300]),
            "date": f"{before.month}月{before.day}日",
            "month": f"{before.month}月",
            "workers": rng.choice([80, 150, 200, 300, 450, 600]),
            "person": ent.contact_name,
        }

    def compose(self, ent, template, ctx, channel) -> tuple[str, str]:
        rng = self.rng
        _, title_t, body_t, _ = template
        title = title_t.format_map(ctx)
        body = body_t.format_map(ctx)
        third = body.replace("我司", "该企业").replace("我们", "企业").replace("我厂", "该企业工厂")
        expect = rng.choice(texts.EXPECTATIONS)
        if channel == "hotline":
            content = f"来电人{ctx['person']}（{ent.name}）反映：{third}来电人表示{expect}"
        elif channel == "wechat":
            first = "。".join(body.split("。")[:2]).strip("。")
            content = f"{rng.choice(texts.WECHAT_OPENERS)}{ctx['short']}这边，{first}。{rng.choice(texts.WECHAT_CLOSERS)}"
        elif channel == "breakfast":
            content = f"在「制造名城」早餐会上，{ent.name}负责人提出：{third}企业希望会后有专人跟进。"
        elif channel == "chain_office":
            content = f"（{ctx['chain']}产业链办公室转办）链上企业{ent.name}反映：{third}"
        elif channel == "cadre":
            content = (
                f"联企干部走访{ent.name}时，企业负责人{ctx['person']}反映：{third}请协调中心交办相关部门。"
            )
        else:
            style = rng.random()
            if style < 0.3:
                content = (
                    f"尊敬的领导：\n    我司{ent.name}位于{ctx['park']}，主要从事{ctx['product']}的研发和生产。"
                    f"{body}\n    恳请协调相关部门予以解决为盼。\n\n{ent.name}\n联系人：{ctx['person']}"
                )
            elif style < 0.45:
                content = f"{body}{rng.choice(texts.ENGLISH_TAILS)}"
            elif style < 0.75:
                content = f"诉求描述：{body}\n期望解决方式：{expect}"
            else:
                content = f"{body}{expect}"
        return title[:120], content

    def reply_text(self, template, ctx) -> tuple[str, str]:
        rng = self.rng
        r = rng.random()
        if r < 0.7:
            return "solved", template[3].format_map(ctx)
        why = rng.choice(texts.WHY)
        if r < 0.92:
            return "explained", rng.choice(texts.REPLY_EXPLAINED).format(why=why)
        return "unsolvable", rng.choice(texts.REPLY_UNSOLVABLE).format(why=why)

    # ------------------------------------------------------------ planning

    def pick_channel(self) -> str:
        return weighted(
            self.rng,
            [
                ("app", 35),
                ("hotline", 25),
                ("wechat", 15),
                ("cadre", 12),
                ("breakfast", 6),
                ("chain_office", 7),
            ],
        )

    def new_plan(self, ent, created, *, domain=None, fate=None, channel=None) -> Plan:
        rng = self.rng
        domain = domain or weighted(rng, list(texts.WEIGHTS.items()))
        lead = self.resolve(domain, ent)
        template = rng.choice(texts.TEMPLATES[domain])
        plan = Plan(
            enterprise=ent,
            created=created,
            domain=domain,
            lead=lead,
            template=template,
            channel=channel or self.pick_channel(),
        )
        age = (self.end - created).days
        if fate is None:
            fate = weighted(rng, [(f, w) for f, w in FATES if age <= RECENT_ONLY.get(f, 10_000)])
            if age < 2 and rng.random() < 0.2:
                fate = "stuck_submit"  # the center is still clarifying it with the enterprise
            elif age < 20 and rng.random() < 0.04:
                fate = "unsat_open"
        plan.fate = fate
        plan.urgent = template[0] == "help" and domain in ("gdgs", "swjt", "rqgs") and rng.random() < 0.2
        r = rng.random()
        if fate not in ("reject", "withdraw", "merge") and r < 0.075:
            confusions = [self.resolve(c, ent) for c in texts.CONFUSIONS.get(domain, ["DISTRICT"])]
            confusions = [c for c in confusions if c != lead] or ["ybhj"]
            plan.returns = [rng.choice(confusions) for _ in range(2 if r < 0.015 else 1)]
        if rng.random() < 0.12 and domain in texts.CO_HANDLERS:
            co = {self.resolve(c, ent) for c in texts.CO_HANDLERS[domain]} - {lead}
            plan.co = sorted(co)[: rng.choice([1, 1, 2])]
        if fate == "pending_ext":
            plan.extension = "pending"
        elif rng.random() < 0.06:
            plan.extension = "approve" if rng.random() < 0.8 else "deny"
        plan.pause = rng.random() < 0.05 or fate == "stuck_pause"
        lr = rng.random()
        plan.late = 2 if lr < 0.03 else 1 if lr < 0.13 else 0
        plan.supervise = plan.late > 0 and rng.random() < 0.4
        plan.level3 = plan.late == 2 and rng.random() < 0.1
        return plan

    def random_created(self, max_age_days=365) -> datetime:
        rng = self.rng
        u = rng.random()
        x = (-1 + math.sqrt(1 + 8 * u)) / 2  # density rising from 0.5 (a year ago) to 1.5 (now)
        t = self.end - timedelta(days=max_age_days * (1 - x))
        if rng.random() < 0.85:  # most appeals arrive in office hours; the app and WeChat also at night
            lt = local(t)
            t = at_clock(lt.date(), 8 + rng.random() * 10)
        return min(t, self.end - timedelta(minutes=30))

    def due_soon_start(self, category: str, skip: int = 0) -> datetime | None:
        """A submission time whose dispatch (an hour later) puts now between the warning and the reply due.

        None when the weekend makes it impossible for this category (the warning comes at 80 % of the window).
        """
        days = limits_for(category).reply_workdays
        found = 0
        t = self.end - timedelta(hours=3)
        for _ in range(400):
            start = t + timedelta(hours=1)
            due, _ = workday_deadline(start, days)
            warn = start + (due - start) * 0.8
            if warn <= self.end < due:
                if found == skip:
                    return t
                found += 1
            t -= timedelta(hours=3)
        return None

    def build_plans(self) -> list[Plan]:
        rng = self.rng
        plans: list[Plan] = []
        ent1 = self.enterprises[0]
        # ent-1: every state, recent ones laid out backwards from now in minutes so they exist whatever the clock.
        h = timedelta(hours=1)
        ent1_specs = [
            ("full", self.end - timedelta(days=300), "gdgs"),
            ("full", self.end - timedelta(days=200), "tax"),
            ("unrated", self.end - timedelta(days=150), "zrzyj"),
            ("unsat_reopen", self.end - timedelta(days=120), "DISTRICT"),
            ("full", self.end - timedelta(days=60), "rsj"),
            ("reject", self.end - timedelta(days=40), "scjgj"),
            ("withdraw", self.end - timedelta(days=25), "spj"),
            ("stuck_reply", self.end - 40 * h, "gdgs"),
            ("merge", self.end - 30 * h, "gdgs"),
            ("stuck_pause", self.end - 26 * h, "sthjj"),
            ("unsat_open", self.end - 20 * h, "swjt"),
            ("unrated", self.end - 12 * h, "kjj"),
            ("stuck_reply", self.end - 8 * h, "zjj"),
            ("stuck_sign", self.end - 4 * h, "gdgs"),
            ("stuck_submit", self.end - 1 * h, "rqgs"),
        ]
        for fate, created, domain in ent1_specs:
            p = self.new_plan(ent1, created, domain=domain, fate=fate, channel="app")
            p.returns, p.extension, p.late, p.supervise, p.level3 = [], "", 0, False, False
            p.pause = fate == "stuck_pause"
            p.fast = created > self.end - 3 * 24 * h
            if fate == "merge":
                p.merge_into = plans[-1]
                p.template = plans[-1].template
            plans.append(p)
        # dept-gdgs: a full inbox of open appeals dispatched over the last three weeks.
        n_gdgs = min(25, max(6, self.n_appeals // 10))
        gdgs_fates = [
            "stuck_sign",
            "stuck_reply",
            "stuck_reply",
            "stuck_pause",
            "full",
            "stuck_reply",
            "unrated",
            "stuck_sign",
            "pending_ext",
        ]
        others = self.enterprises[1:] or self.enterprises
        for i in range(n_gdgs):
            days = 0.3 + i * 15 / n_gdgs
            created = snap(rng, self.end - timedelta(days=days))
            if created >= self.end:
                created = self.end - timedelta(hours=2 + i)
            p = self.new_plan(
                rng.choice(others), created, domain="gdgs", fate=gdgs_fates[i % len(gdgs_fates)]
            )
            p.returns = []
            plans.append(p)
        # …and a few in the "due soon" window (warning time passed, reply time not yet).
        for i in range(max(2, n_gdgs // 6)):
            p = self.new_plan(rng.choice(others), self.end, domain="gdgs", fate="stuck_reply")
            p.returns, p.extension, p.pause, p.fast, p.urgent = [], "", False, True, False
            for template in [p.template, *texts.TEMPLATES["gdgs"]]:
                created = self.due_soon_start(template[0], skip=i)
                if created is not None:
                    p.created, p.template = created, template
                    plans.append(p)
                    break
        # Everything else: random enterprises, domains and fates over the year.
        while len(plans) < self.n_appeals:
            ent = rng.choice(others)  # ent-1 keeps its hand-made list of about fifteen
            plans.append(self.new_plan(ent, self.random_created()))
        plans.sort(key=lambda p: p.created)
        # Duplicates are merged into an earlier appeal of the same department.
        recent_by_lead: dict[str, list[Plan]] = {}
        for p in plans:
            if p.fate == "merge" and p.merge_into is None:
                candidates = [q for q in recent_by_lead.get(p.lead, []) if (p.created - q.created).days < 30]
                if candidates:
                    target = rng.choice(candidates)
                    p.merge_into, p.enterprise, p.template = target, target.enterprise, target.template
                else:
                    p.fate = "full"
            if p.fate not in ("reject", "withdraw", "merge", "stuck_submit"):
                recent_by_lead.setdefault(p.lead, []).append(p)
        return plans

    # ------------------------------------------------------------ replay

    def act(self, name, fn, **kwargs):
        try:
            result = fn(**kwargs)
        except DomainError as exc:
            self.stats["skipped"] += 1
            key = f"{name}: {exc.message[:60]}"
            self.skips[key] = self.skips.get(key, 0) + 1
            return None
        self.stats["steps"] += 1
        return result

    def status(self, plan) -> str:
        return Appeal.objects.filter(pk=plan.appeal_id).values_list("status", flat=True).get()

    def life(self, plan: Plan):
        """One appeal's story. Runs inside time_machine.travel(now); yields when its next step is due."""
        rng = self.rng
        ent = plan.enterprise
        ent_user = self.ent_user[ent.pk]

        def step(t, lo, hi):
            # Minute-level for the hand-made recent appeals, office hours for everything else.
            if plan.fast:
                return t + timedelta(minutes=(lo + rng.random() * max(hi - lo, 0)) * 15)
            return after_hours(rng, t, lo, hi)

        t = plan.created
        ctx = self.context(ent, t)
        title, content = self.compose(ent, plan.template, ctx, plan.channel)
        if plan.merge_into is not None:
            title, content = f"再次反映：{title}"[:120], f"（企业重复反映）{content}"
        if plan.channel == "app":
            by, uscc = ent_user, None
        elif plan.channel == "cadre":
            by, uscc = rng.choice(self.cadres), ent.uscc
        else:
            by, uscc = self.center, ent.uscc
        lat, lon = DISTRICT_CENTRES[ent.district.code]
        appeal = self.act(
            "submit",
            svc.appeal_submit,
            by=by,
            title=title,
            content=content,
            category=plan.template[0],
            contact_name=ent.contact_name,
            contact_phone=ent.contact_phone,
            enterprise_uscc=uscc,
            channel=plan.channel,
            urgency="urgent" if plan.urgent else "normal",
            location=f"{ctx['park']}{ctx['road']}",
            lat=round(lat + rng.uniform(-0.03, 0.03), 5),
            lon=round(lon + rng.uniform(-0.03, 0.03), 5),
            now=t,
        )
        if appeal is None:
            return
        plan.appeal_id = aid = appeal.pk
        self.created_count += 1
        if plan.fate == "stuck_submit":
            return
        if plan.fate == "withdraw":
            t = yield step(t, 0.5, 20)
            self.act(
                "withdraw",
                svc.appeal_withdraw,
                appeal_id=aid,
                by=ent_user,
                reason=rng.choice(texts.WITHDRAW_REASONS),
            )
            return
        t = yield (
            t + timedelta(minutes=rng.randint(10, 40)) if plan.urgent and not plan.fast else step(t, 0.3, 3)
        )
        if plan.fate == "reject":
            self.act(
                "reject",
                svc.appeal_reject,
                appeal_id=aid,
                by=self.center,
                reason=rng.choice(texts.REJECT_REASONS),
            )
            return
        if plan.fate == "merge":
            target = plan.merge_into
            if target.appeal_id and self.status(target) not in (
                Status.MERGED,
                Status.WITHDRAWN,
                Status.REJECTED,
            ):
                self.act("merge", svc.appeal_merge, appeal_id=aid, by=self.center, into=target.appeal_id)
            else:
                self.act(
                    "reject",
                    svc.appeal_reject,
                    appeal_id=aid,
                    by=self.center,
                    reason="重复诉求，原诉求已办理。",
                )
            return
        for wrong in plan.returns:
            if not self.act("dispatch", svc.appeal_dispatch, appeal_id=aid, by=self.center, department=wrong):
                return
            t = yield step(t, 1, 10)
            reason = rng.choice(texts.RETURN_REASONS).format(dept=self.depts[plan.lead].name)
            if not self.act(
                "return", svc.appeal_return, appeal_id=aid, by=self.handler(wrong), reason=reason
            ):
                return
            t = yield step(t, 0.5, 4)
        if not self.act(
            "dispatch",
            svc.appeal_dispatch,
            appeal_id=aid,
            by=self.center,
            department=plan.lead,
            co_departments=plan.co,
            note="请按时限办理并答复企业。" if rng.random() < 0.3 else "",
        ):
            return
        dispatched = t
        yield from self.handle(plan, dispatched)

    def handle(self, plan: Plan, dispatched: datetime, *, reopened: bool = False):
        rng = self.rng
        aid = plan.appeal_id
        lead = plan.lead

        def step(t, lo, hi):
            if plan.fast:
                return t + timedelta(minutes=(lo + rng.random() * max(hi - lo, 0)) * 15)
            return after_hours(rng, t, lo, hi)

        if plan.fate == "stuck_sign" and not reopened:
            return
        t = yield (
            dispatched + timedelta(minutes=rng.randint(15, 90))
            if plan.urgent and not plan.fast
            else step(dispatched, 0.2, 6)
        )
        if not self.act("sign", svc.appeal_sign, appeal_id=aid, by=self.handler(lead)):
            return
        for code in plan.co:
            t = yield step(t, 1, 16)
            self.act(
                "opinion",
                svc.appeal_opinion,
                appeal_id=aid,
                by=self.handler(code, leader_ok=False),
                content=f"{self.depts[code].name}意见：已了解情况，将配合主办单位办理，涉及本单位的事项已安排专人跟进。",
            )
        if plan.pause and not reopened:
            t = yield step(t, 1, 12)
            if not self.act(
                "pause",
                svc.appeal_pause,
                appeal_id=aid,
                by=self.handler(lead),
                reason=rng.choice(texts.PAUSE_REASONS),
            ):
                return
            if plan.fate == "stuck_pause":
                return
            t = yield (step(t, 2, 6) if plan.fast else after_workdays(rng, t, rng.randint(1, 4)))
            if not self.act(
                "resume", svc.appeal_resume, appeal_id=aid, by=self.handler(lead), note="企业已补充材料"
            ):
                return
        if plan.fate == "stuck_reply" and not reopened:
            return
        extra = 0
        if plan.extension and not reopened:
            t = yield step(t, 2, 20)
            days = rng.randint(3, 10)
            if self.act(
                "extend",
                svc.appeal_extend,
                appeal_id=aid,
                by=self.handler(lead),
                working_days=days,
                reason=rng.choice(texts.EXTENSION_REASONS),
            ):
                if plan.extension == "pending":
                    return
                t = yield step(t, 0.5, 8)
                approve = plan.extension == "approve"
                self.act(
                    "approve_extension",
                    svc.appeal_approve_extension,
                    appeal_id=aid,
                    by=self.center,
                    approve=approve,
                    note="同意延期" if approve else "",
                    reason="" if approve else "理由不充分，请按原时限办理",  # a refusal needs its reason
                )
                extra = days if approve else 0
        limit = limits_for(plan.template[0]).reply_workdays + extra
        late = 0 if reopened else plan.late
        if plan.fast:
            reply_at = step(t, 1, 5)
        elif late == 0:
            reply_at = max(after_workdays(rng, dispatched, rng.randint(1, max(1, limit - 1))), step(t, 1, 6))
        elif late == 1:
            reply_at = after_workdays(rng, dispatched, limit + rng.randint(1, 4))
        else:
            reply_at = after_workdays(rng, dispatched, limit + rng.randint(7, 14))
        if plan.supervise and late:
            t = yield after_workdays(rng, dispatched, limit + 1)
            self.act(
                "supervise",
                svc.appeal_supervise,
                appeal_id=aid,
                by=rng.choice([self.center, self.center, self.users["leader"]]),
                note=rng.choice(texts.SUPERVISE_NOTES),
                due_days=rng.choice([None, 3, 5]),
            )
        if plan.level3 and late == 2:
            t = yield after_workdays(rng, dispatched, limit + 6)
            self.act(
                "escalate",
                svc.appeal_escalate,
                appeal_id=aid,
                by=self.center,
                level=3,
                reason="长期未解决，企业反映强烈，提请市领导督办",
            )
        t = yield max(reply_at, step(t, 0.5, 3))
        result, content = self.reply_text(plan.template, self.context(plan.enterprise, t))
        cost = None
        if result == "solved" and rng.random() < 0.3:
            cost = rng.choice([2000, 5000, 12000, 30000, 80000, 150000, 420000]) + rng.randint(0, 999)
        if not self.act(
            "reply",
            svc.appeal_reply,
            appeal_id=aid,
            by=self.handler(lead),
            result=result,
            content=content,
            cost_saved_yuan=cost,
        ):
            return
        yield from self.rate(plan, t, reopened)

    def rate(self, plan: Plan, t: datetime, reopened: bool):
        rng = self.rng
        aid = plan.appeal_id
        ent_user = self.ent_user[plan.enterprise.pk]
        fate = plan.fate
        if fate == "unrated":
            return  # the sweep closes it once the rating window has passed
        t = yield (
            t + timedelta(minutes=rng.randint(20, 120))
            if plan.fast
            else after_workdays(rng, t, rng.randint(0, 2))
        )
        unsatisfied = fate.startswith("unsat") and (not reopened or fate == "unsat_twice" and reopened == 1)
        if unsatisfied:
            if not self.act(
                "rate",
                svc.appeal_rate,
                appeal_id=aid,
                by=ent_user,
                rating="unsatisfied",
                resolved=False,
                comment=rng.choice(texts.UNSATISFIED_COMMENTS),
            ):
                return
            if fate == "unsat_open" and not reopened:
                return
            t = yield (t + timedelta(hours=2) if plan.fast else after_hours(rng, t, 1, 12))
            if fate == "unsat_close":
                self.act(
                    "close",
                    svc.appeal_close,
                    appeal_id=aid,
                    by=self.center,
                    reason="经协调中心复核，部门已依法依规答复，企业诉求超出政策范围，予以办结。",
                )
                return
            if fate == "unsat_twice" and reopened:
                # Level 2 was raised automatically on the second "unsatisfied"; the team takes it over.
                t = yield after_hours(rng, t, 2, 24)
                if not self.act(
                    "dispatch",
                    svc.appeal_dispatch,
                    appeal_id=aid,
                    by=self.users["team"],
                    department=plan.lead,
                    co_departments=plan.co,
                    note="专班督办：请主要负责人牵头办理。",
                ):
                    return
                yield from self.handle(plan, t, reopened=2)
                return
            if not self.act(
                "reopen",
                svc.appeal_reopen,
                appeal_id=aid,
                by=self.center,
                reason="企业不满意，经复核问题确未解决，请重新办理。",
            ):
                return
            yield from self.handle(plan, t, reopened=(reopened or 0) + 1)
            return
        rating = weighted(rng, [("satisfied", 78), ("basic", 22)])
        self.act(
            "rate",
            svc.appeal_rate,
            appeal_id=aid,
            by=ent_user,
            rating=rating,
            resolved=rating == "satisfied" or rng.random() < 0.5,
            comment=rng.choice(texts.SATISFIED_COMMENTS),
        )

    def sweeper(self, start: datetime):
        d = local(start).date()
        while True:
            for hour in (9.1, 15.1):
                t = at_clock(d, hour)
                if t < start:
                    continue
                yield t
                sweeps.sweep_all(t)
            d += timedelta(days=1)

    def replay(self, plans: list[Plan]):
        counter = itertools.count()
        heap = []
        for p in plans:
            heap.append((p.created, next(counter), self.life(p)))
        sweeps = self.sweeper(plans[0].created if plans else self.end)
        first = next(sweeps)
        heap.append((first, next(counter), sweeps))
        heapq.heapify(heap)
        self.created_count = 0
        reported = 0
        started = time.perf_counter()
        batch = 0
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            while heap:
                t, _, gen = heapq.heappop(heap)
                if t >= self.end:
                    continue  # steps after "now" do not happen: that leaves recent appeals open
                with time_machine.travel(t, tick=False):
                    try:
                        nxt = (
                            next(gen)
                            if inspect.getgeneratorstate(gen) == inspect.GEN_CREATED
                            else gen.send(t)
                        )
                    except StopIteration:
                        nxt = None
                if nxt is not None:
                    # Time only moves forward, even when a story asks for a moment already past.
                    heapq.heappush(heap, (max(nxt, t + timedelta(minutes=1)), next(counter), gen))
                batch += 1
                if batch >= 400:
                    atomic.__exit__(None, None, None)
                    atomic = transaction.atomic()
                    atomic.__enter__()
                    batch = 0
                if self.created_count - reported >= 500:
                    reported = self.created_count - self.created_count % 500
                    self.out(f"  {reported} 件诉求 / appeals replayed ({time.perf_counter() - started:.0f}s)")
        except BaseException as exc:
            atomic.__exit__(type(exc), exc, exc.__traceback__)
            raise
        else:
            atomic.__exit__(None, None, None)

    # ------------------------------------------------------------ finish

    def tidy(self, now: datetime):
        """Historic mail and SMS count as delivered; users have read all but their recent notifications."""
        Outbox.objects.filter(state=Outbox.State.PENDING).update(
            state=Outbox.State.SENT, sent_at=F("next_attempt_at"), attempts=1
        )
        keep_unread = {"gdgs", "zrzyj", "zjj", "tax", "ybhj"}
        Notification.objects.filter(read_at__isnull=True, created_at__lt=now - timedelta(days=3)).exclude(
            user__department__code__in=keep_unread, created_at__gte=now - timedelta(days=14)
        ).update(read_at=F("created_at") + timedelta(hours=3))

    def run(self) -> dict:
        started = time.perf_counter()
        self.end = timezone.now() - timedelta(minutes=1)
        with transaction.atomic():
            self.setup()
        self.out(
            f"  {len(self.enterprises)} 家企业 / enterprises, {len(self.users)} 个用户 / users "
            f"({time.perf_counter() - started:.0f}s)"
        )
        plans = self.build_plans()
        self.replay(plans)
        swept = sweeps.sweep_all()
        self.tidy(timezone.now())
        counts = dict(
            sorted(
                ((s, Appeal.objects.filter(status=s).count()) for s in Status.values),
                key=lambda kv: -kv[1],
            )
        )
        return {
            "seconds": time.perf_counter() - started,
            "counts": counts,
            "swept": swept,
            "skips": self.skips,
            **self.stats,
        }


def load(*, appeals: int = 3000, enterprises: int = 300, seed: int = 20261127, out=None) -> dict | None:
    """Create the demo data set unless it exists; returns a summary, or None when it was already there."""
    if User.objects.filter(username__in=["admin", "center", "ent-1"]).exists():
        return None
    return DemoBuilder(appeals=appeals, enterprises=enterprises, seed=seed, out=out).run()
