from datetime import datetime, tzinfo

class IntervalTrigger:
    def __init__(
        self,
        weeks: int = ...,
        days: int = ...,
        hours: int = ...,
        minutes: int = ...,
        seconds: float = ...,
        start_date: datetime | str | None = ...,
        end_date: datetime | str | None = ...,
        timezone: tzinfo | str | None = ...,
        jitter: float | None = ...,
    ) -> None: ...
