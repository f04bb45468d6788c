"""APScheduler 3's schedulers: the API Vigia uses."""

from collections.abc import Callable, Sequence
from datetime import datetime, tzinfo
from typing import Any

class Job:
    id: str
    name: str
    next_run_time: datetime | None
    trigger: Any
    func: Callable[..., Any]
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    max_instances: int
    coalesce: bool
    misfire_grace_time: int | None
    def remove(self) -> None: ...
    def modify(self, **changes: Any) -> Job: ...

class BaseScheduler:
    def __init__(self, *, timezone: tzinfo | str = ..., **options: Any) -> None: ...
    @property
    def running(self) -> bool: ...
    def start(self, paused: bool = ...) -> None: ...
    def shutdown(self, wait: bool = ...) -> None: ...
    def add_job(
        self,
        func: Callable[..., Any],
        trigger: object = ...,
        args: Sequence[Any] | None = ...,
        kwargs: dict[str, Any] | None = ...,
        id: str | None = ...,
        name: str | None = ...,
        misfire_grace_time: int | None = ...,
        coalesce: bool = ...,
        max_instances: int = ...,
        next_run_time: datetime | None = ...,
        jobstore: str = ...,
        executor: str = ...,
        replace_existing: bool = ...,
        **trigger_args: Any,
    ) -> Job: ...
    def get_jobs(self, jobstore: str | None = ...) -> list[Job]: ...
    def get_job(self, job_id: str, jobstore: str | None = ...) -> Job | None: ...
    def remove_job(self, job_id: str, jobstore: str | None = ...) -> None: ...
    def pause(self) -> None: ...
    def resume(self) -> None: ...
