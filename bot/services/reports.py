"""Reports users make on a check ("Report as scam", "Looks fine"), and what an
administrator's report confirms: a scam's text joins the known scripts, kept in the store."""

from __future__ import annotations

import hashlib
from enum import StrEnum
from typing import TYPE_CHECKING

from bot.errors import UnknownCheck
from bot.store import Database
from bot.store import postings as postings_store
from bot.store import reports as reports_store
from bot.store import scripts as scripts_store

if TYPE_CHECKING:
    from bot.scam import ScamChecker

__all__ = ["ReportKind", "ReportService"]


class ReportKind(StrEnum):
    SCAM = "scam"
    FINE = "fine"


class ReportService:
    def __init__(self, *, db: Database, checker: ScamChecker) -> None:
        self._db = db
        self._checker = checker

    async def report(
        self, check_id: int, *, user: str, kind: ReportKind, admin: bool = False
    ) -> bool:
        """Store a user's report on a check's link or text. True when new, False when this
        user had already reported this subject (the newer kind replaces the older).

        A chat administrator's "scam" report is a confirmation: the checked text joins the
        known scam scripts (kept in the store, so it survives restarts), and near-copies of it
        are flagged from then on. An administrator's "looks fine" withdraws that confirmation.
        """
        check = await postings_store.get_check(self._db, check_id)
        if check is None:
            raise UnknownCheck(check_id)
        is_new = await reports_store.upsert_report(
            self._db, subject=check.subject, user=user, kind=kind.value, check_id=check_id
        )
        if admin and check.body:
            await self._confirm(check.subject, check.body, check_id, user=user, kind=kind)
        return is_new

    async def _confirm(
        self, subject: str, body: str, check_id: int, *, user: str, kind: ReportKind
    ) -> None:
        script_id = "confirmed:" + hashlib.sha256(subject.encode()).hexdigest()[:16]
        label = "scam" if kind is ReportKind.SCAM else "legit"
        self._checker.add_script(script_id, body, label)
        if kind is ReportKind.SCAM:
            await scripts_store.add_confirmed_script(
                self._db,
                script_id=script_id,
                text=body,
                label=label,
                check_id=check_id,
                confirmed_by=user,
            )
        else:
            await scripts_store.remove_confirmed_script(self._db, script_id)
