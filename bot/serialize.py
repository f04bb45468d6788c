"""Postings and verdicts to and from JSON-ready dicts, for the store, caches and `--json`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.models import Filter, Pay, PayPeriod, Posting, RiskLevel, Signal, Verdict


def pay_to_dict(pay: Pay | None) -> dict[str, Any] | None:
    if pay is None:
        return None
    return {
        "min": pay.min_amount,
        "max": pay.max_amount,
        "currency": pay.currency,
        "period": pay.period.value,
    }


def pay_from_dict(data: dict[str, Any] | None) -> Pay | None:
    if not data:
        return None
    return Pay(
        float(data["min"]), float(data["max"]), str(data["currency"]), PayPeriod(data["period"])
    )


def posting_to_dict(posting: Posting) -> dict[str, Any]:
    return {
        "source": posting.source,
        "id": posting.native_id,
        "url": posting.url,
        "title": posting.title,
        "company": posting.company,
        "company_domain": posting.company_domain,
        "location": posting.location,
        "remote": posting.remote,
        "pay": pay_to_dict(posting.pay),
        "description": posting.description,
        "posted_at": posting.posted_at.isoformat() if posting.posted_at else None,
        "language": posting.language,
    }


def posting_from_dict(data: dict[str, Any]) -> Posting:
    posted_at = data.get("posted_at")
    return Posting(
        source=data["source"],
        native_id=data["id"],
        url=data["url"],
        title=data["title"],
        company=data.get("company") or "",
        company_domain=data.get("company_domain"),
        location=data.get("location") or "",
        remote=data.get("remote"),
        pay=pay_from_dict(data.get("pay")),
        description=data.get("description") or "",
        posted_at=datetime.fromisoformat(posted_at) if posted_at else None,
        language=data.get("language"),
    )


def signal_to_dict(signal: Signal) -> dict[str, Any]:
    return {
        "id": signal.id,
        "weight": signal.weight,
        "evidence": signal.evidence,
        "message_key": signal.message_key,
        "params": dict(signal.params),
    }


def verdict_to_dict(verdict: Verdict) -> dict[str, Any]:
    return {
        "risk": verdict.risk,
        "level": verdict.level.value,
        "reasons": [signal_to_dict(s) for s in verdict.reasons],
        "verified_employer": verdict.verified_employer,
        "matched_script": verdict.matched_script,
        "scored": verdict.scored,
    }


def assessment_to_dict(verdict: Verdict | None) -> dict[str, Any]:
    """How a polled posting was judged, for `poll --once --json`: not relevant (and so not
    scored), or its level, risk and every reason, strongest first."""
    if verdict is None:
        return {"relevant": False, "level": None, "risk": None, "reasons": []}
    return {
        "relevant": True,
        "level": verdict.level.value,
        "risk": verdict.risk,
        "scored": verdict.scored,
        "reasons": [
            {"id": s.id, "weight": s.weight, "evidence": s.evidence} for s in verdict.reasons
        ],
    }


def verdict_from_dict(data: dict[str, Any]) -> Verdict:
    return Verdict(
        risk=int(data["risk"]),
        level=RiskLevel(data["level"]),
        reasons=tuple(
            Signal(
                id=r["id"],
                weight=float(r["weight"]),
                evidence=r.get("evidence", ""),
                message_key=r.get("message_key", f"signal.{r['id']}"),
                params=dict(r.get("params") or {}),
            )
            for r in data.get("reasons", [])
        ),
        verified_employer=data.get("verified_employer"),
        matched_script=data.get("matched_script"),
        scored=bool(data.get("scored", True)),
    )


def filter_to_dict(flt: Filter) -> dict[str, Any]:
    return {
        "keywords": list(flt.keywords),
        "exclude": list(flt.exclude),
        "regex": flt.regex,
        "remote_only": flt.remote_only,
        "locations": list(flt.locations),
        "min_pay": pay_to_dict(flt.min_pay),
        "languages": list(flt.languages),
        "sources": list(flt.sources),
        "max_risk": flt.max_risk.value,
    }


def filter_from_dict(data: dict[str, Any]) -> Filter:
    return Filter(
        keywords=tuple(data.get("keywords", ())),
        exclude=tuple(data.get("exclude", ())),
        regex=data.get("regex"),
        remote_only=bool(data.get("remote_only", False)),
        locations=tuple(data.get("locations", ())),
        min_pay=pay_from_dict(data.get("min_pay")),
        languages=tuple(data.get("languages", ())),
        sources=tuple(data.get("sources", ())),
        max_risk=RiskLevel(data.get("max_risk", RiskLevel.CAUTION.value)),
    )


def utc_iso(timestamp: float | None) -> str | None:
    """A Unix time as an ISO 8601 UTC string to the second; None stays None."""
    return (
        datetime.fromtimestamp(timestamp, UTC).isoformat(timespec="seconds") if timestamp else None
    )
