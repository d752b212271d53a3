"""Generate N appeals spread over the past 12 months, in realistic states, with consistent due times.

Each appeal follows one life: submitted → dispatched (to a department chosen with a Zipf-like weight, so one
department is clearly the busiest) → signed → replied → rated or auto-closed, with a few rejected or
withdrawn at intake, some signing or replying late (and escalated as the worker would have done), a few stuck
far past the level-2 time. The state each appeal has *now* follows from where now falls in that life, so
most are closed and the open ones are the last couple of weeks' — as in a real office.

Due times (sign_due_at, reply_due_at, warn_at, level2_due_at, rate_due_at) come from the real working-day
calendar (workday_deadline, cached per day) and the TimeLimit table, exactly as services compute them.
The warned_at / urged_at / escalation_level columns are set as the worker's sweeps would have left them, so
the data has no sweep backlog.

Audit events are generated only for appeals that are not finished (submitted, dispatched, in progress,
paused, replied, reviewing): a valid per-appeal hash chain (submit, dispatch, urge, sign, warn, escalate,
pause, reply, rate). Closed, rejected and withdrawn appeals carry no events — verify_audit stays green
because it checks the chains that exist.

PostgreSQL: rows go in with COPY (psycopg cursor.copy) in one transaction, then VACUUM ANALYZE.
Other databases (the smoke test's SQLite): the same rows through bulk_create.
"""

import enum
import json
import random
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Count
from django.utils.functional import Promise

from wuyou.appeals.audit import GENESIS, event_digest
from wuyou.appeals.models import (
    DEFAULT_REPLY_WORKDAYS,
    Appeal,
    Category,
    Channel,
    CoHandler,
    Event,
    Status,
    Supervision,
    TimeLimit,
)
from wuyou.core.numbering import Counter, carry_over
from wuyou.notifications.models import Notification, Outbox
from wuyou.orgs.models import Department, District, Enterprise, Role, User
from wuyou.testing import make_uscc
from wuyou.workdays.calendar import workday_deadline

META_TABLE = "bench_meta"
ENT_SERIAL0 = 60000
H = 3600.0
D = 86400.0
SHANGHAI_OFFSET = 8 * H
CENTER_DEPT = "ybhj"  # the business-environment office itself: it dispatches, it is not dispatched to

FINISHED = {Status.CLOSED, Status.REJECTED, Status.WITHDRAWN}

CATEGORY_WEIGHTS = [
    (Category.CONSULT, 35),
    (Category.HELP, 40),
    (Category.COMPLAINT, 15),
    (Category.SUGGESTION, 10),
]
CHANNEL_WEIGHTS = [
    (Channel.APP, 30),
    (Channel.HOTLINE, 25),
    (Channel.WECHAT, 15),
    (Channel.CADRE, 10),
    (Channel.API, 8),
    (Channel.BREAKFAST, 5),
    (Channel.CHAIN_OFFICE, 5),
    (Channel.OPEN311, 2),
]
TITLES = {
    Category.CONSULT: [
        "咨询高新技术企业认定申报条件",
        "咨询研发费用加计扣除政策",
        "咨询工业技改奖补资金申报时间",
        "咨询外籍员工居留许可办理流程",
        "咨询公积金缴存基数调整",
        "咨询人才公寓申请条件",
        "咨询专精特新企业申报材料",
        "咨询出口退税办理时限",
    ],
    Category.HELP: [
        "园区频繁停电影响生产",
        "厂区门口道路破损请求修复",
        "新厂房施工许可办理缓慢",
        "天然气接入报装进度慢",
        "员工子女入学需要协调",
        "企业用地规划调整需要协调",
        "污水管网接驳需要协助",
        "招工难请求人社部门对接",
    ],
    Category.COMPLAINT: [
        "同一事项被多个部门重复检查",
        "政府项目工程款长期拖欠",
        "办事窗口要求重复提交材料",
        "奖补资金迟迟未兑现",
        "执法检查未出示依据",
    ],
    Category.SUGGESTION: [
        "建议延长政务大厅午间服务时间",
        "建议园区增设公交线路",
        "建议简化小额工程招投标流程",
        "建议建立企业诉求办理结果公示",
    ],
}
CONTENT_TAIL = (
    "我公司位于{district}，主营装备制造配套，现有员工约{staff}人。上述问题已持续一段时间，"
    "对正常生产经营造成影响，恳请相关部门尽快协调解决，并告知办理进度。联系人可随时配合提供材料。"
)
REPLIES = {
    "solved": "经核实，已协调相关单位处理完毕，并电话回访企业确认问题已解决。",
    "explained": "经核实，已向企业详细解释相关政策和办理流程，企业表示理解。",
    "unsolvable": "经研究，该事项暂不具备办理条件，已向企业说明原因和后续渠道。",
}
NAMES = ["张经理", "李主任", "王总", "刘会计", "陈经理", "杨厂长", "赵主管", "黄经理", "周总", "吴主任"]


def weighted(items):
    values = [v for v, _ in items]
    cum, total = [], 0
    for _, w in items:
        total += w
        cum.append(total)
    return values, cum


# ---------------------------------------------------------------- actors (enterprises, users)


@dataclass
class Actors:
    enterprises: list  # [(id, district name)]
    ent_user: dict  # enterprise id -> user id
    departments: list  # [(id, code)] departments appeals are dispatched to
    center_user: int
    handler: dict  # department id -> handler user id
    intake_user_id: int
    all_departments: dict = field(default_factory=dict)  # id -> code


def ensure_actors(n_enterprises: int = 300) -> Actors:
    """Idempotently create the benchmark's enterprises and users (unusable passwords: nobody logs in)."""
    districts = list(District.objects.exclude(code="430200").order_by("code").values_list("pk", "name"))
    if not districts:
        districts = list(District.objects.values_list("pk", "name"))
    usccs = [make_uscc(ENT_SERIAL0 + i) for i in range(n_enterprises)]
    have = set(Enterprise.objects.filter(uscc__in=usccs).values_list("uscc", flat=True))
    rng = random.Random(7)
    Enterprise.objects.bulk_create(
        [
            Enterprise(
                uscc=u,
                name=f"株洲基准测试第{i + 1:03d}制造有限公司",
                district_id=districts[i % len(districts)][0],
                industry=rng.choice("CCCCEFGIM"),
                size=rng.choice(["large", "medium", "small", "small", "micro"]),
                contact_name=rng.choice(NAMES),
                contact_phone=f"1381234{i % 10000:04d}",
            )
            for i, u in enumerate(usccs)
            if u not in have
        ],
        batch_size=500,
    )
    ents = list(
        Enterprise.objects.filter(uscc__in=usccs).order_by("uscc").values_list("pk", "district__name")
    )
    depts = list(Department.objects.filter(is_active=True).order_by("code").values_list("pk", "code"))
    handling = [d for d in depts if d[1] != CENTER_DEPT] or depts
    center_dept = next((pk for pk, code in depts if code == CENTER_DEPT), None)

    wanted = {}  # username -> User
    unusable = make_password(None)
    for pk, _ in ents:
        wanted[f"bench-ent-{pk}"] = User(role=Role.ENTERPRISE, enterprise_id=pk)
    for i in (1, 2):
        wanted[f"bench-center-{i}"] = User(
            role=Role.CENTER, department_id=center_dept, email=f"bench-center-{i}@bench.local"
        )
    wanted["bench-team"] = User(role=Role.TEAM, email="bench-team@bench.local")
    wanted["bench-leader"] = User(role=Role.LEADER, email="bench-leader@bench.local")
    for pk, code in depts:
        wanted[f"bench-{code}-h"] = User(
            role=Role.DEPT_HANDLER, department_id=pk, email=f"bench-{code}-h@bench.local"
        )
        wanted[f"bench-{code}-l"] = User(
            role=Role.DEPT_LEADER, department_id=pk, email=f"bench-{code}-l@bench.local"
        )
    existing = set(User.objects.filter(username__in=list(wanted)).values_list("username", flat=True))
    new = []
    for name, u in wanted.items():
        if name not in existing:
            u.username, u.password = name, unusable
            new.append(u)
    User.objects.bulk_create(new, batch_size=500)
    ids = dict(User.objects.filter(username__in=list(wanted)).values_list("username", "pk"))
    return Actors(
        enterprises=ents,
        ent_user={pk: ids[f"bench-ent-{pk}"] for pk, _ in ents},
        departments=handling,
        center_user=ids["bench-center-1"],
        handler={pk: ids[f"bench-{code}-h"] for pk, code in depts},
        intake_user_id=ids[f"bench-ent-{ents[0][0]}"],
        all_departments=dict(depts),
    )


# ---------------------------------------------------------------- deadlines, cached per local day


class Deadlines:
    """workday_deadline() on epoch seconds; Asia/Shanghai has no DST, so the local day is (ts + 8h) // 1d."""

    def __init__(self):
        self.cache = {}

    def due(self, ts: float, days: int) -> tuple[float, bool]:
        key = (int((ts + SHANGHAI_OFFSET) // D), days)
        hit = self.cache.get(key)
        if hit is None:
            when, est = workday_deadline(datetime.fromtimestamp(ts, UTC), days)
            hit = self.cache[key] = (when.timestamp(), est)
        return hit


def local_day(ts: float) -> str:
    return datetime.fromtimestamp(ts + SHANGHAI_OFFSET, UTC).strftime("%Y%m%d")


def dt(ts):
    return None if ts is None else datetime.fromtimestamp(ts, UTC)


# ---------------------------------------------------------------- one appeal's life


class Planner:
    def __init__(self, actors: Actors, now: float, seed: int):
        self.a = actors
        self.now = now
        self.rng = random.Random(seed)
        self.deadlines = Deadlines()
        limits = {t.category: t for t in TimeLimit.objects.all()}
        self.limits = {}
        for cat in Category.values:
            t = limits.get(cat)
            self.limits[cat] = (
                t.sign_workdays if t else 1,
                t.urgent_sign_hours if t else 2,
                t.reply_workdays if t else DEFAULT_REPLY_WORKDAYS.get(cat, 5),
                t.rate_workdays if t else 3,
            )
        self.categories = weighted(CATEGORY_WEIGHTS)
        self.channels = weighted(CHANNEL_WEIGHTS)
        order = list(actors.departments)
        random.Random(seed + 1).shuffle(order)
        self.departments = weighted([(d, 1 / (rank + 1) ** 0.9) for rank, d in enumerate(order)])
        self.enterprises = weighted([(e, 1 / (rank + 1) ** 0.6) for rank, e in enumerate(actors.enterprises)])
        self.day_seq = {}

    def pick(self, table):
        values, cum = table
        return self.rng.choices(values, cum_weights=cum)[0]

    def created_times(self, n: int) -> list[float]:
        """n submission times over the past 365 days: office hours mostly, fewer at weekends; sorted."""
        rng, now = self.rng, self.now
        today0 = (now + SHANGHAI_OFFSET) // D * D - SHANGHAI_OFFSET  # local midnight, as epoch
        out = []
        while len(out) < n:
            day0 = today0 - rng.randrange(365) * D
            weekday = int((day0 + SHANGHAI_OFFSET) // D + 3) % 7  # 1970-01-01 was a Thursday (3)
            if weekday >= 5 and rng.random() > 0.35:
                continue
            if rng.random() < 0.85:
                ts = day0 + rng.uniform(8 * H, 18 * H)
            else:
                ts = day0 + rng.uniform(0, D)
            if ts < now - 60:
                out.append(ts)
        out.sort()
        return out

    def plan(self, appeal_id: int, created: float):
        """Return (row dict by attname, [event rows], [cohandler rows])."""
        rng, now = self.rng, self.now
        ent_id, district = self.pick(self.enterprises)
        category = self.pick(self.categories)
        channel = self.pick(self.channels)
        urgent = rng.random() < 0.05
        day = local_day(created)
        seq = self.day_seq[day] = self.day_seq.get(day, 0) + 1
        title = rng.choice(TITLES[category])
        row = {
            "id": appeal_id,
            "number": f"ZZ{day}-{seq:04d}",
            "enterprise_id": ent_id,
            "contact_name": rng.choice(NAMES),
            "contact_phone": f"1{rng.choice('3579')}{rng.randrange(10**9):09d}",
            "channel": channel,
            "category": category,
            "urgency": "urgent" if urgent else "normal",
            "title": title,
            "content": f"{title}。" + CONTENT_TAIL.format(district=district, staff=rng.randrange(20, 2000)),
            "created_by_id": self.a.ent_user[ent_id],
            "created_at": created,
            "status": Status.SUBMITTED,
        }
        if rng.random() < 0.1:
            row["location"] = f"{district}工业园区{rng.randrange(1, 30)}号"
            row["lat"] = 27.83 + rng.uniform(-0.3, 0.3)
            row["lon"] = 113.13 + rng.uniform(-0.3, 0.3)
        events = [
            (
                "submit",
                created,
                Status.SUBMITTED,
                None,
                {},
                str(Channel(channel).label),
                self.a.ent_user[ent_id],
            )
        ]
        cohandlers = []

        r = rng.random()
        if r < 0.03:  # rejected or withdrawn at intake
            rejected = r < 0.02
            closed = created + (rng.uniform(H, 2 * D) if rejected else rng.uniform(0.5 * H, D))
            if closed <= now:
                row["status"] = Status.REJECTED if rejected else Status.WITHDRAWN
                row["closed_at"] = closed
                row["close_reason"] = "不属于企业诉求受理范围，已告知企业其他渠道" if rejected else ""
            return self.finish(row, events, cohandlers)

        sign_days, urgent_hours, reply_days, rate_days = self.limits[category]
        dispatched = created + (
            rng.uniform(0.3 * H, 6 * H) if rng.random() < 0.8 else rng.uniform(6 * H, 2 * D)
        )
        if dispatched > now:
            return self.finish(row, events, cohandlers)
        dept_id, dept_code = self.pick(self.departments)
        if urgent:
            sign_due, sign_est = dispatched + urgent_hours * H, False
        else:
            sign_due, sign_est = self.deadlines.due(dispatched, sign_days)
        reply_due, reply_est = self.deadlines.due(dispatched, reply_days)
        warn = dispatched + (reply_due - dispatched) * 0.8
        level2, l2_est = self.deadlines.due(reply_due, 5)
        co = []
        if rng.random() < 0.03:
            co_id, co_code = self.pick(self.departments)
            if co_id != dept_id:
                co = [(co_id, co_code)]
        row.update(
            department_id=dept_id,
            dispatched_at=dispatched,
            sign_due_at=sign_due,
            reply_due_at=reply_due,
            warn_at=warn,
            level2_due_at=level2,
            due_estimated=sign_est or reply_est or l2_est,
            status=Status.DISPATCHED,
        )
        events.append(
            (
                "dispatch",
                dispatched,
                Status.DISPATCHED,
                dept_id,
                {"department": dept_code, "co_departments": [c for _, c in co]},
                "",
                self.a.center_user,
            )
        )

        # When things would happen if nothing stopped them.
        if rng.random() < 0.93:
            signed = dispatched + rng.uniform(0.02, 0.8) * (sign_due - dispatched)
        else:
            signed = sign_due + rng.uniform(0.2 * H, 1.5 * D)
        q = rng.random()
        if q < 0.86:
            replied = (
                signed + rng.uniform(0.05, 0.98) * (reply_due - signed)
                if reply_due > signed
                else signed + 2 * H
            )
        elif q < 0.975:
            replied = reply_due + rng.uniform(0.5 * H, 4 * D)
        else:
            replied = reply_due + rng.uniform(7 * D, 20 * D)  # stuck past the level-2 time

        # What the worker did while the appeal was being handled (up to its reply or now).
        handled_until = min(replied, now)
        if signed > sign_due + 30 and sign_due + 30 <= now:
            row["urged_at"] = sign_due + 30
            events.append(("urge", sign_due + 30, None, dept_id, {}, "超过签收时限未签收，催办", None))
        if warn + 30 <= handled_until and warn + 30 < reply_due:
            row["warned_at"] = warn + 30
            note = (
                f"答复期限 {datetime.fromtimestamp(reply_due + SHANGHAI_OFFSET, UTC):%Y-%m-%d %H:%M} 即将到期"
            )
            events.append(("warn", warn + 30, None, dept_id, {}, note, None))
        level = 0
        if handled_until > reply_due + 30:
            level = 1
            events.append(
                (
                    "escalate",
                    reply_due + 30,
                    None,
                    dept_id,
                    {"from_level": 0, "level": 1},
                    "超过答复时限",
                    None,
                )
            )
        if handled_until > level2 + 30:
            level = 2
            events.append(
                (
                    "escalate",
                    level2 + 30,
                    None,
                    dept_id,
                    {"from_level": 1, "level": 2},
                    "答复超期 5 个工作日",
                    None,
                )
            )
        row["escalation_level"] = level
        for co_id, _ in co:
            cohandlers.append({"appeal_id": appeal_id, "department_id": co_id})

        if signed > now:
            return self.finish(row, events, cohandlers)
        row.update(signed_at=signed, status=Status.IN_PROGRESS)
        events.append(("sign", signed, Status.IN_PROGRESS, dept_id, {}, "", self.a.handler[dept_id]))
        for c in cohandlers:
            opinion_at = signed + rng.uniform(0.1, 0.9) * (replied - signed)
            if opinion_at <= now:
                c.update(opinion="我单位已配合核实，意见已反馈主办部门。", opinion_at=opinion_at)
        if replied > now:
            if rng.random() < 0.04 and now - signed > H:
                paused = rng.uniform(signed, now)
                row.update(status=Status.PAUSED, paused_at=paused)
                events.append(
                    (
                        "pause",
                        paused,
                        Status.PAUSED,
                        dept_id,
                        {},
                        "请企业补充营业执照及相关证明材料",
                        self.a.handler[dept_id],
                    )
                )
            return self.finish(row, events, cohandlers)

        result = rng.choices(["solved", "explained", "unsolvable"], cum_weights=[70, 95, 100])[0]
        rate_due, _ = self.deadlines.due(replied, rate_days)
        row.update(
            status=Status.REPLIED,
            replied_at=replied,
            rate_due_at=rate_due,
            reply_result=result,
            reply_content=REPLIES[result],
        )
        if result == "solved" and rng.random() < 0.1:
            row["cost_saved_yuan"] = Decimal(rng.randrange(1000, 5_000_000)) / 100
        events.append(
            (
                "reply",
                replied,
                Status.REPLIED,
                dept_id,
                {"result": result, "cost_saved_yuan": None},
                REPLIES[result],
                self.a.handler[dept_id],
            )
        )
        if rng.random() < 0.72:
            rated = replied + rng.uniform(0.02, 0.9) * (rate_due - replied)
            rating = rng.choices(["satisfied", "basic", "unsatisfied"], cum_weights=[80, 95, 100])[0]
            resolved = rng.random() < (0.9 if rating != "unsatisfied" else 0.2)
            closed = rated if rating != "unsatisfied" else rated + rng.uniform(0.5 * D, 3 * D)
        else:
            rated = rating = resolved = None
            closed = rate_due + 60  # the worker's auto-close
        if rated is not None and rated <= now:
            row.update(rating=rating, resolved=resolved, rated_at=rated)
            if rating == "unsatisfied":
                row.update(status=Status.REVIEWING, unsatisfied_count=1)
                events.append(
                    (
                        "rate",
                        rated,
                        Status.REVIEWING,
                        dept_id,
                        {"rating": rating, "resolved": resolved},
                        "",
                        self.a.ent_user[ent_id],
                    )
                )
        if closed <= now:
            row.update(status=Status.CLOSED, closed_at=closed)
            if rated is None:
                row["close_reason"] = ""
            elif rating == "unsatisfied":
                row["close_reason"] = "复核后办结"
            if rng.random() < 0.005:
                row["reopen_count"] = 1
        return self.finish(row, events, cohandlers)

    def finish(self, row, events, cohandlers):
        for name in (
            "created_at",
            "dispatched_at",
            "sign_due_at",
            "signed_at",
            "reply_due_at",
            "warn_at",
            "level2_due_at",
            "paused_at",
            "warned_at",
            "urged_at",
            "replied_at",
            "rate_due_at",
            "rated_at",
            "closed_at",
        ):
            if name in row:
                row[name] = dt(row[name])
        for c in cohandlers:
            if "opinion_at" in c:
                c["opinion_at"] = dt(c["opinion_at"])
        if row["status"] in FINISHED:
            return row, [], cohandlers
        return row, self.chain(row, events), cohandlers

    def chain(self, row, raw):
        """Hash-chained event rows for one appeal, in time order, exactly as audit.record_event writes them."""
        out = []
        prev, status = GENESIS, ""
        for seq, (action, at, to, dept_id, data, note, actor) in enumerate(
            sorted(raw, key=lambda e: e[1]), 1
        ):
            before = status
            status = to or status
            when = dt(at)
            digest = event_digest(
                prev_hash=prev,
                appeal_id=row["id"],
                seq=seq,
                action=action,
                actor_id=actor,
                department_id=dept_id,
                from_status=str(before),
                to_status=str(status),
                note=note,
                data=data,
                at=when,
            )
            out.append(
                {
                    "appeal_id": row["id"],
                    "seq": seq,
                    "action": action,
                    "actor_id": actor,
                    "department_id": dept_id,
                    "from_status": str(before),
                    "to_status": str(status),
                    "note": note,
                    "data": data,
                    "at": when,
                    "prev_hash": prev,
                    "hash": digest,
                }
            )
            prev = digest
        return out


# ---------------------------------------------------------------- writing


class Writer:
    """Rows by attname → the table, in chunks: COPY on PostgreSQL, bulk_create elsewhere.

    Rows are planned outside the COPY: planning may query the database (the working-day calendar loads
    its snapshot lazily), and a connection that is in COPY mode cannot run another query.
    """

    def __init__(self, model, use_copy: bool, *, include_pk: bool = False, chunk: int = 20_000):
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields if include_pk or not f.primary_key]
        self.defaults = {f.attname: f.get_default() for f in self.fields}
        self.use_copy = use_copy
        self.chunk = chunk if use_copy else 1000
        self.count = 0
        self.pending = []

    def tuple_of(self, row):
        out = []
        for f in self.fields:
            v = row[f.attname] if f.attname in row else self.defaults[f.attname]
            if isinstance(v, dict | list):
                v = json.dumps(v, ensure_ascii=False)
            elif isinstance(v, enum.Enum):
                v = v.value  # psycopg would dump an Enum by name
            elif isinstance(v, Promise):
                v = str(v)  # a lazy translation (a choice's label)
            out.append(v)
        return out

    def copy_sql(self) -> str:
        cols = ", ".join(connection.ops.quote_name(f.column) for f in self.fields)
        return f"COPY {connection.ops.quote_name(self.model._meta.db_table)} ({cols}) FROM STDIN"

    def add(self, row):
        self.count += 1
        self.pending.append(self.tuple_of(row) if self.use_copy else self.model(**row))
        if len(self.pending) >= self.chunk:
            self.flush()

    def flush(self):
        if not self.pending:
            return
        if self.use_copy:
            with connection.connection.cursor() as cur, cur.copy(self.copy_sql()) as copy:
                for t in self.pending:
                    copy.write_row(t)
        else:
            self.model.objects.bulk_create(self.pending, batch_size=500)
        self.pending = []


# ---------------------------------------------------------------- marker


def ensure_meta_table():
    with connection.cursor() as cur:
        cur.execute(
            f"CREATE TABLE IF NOT EXISTS {META_TABLE} (key varchar(40) PRIMARY KEY, value text NOT NULL)"
        )


def read_meta() -> dict:
    ensure_meta_table()
    with connection.cursor() as cur:
        cur.execute(f"SELECT key, value FROM {META_TABLE}")
        return dict(cur.fetchall())


def write_meta(values: dict):
    ensure_meta_table()
    with connection.cursor() as cur:
        for key, value in values.items():
            cur.execute(f"DELETE FROM {META_TABLE} WHERE key = %s", [key])
            cur.execute(f"INSERT INTO {META_TABLE} (key, value) VALUES (%s, %s)", [key, str(value)])


# ---------------------------------------------------------------- entry points


@dataclass
class GenResult:
    appeals: int
    events: int
    cohandlers: int
    seconds: float  # time to generate (for reused data: the time recorded when it was generated)
    analyze_seconds: float
    reused: bool
    method: str
    status_counts: dict


def status_counts() -> dict:
    return dict(Appeal.objects.order_by().values_list("status").annotate(n=Count("id")))


def generate(n: int, *, seed: int = 1, n_enterprises: int = 300, log=print) -> GenResult:
    """Insert n appeals into an empty appeals table (raises if it is not empty)."""
    if Appeal.objects.exists():
        raise RuntimeError("the appeals table is not empty: generate into a fresh database (--fresh)")
    started = time.perf_counter()
    actors = ensure_actors(n_enterprises)
    now = time.time()
    planner = Planner(actors, now, seed)
    created = planner.created_times(n)
    use_copy = connection.vendor == "postgresql"
    start_id = 1
    with transaction.atomic():
        connection.ensure_connection()
        appeals = Writer(Appeal, use_copy, include_pk=True)
        events_w = Writer(Event, use_copy)
        co_w = Writer(CoHandler, use_copy)
        for i, ts in enumerate(created):
            row, events, cos = planner.plan(start_id + i, ts)
            appeals.add(row)
            for e in events:
                events_w.add(e)
            for c in cos:
                co_w.add(c)
            if (i + 1) % 100_000 == 0:
                log(f"  {i + 1:,} appeals written ({time.perf_counter() - started:.0f} s)")
        appeals.flush()  # appeals before the events and co-handlers that point at them
        events_w.flush()
        co_w.flush()
        with connection.cursor() as cur:
            for stmt in connection.ops.sequence_reset_sql(no_style(), [Appeal, Event, CoHandler]):
                cur.execute(stmt)
        # Appeal numbers continue where the generated ones stop, so intake never collides with them.
        carry_over(Counter, {f"ZZ{d}": v for d, v in planner.day_seq.items()})
        write_meta(
            {
                "appeals": n,
                "events": events_w.count,
                "cohandlers": co_w.count,
                "seed": seed,
                "generated_epoch": now,
                "generated_at": datetime.fromtimestamp(now, UTC).isoformat(timespec="seconds"),
                "method": "COPY" if use_copy else "bulk_create",
            }
        )
    seconds = time.perf_counter() - started  # including the commit (deferred foreign-key checks)
    t0 = time.perf_counter()
    analyze()
    analyze_seconds = time.perf_counter() - t0
    write_meta({"seconds": round(seconds, 1), "analyze_seconds": round(analyze_seconds, 1)})
    return GenResult(
        appeals=appeals.count,
        events=events_w.count,
        cohandlers=co_w.count,
        seconds=seconds,
        analyze_seconds=analyze_seconds,
        reused=False,
        method="COPY" if use_copy else "bulk_create",
        status_counts=status_counts(),
    )


def analyze():
    tables = [
        m._meta.db_table for m in (Appeal, Event, CoHandler, Counter, Notification, Outbox, Supervision)
    ]
    with connection.cursor() as cur:
        if connection.vendor == "postgresql" and connection.get_autocommit():
            for t in tables:
                cur.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(t)}")
        else:
            cur.execute("ANALYZE")


def ensure_data(n: int, *, seed: int = 1, log=print) -> GenResult:
    """Reuse the data set when its marker says n appeals and the table holds n; else generate."""
    meta = read_meta()
    if meta.get("appeals") == str(n):
        count = Appeal.objects.count()
        if count == n:
            return GenResult(
                appeals=n,
                events=int(meta.get("events", 0)),
                cohandlers=int(meta.get("cohandlers", 0)),
                seconds=float(meta.get("seconds", 0)),
                analyze_seconds=float(meta.get("analyze_seconds", 0)),
                reused=True,
                method=meta.get("method", "?"),
                status_counts=status_counts(),
            )
        log(f"marker says {n:,} appeals but the table holds {count:,}: regenerate with --fresh")
        raise SystemExit(2)
    return generate(n, seed=seed, log=log)


def busiest_departments() -> list[tuple[int, int]]:
    """[(department id, appeals)] most appeals first."""
    return list(
        Appeal.objects.filter(department__isnull=False)
        .order_by()
        .values_list("department_id")
        .annotate(n=Count("id"))
        .order_by("-n")
    )
