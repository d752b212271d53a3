"""Human-readable numbers (ZZ20261202-0001, NL20261202-0003, …) from one counter table.

Each number is one upsert in its own short transaction: the counter row is the one row every intake
writes, and holding its lock for the whole intake (a password hash, file saves, the insert) capped the
appeals intake near 220/s (docs/performance.md). The price: a number is skipped when the caller's
insert then fails, as with a database sequence (docs/decisions.md)."""

from django.db import connection, models
from django.utils import timezone


class Counter(models.Model):
    name = models.CharField(max_length=40, unique=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        app_label = "core"


def next_value(key: str) -> int:
    """Increment and return the counter `key` (created at 1)."""
    # ON CONFLICT … RETURNING: SQLite ≥ 3.35 and PostgreSQL. Call it before opening the transaction
    # that uses the number, so the row lock lasts one statement.
    table = connection.ops.quote_name(Counter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (name, last) VALUES (%s, 1) "
            f"ON CONFLICT (name) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [key],
        )
        return cursor.fetchone()[0]


def daily_number(prefix: str, now=None, *, width: int = 4) -> str:
    """prefix + local date + "-" + the day's sequence, e.g. ZZ20261202-0001."""
    day = timezone.localtime(now or timezone.now()).strftime("%Y%m%d")
    return f"{prefix}{day}-{next_value(prefix + day):0{width}d}"


def carry_over(counter_model, values: dict[str, int]) -> None:
    """Make each named counter at least the given value (creating it if missing), so numbering goes
    on after what an older sequence or generated data already handed out. Takes the model so that
    migrations can pass their historical one."""
    have = dict(counter_model.objects.filter(name__in=list(values)).values_list("name", "last"))
    counter_model.objects.bulk_create(
        [counter_model(name=k, last=v) for k, v in values.items() if k not in have], batch_size=500
    )
    for name, last in values.items():
        if name in have and have[name] < last:
            counter_model.objects.filter(name=name).update(last=last)
