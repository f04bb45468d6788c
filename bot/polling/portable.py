"""Pickling for the CPU worker process's pipe, fast for the records that cross it by thousands.

Postings, verdicts and job keys are frozen, slotted dataclasses. Pickle handles them through
the `__getstate__` and `__setstate__` that `dataclasses` writes for such classes, which list
the fields with `dataclasses.fields()` at every call: 58 µs to dump a posting and 24 µs to
load it, 100 µs and 44 µs for a posting with its verdict and keys, a third of what assessing
it costs. Here each such record is reduced to its field values, read by one
`operator.attrgetter` (in C), and rebuilt by setting them on a new object: the same values,
including fields outside `__init__` (a posting's remembered fingerprint).

Only this pipe's pickler uses the table (`dumps`); anything else pickles these classes as
before. Loading is plain `pickle.loads`: the records name `rebuild`, importable on both ends.
"""

from __future__ import annotations

import copyreg
import dataclasses
import io
import operator
import pickle
from collections.abc import Callable
from typing import Any

from bot.models import Pay, Posting, Signal, Verdict
from bot.polling.source import Page
from bot.postings.sameness import JobKeys

__all__ = ["dumps", "rebuild"]

_RECORDS: tuple[type, ...] = (Posting, Pay, Signal, Verdict, JobKeys, Page)
_FIELDS: dict[type, tuple[str, ...]] = {
    record: tuple(field.name for field in dataclasses.fields(record)) for record in _RECORDS
}


def rebuild(record: type, values: tuple[Any, ...]) -> Any:
    """A record of class `record` with `values` in its fields' order."""
    instance: Any = object.__new__(record)
    for name, value in zip(_FIELDS[record], values, strict=True):
        object.__setattr__(instance, name, value)
    return instance


def _reducer(record: type) -> Callable[[Any], tuple[Any, ...]]:
    names = _FIELDS[record]
    read = operator.attrgetter(*names)
    if len(names) == 1:
        return lambda instance: (rebuild, (record, (read(instance),)))
    return lambda instance: (rebuild, (record, read(instance)))


_TABLE = copyreg.dispatch_table.copy()
_TABLE.update({record: _reducer(record) for record in _RECORDS})


def dumps(value: object) -> bytes:
    """`pickle.dumps(value)`, with the records above reduced to their field values."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _TABLE
    pickler.dump(value)
    return buffer.getvalue()
