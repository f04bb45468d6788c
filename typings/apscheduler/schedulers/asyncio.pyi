"""APScheduler 3's asyncio scheduler."""

from apscheduler.schedulers.base import BaseScheduler

class AsyncIOScheduler(BaseScheduler): ...
