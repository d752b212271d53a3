"""One hash-chained event mechanism for every subject, and the record of administrative writes.

A chain is a table of append-only rows, one sequence per subject (an appeal, a report, a cluster, a
project…): each row stores `seq`, the hash of the row before it (`prev_hash`) and its own `hash` over
its content. Chains are per subject rather than global because every writer already holds the
subject's row lock, so appending stays serialised without one hot row for the whole city.

A module declares its chain once (`Chain(model, subject="appeal", fields=(…))`) and registers it;
`verify_audit` walks every registered chain and names the first broken link.

Administrative writes (time limits, weights, calendar, catalogue, list versions, dispatch models,
Open311 keys, user roles…) go through `record_change`: who, when, what, before and after, in one
global chain serialised by a lock row, since such writes are rare and must never fork the chain.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC
from decimal import Decimal

from django.conf import settings
from django.db import models, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from wuyou.core.rows import insert_rows

GENESIS = "0" * 64
# What an actor-less event means: the system (the worker, a rule) acted, never a person.
SYSTEM = None


def digest(prev_hash: str, subject_id, seq: int, values: list, at) -> str:
    """The hash of one row: its predecessor's hash, its place in the chain and its content."""
    payload = [prev_hash, subject_id, seq, *values, at.astimezone(UTC).isoformat(timespec="microseconds")]
    raw = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(raw.encode()).hexdigest()


@dataclass
class Chain:
    """A hash chain stored in `model`, one sequence per value of its `subject` foreign key.

    `fields` are the content columns in hash order (foreign keys by attribute name, e.g. "actor_id");
    the model also has `seq`, `at`, `prev_hash` and `hash`."""

    name: str
    model: type[models.Model]
    subject: str
    fields: tuple[str, ...]
    label: str = ""

    @property
    def subject_id(self) -> str:
        return f"{self.subject}_id"

    def _values(self, values: dict) -> list:
        # Left out: no foreign key, no data, empty text.
        return [values.get(n, None if n.endswith("_id") else {} if n == "data" else "") for n in self.fields]

    def head(self, subject_id) -> tuple[int, str]:
        last = (
            self.model.objects.filter(**{self.subject_id: subject_id})
            .order_by("-seq")
            .values_list("seq", "hash")
            .first()
        )
        return (last[0], last[1]) if last else (0, GENESIS)

    def append(self, subject_id, *, at=None, first: bool = False, **values):
        """Append one row; the caller holds the subject's row lock (or has just created the subject)."""
        at = at or timezone.now()
        seq, prev = (0, GENESIS) if first else self.head(subject_id)
        seq += 1
        content = dict(zip(self.fields, self._values(values), strict=True))
        row = self.model(
            **{self.subject_id: subject_id},
            seq=seq,
            at=at,
            prev_hash=prev,
            hash=digest(prev, subject_id, seq, list(content.values()), at),
            **content,
            **{k: v for k, v in values.items() if k not in content},
        )
        row.save(force_insert=True)
        return row

    def append_many(self, specs: list[dict]) -> int:
        """Append many rows with one read of the chain heads and one insert (the worker's batches).

        Each spec: {"subject_id", "at", <fields>}. The caller holds the subjects' row locks."""
        if not specs:
            return 0
        ids = {spec["subject_id"] for spec in specs}
        latest = (
            self.model.objects.filter(**{self.subject_id: OuterRef(self.subject_id)})
            .order_by("-seq")
            .values("seq")[:1]
        )
        heads = {
            sid: (seq, h)
            for sid, seq, h in self.model.objects.filter(
                **{f"{self.subject_id}__in": ids}, seq=Subquery(latest)
            ).values_list(self.subject_id, "seq", "hash")
        }
        rows = []
        for spec in specs:
            sid = spec["subject_id"]
            seq, prev = heads.get(sid, (0, GENESIS))
            seq += 1
            values = self._values(spec)
            h = digest(prev, sid, seq, values, spec["at"])
            rows.append((sid, seq, *values, spec["at"], prev, h))
            heads[sid] = (seq, h)
        columns = (
            self.subject,
            "seq",
            *[f.removesuffix("_id") for f in self.fields],
            "at",
            "prev_hash",
            "hash",
        )
        return insert_rows(self.model, columns, rows)

    def verify(self, batch_size: int = 5000):
        """Walk every chain in order; return (checked, first broken row id or None, reason)."""
        checked = 0
        current, prev, expected = object(), GENESIS, 1
        qs = self.model.objects.order_by(self.subject_id, "seq").values_list(
            "id", self.subject_id, "seq", *self.fields, "at", "prev_hash", "hash"
        )
        n = len(self.fields)
        for row in qs.iterator(chunk_size=batch_size):
            rid, sid, seq = row[0], row[1], row[2]
            values, (at, prev_hash, h) = list(row[3 : 3 + n]), row[3 + n :]
            if sid != current:
                current, prev, expected = sid, GENESIS, 1
            checked += 1
            where = f"{self.label or self.name} {sid} 第 {seq} 条"
            if seq != expected:
                return (
                    checked,
                    rid,
                    f"{self.label or self.name} {sid} 的事件序号 {seq} 不连续（应为 {expected}）",
                )
            if prev_hash != prev:
                return checked, rid, f"{where}事件的前序哈希与上一条不符"
            if digest(prev_hash, sid, seq, values, at) != h:
                return checked, rid, f"{where}事件内容被改动（哈希不符）"
            prev, expected = h, seq + 1
        return checked, None, ""


CHAINS: dict[str, Chain] = {}


def register(chain: Chain) -> Chain:
    CHAINS[chain.name] = chain
    return chain


def verify_all(batch_size: int = 5000) -> list[tuple[str, int, int | None, str]]:
    """(chain name, rows checked, first broken row id or None, reason) for every registered chain."""
    return [(name, *chain.verify(batch_size)) for name, chain in CHAINS.items()]


# ---------------------------------------------------------------- administrative writes


class AuditRecord(models.Model):
    """An administrative write: who changed what, when, from what to what. One global hash chain."""

    seq = models.PositiveBigIntegerField(unique=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField("操作", max_length=60, db_index=True)
    subject_type = models.CharField("对象类型", max_length=60, db_index=True)
    subject_id = models.CharField("对象编号", max_length=60, blank=True)
    subject_label = models.CharField("对象", max_length=200, blank=True)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    note = models.TextField(blank=True)
    at = models.DateTimeField(db_index=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        app_label = "core"
        ordering = ["-seq"]
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="audit_subject")]


class ChainHead(models.Model):
    """The lock row of a global chain: appending takes it FOR UPDATE, so two writers never fork."""

    name = models.CharField(max_length=40, primary_key=True)

    class Meta:
        app_label = "core"


ADMIN_FIELDS = (
    "actor_id",
    "action",
    "subject_type",
    "subject_id",
    "subject_label",
    "before",
    "after",
    "note",
)


def _jsonable(value):
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


def snapshot(instance: models.Model | None, fields) -> dict:
    """The named fields of an instance as JSON-safe values (foreign keys by id); {} for None."""
    if instance is None:
        return {}
    out = {}
    for name in fields:
        f = instance._meta.get_field(name)
        out[name] = _jsonable(getattr(instance, f.attname))
    return out


def subject_of(obj) -> tuple[str, str, str]:
    if isinstance(obj, models.Model):
        return obj._meta.label_lower, str(obj.pk), str(obj)[:200]
    if isinstance(obj, tuple):
        kind, pk, *label = obj
        return kind, str(pk), (label[0] if label else str(pk))[:200]
    return str(obj), "", str(obj)[:200]


def record_change(
    *, by, action: str, subject, before: dict | None = None, after: dict | None = None, note: str = ""
):
    """Record an administrative write inside the caller's transaction.

    `subject` is a model instance, a (type, id[, label]) tuple or a string naming a setting;
    `before`/`after` are dicts of the values that matter (`snapshot()` builds them). Only changed keys
    are kept, so the audit page shows what moved."""
    before, after = _jsonable(before or {}), _jsonable(after or {})
    if before and after:
        changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
        before = {k: v for k, v in before.items() if k in changed}
        after = {k: v for k, v in after.items() if k in changed}
    kind, pk, label = subject_of(subject)
    actor_id = getattr(by, "pk", None)
    at = timezone.now()
    with transaction.atomic():
        ChainHead.objects.get_or_create(name="admin")
        ChainHead.objects.select_for_update().get(name="admin")
        last = AuditRecord.objects.order_by("-seq").values_list("seq", "hash").first()
        seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
        values = [actor_id, action, kind, pk, label, before, after, note]
        return AuditRecord.objects.create(
            seq=seq,
            actor_id=actor_id,
            action=action,
            subject_type=kind,
            subject_id=pk,
            subject_label=label,
            before=before,
            after=after,
            note=note,
            at=at,
            prev_hash=prev,
            hash=digest(prev, "admin", seq, values, at),
        )


def verify_admin(batch_size: int = 5000):
    checked, prev, expected = 0, GENESIS, 1
    qs = AuditRecord.objects.order_by("seq").values_list(
        "id", "seq", *ADMIN_FIELDS, "at", "prev_hash", "hash"
    )
    for row in qs.iterator(chunk_size=batch_size):
        rid, seq, values, (at, prev_hash, h) = row[0], row[1], list(row[2:10]), row[10:]
        checked += 1
        if seq != expected:
            return checked, rid, f"管理操作记录序号 {seq} 不连续（应为 {expected}）"
        if prev_hash != prev or digest(prev_hash, "admin", seq, values, at) != h:
            return checked, rid, f"管理操作记录第 {seq} 条被改动（哈希不符）"
        prev, expected = h, seq + 1
    return checked, None, ""


def build_chains(model, subject: str, fields: tuple[str, ...]) -> int:
    """Chain rows written before their table had a chain, per subject in the order they were written
    (at, id). For a module's migration that adds `seq`, `prev_hash` and `hash` to an event table; pass
    the migration's historical model and the same `fields` as the module's `Chain`."""
    heads, n = {}, 0
    subject_id = f"{subject}_id"
    for row in model.objects.order_by(subject_id, "at", "id").iterator(chunk_size=2000):
        sid = getattr(row, subject_id)
        seq, prev = heads.get(sid, (0, GENESIS))
        seq += 1
        row.seq, row.prev_hash = seq, prev
        row.hash = digest(prev, sid, seq, [getattr(row, f) for f in fields], row.at)
        row.save(update_fields=["seq", "prev_hash", "hash"])
        heads[sid] = (seq, row.hash)
        n += 1
    return n
