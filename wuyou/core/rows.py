"""Append many plain rows at once: COPY on PostgreSQL, one executemany elsewhere.

For the worker's batches, where building tens of thousands of model instances for bulk_create cost
more than the database's own work (docs/performance.md). No model instances, no signals, no ids
back. Fields left out get their model default (auto_now and auto_now_add fields: now)."""

import json
from collections.abc import Iterable, Sequence

from django.db import connection, models
from django.utils import timezone


def insert_rows(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence]) -> int:
    rows = list(rows)
    if not rows:
        return 0
    opts = model._meta
    given = [opts.get_field(name) for name in fields]
    rest, rest_values = _defaults(model, {f.name for f in given})
    columns = [f.column for f in [*given, *rest]]
    convert = [_converter(f) for f in [*given, *rest]]
    tail = tuple(rest_values)
    if any(convert):
        prepared = [
            tuple(c(v) if c else v for c, v in zip(convert, (*row, *tail), strict=True)) for row in rows
        ]
    else:
        prepared = [(*row, *tail) for row in rows]
    quote = connection.ops.quote_name
    table, names = quote(opts.db_table), ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in prepared:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", prepared)
    return len(prepared)


def _defaults(model, given: set[str]):
    now = timezone.now()
    fields, values = [], []
    for f in model._meta.concrete_fields:
        if f.primary_key or f.name in given:
            continue
        fields.append(f)
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            values.append(now)
        else:
            values.append(f.get_default())
    return fields, values


def _converter(field):
    if isinstance(field, models.JSONField):
        encoder = field.encoder

        def dump(value):
            return None if value is None else json.dumps(value, cls=encoder)

        return dump
    if isinstance(field, models.DateTimeField) and connection.vendor != "postgresql":
        return connection.ops.adapt_datetimefield_value
    return None
