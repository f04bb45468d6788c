"""Payloads of every single-request source kind, with jobs posted on several of them.

`bench/poll_cycle.py --mixed` serves these: `distinct` jobs spread over the kinds, and enough
re-posts of them on sources of *another* kind that `duplicate_rate` of all postings are
re-posts. A re-post is told apart the three ways an aggregator does it: the employer's apply
link with tracking parameters (and its own title wording), the same company/title/place
spelled another way ("Inc.", "Anywhere"), or the same text under the company's other name.
Every job has a distinct AI-trainer title, so each is relevant and each must alert once.
Jobs are re-posted on aggregators (and feeds and careers pages), as in life.
"""

from __future__ import annotations

import html
import json
import random
from dataclasses import dataclass, replace

#: The kinds read in one request (smartrecruiters and hn need detail calls; jobspy scrapes).
KINDS = (
    "greenhouse", "lever", "ashby", "workable", "recruitee", "remoteok", "remotive",
    "himalayas", "arbeitnow", "rss", "jsonld",
)  # fmt: skip
#: Kinds that read one employer's board: the source names the company.
BOARD_KINDS = frozenset({"greenhouse", "lever", "ashby", "workable", "recruitee"})
_WORDS = (
    "model",
    "answers",
    "rank",
    "write",
    "review",
    "guidelines",
    "quality",
    "spanish",
    "english",
    "prompts",
    "reasoning",
    "facts",
    "safety",
    "tasks",
    "project",
    "feedback",
    "data",
    "labels",
    "evaluate",
    "rubric",
    "examples",
    "clear",
    "notes",
    "weekly",
    "flexible",
    "hours",
    "native",
    "writers",
    "experts",
    "coding",
    "math",
    "science",
    "research",
    "teams",
)


@dataclass(frozen=True, slots=True)
class Job:
    key: int
    title: str
    company: str
    location: str
    url: str
    description: str


def _job(key: int, rng: random.Random) -> Job:
    words = " ".join(rng.choice(_WORDS) for _ in range(90))
    return Job(
        key,
        f"AI Trainer {key} - {rng.choice(['Spanish', 'English', 'Math', 'Coding'])}",
        f"Company {key % 97}",
        "Remote",
        f"https://jobs.example-ats.com/c{key % 97}/jobs/{key}",
        f"Job {key}: {words}.",
    )


def board_company(kind: str, number: int) -> str:
    """The employer whose board source `number` of a board kind reads."""
    return f"Employer {kind} {number}"


def _repost(job: Job, how: int) -> Job:
    if how == 0:  # the apply link with tracking, the aggregator's own wording of the title
        return replace(
            job,
            title=f"{job.title.split(' - ')[1]} AI Trainer #{job.key}",
            url=f"{job.url}?utm_source=board&ref=feed",
        )
    aggregator_url = f"https://aggregator.example.org/jobs/{job.key}"
    if how == 1:  # the same company, title and place, spelled another way
        return replace(job, company=f"{job.company}, Inc.", location="Anywhere", url=aggregator_url)
    # The same text under the company's other name.
    return replace(job, company=f"{job.company} Labs", url=aggregator_url)


def spread(
    distinct: int, sources_per_kind: int, duplicate_rate: float, seed: int = 7
) -> dict[tuple[str, int], list[Job]]:
    """(kind, source number) → its jobs."""
    rng = random.Random(seed)
    jobs = [_job(key, rng) for key in range(distinct)]
    boards: dict[tuple[str, int], list[Job]] = {
        (kind, n): [] for kind in KINDS for n in range(sources_per_kind)
    }
    homes: dict[int, str] = {}
    for index, job in enumerate(jobs):
        kind, number = rng.choice(KINDS), rng.randrange(sources_per_kind)
        if kind in BOARD_KINDS:  # an employer's board: its jobs are that employer's
            job = jobs[index] = replace(job, company=board_company(kind, number))
        boards[(kind, number)].append(job)
        homes[job.key] = kind
    reposts = round(distinct * duplicate_rate / (1 - duplicate_rate))
    for index, job in enumerate(rng.sample(jobs, reposts)):
        kind = rng.choice([k for k in KINDS if k != homes[job.key] and k not in BOARD_KINDS])
        boards[(kind, rng.randrange(sources_per_kind))].append(_repost(job, index % 3))
    return boards


def payload(kind: str, jobs: list[Job]) -> tuple[bytes, str]:
    """The body a `kind` source would send with `jobs`, and its content type."""
    if kind == "rss":
        items = "".join(
            f"<item><title>{html.escape(j.company)}: {html.escape(j.title)}</title>"
            f"<link>{html.escape(j.url)}</link><guid>{j.key}-{html.escape(j.url)}</guid>"
            f"<description>{html.escape(j.description)}</description></item>"
            for j in jobs
        )
        channel = f"<channel><title>Jobs</title>{items}</channel>"
        feed = f'<?xml version="1.0"?><rss version="2.0">{channel}</rss>'
        return feed.encode(), "application/rss+xml"
    if kind == "jsonld":
        postings = [
            {
                "@context": "https://schema.org",
                "@type": "JobPosting",
                "identifier": str(j.key),
                "title": j.title,
                "url": j.url,
                "description": j.description,
                "hiringOrganization": {"@type": "Organization", "name": j.company},
                "jobLocationType": "TELECOMMUTE",
                "applicantLocationRequirements": {"@type": "Country", "name": j.location},
                "datePosted": "2026-11-20",
            }
            for j in jobs
        ]
        script = json.dumps(postings).replace("</", "<\\/")
        page = f'<html><head><script type="application/ld+json">{script}</script></head></html>'
        return page.encode(), "text/html"
    return json.dumps(_json_payload(kind, jobs)).encode(), "application/json"


def _json_payload(kind: str, jobs: list[Job]) -> object:
    if kind == "greenhouse":
        return {
            "jobs": [
                {
                    "id": j.key,
                    "title": j.title,
                    "company_name": j.company,
                    "absolute_url": j.url,
                    "location": {"name": j.location},
                    "content": html.escape(f"<p>{j.description}</p>"),
                    "updated_at": "2026-11-20T10:00:00Z",
                }
                for j in jobs
            ],
            "meta": {"total": len(jobs)},
        }
    if kind == "lever":
        return [
            {
                "id": f"l-{j.key}",
                "text": j.title,
                "hostedUrl": j.url,
                "categories": {"location": j.location},
                "descriptionPlain": j.description,
                "createdAt": 1_795_000_000_000,
            }
            for j in jobs
        ]
    if kind == "ashby":
        return {
            "apiVersion": "1",
            "jobs": [
                {
                    "id": f"a-{j.key}",
                    "title": j.title,
                    "jobUrl": j.url,
                    "location": j.location,
                    "descriptionPlain": j.description,
                    "isListed": True,
                }
                for j in jobs
            ],
        }
    if kind == "workable":
        return {
            "name": "",
            "jobs": [
                {
                    "shortcode": f"W{j.key}",
                    "title": j.title,
                    "url": j.url,
                    "country": j.location,
                    "description": f"<p>{j.description}</p>",
                }
                for j in jobs
            ],
        }
    if kind == "recruitee":
        return {
            "offers": [
                {
                    "id": j.key,
                    "title": j.title,
                    "company_name": j.company,
                    "careers_url": j.url,
                    "location": j.location,
                    "description": f"<p>{j.description}</p>",
                    "status": "published",
                }
                for j in jobs
            ]
        }
    if kind == "remoteok":
        return [{"legal": "API terms"}] + [
            {
                "id": str(j.key),
                "position": j.title,
                "company": j.company,
                "url": j.url,
                "location": j.location,
                "description": j.description,
            }
            for j in jobs
        ]
    if kind == "remotive":
        return {
            "job-count": len(jobs),
            "jobs": [
                {
                    "id": j.key,
                    "url": j.url,
                    "title": j.title,
                    "company_name": j.company,
                    "candidate_required_location": j.location,
                    "description": f"<p>{j.description}</p>",
                }
                for j in jobs
            ],
        }
    if kind == "himalayas":
        return {
            "jobs": [
                {
                    "guid": j.url,
                    "applicationLink": j.url,
                    "title": j.title,
                    "companyName": j.company,
                    "locationRestrictions": [j.location],
                    "description": f"<p>{j.description}</p>",
                }
                for j in jobs
            ],
            "offset": 0,
            "limit": max(len(jobs), 1),
            "totalCount": len(jobs),
        }
    if kind == "arbeitnow":
        return {
            "data": [
                {
                    "slug": f"s-{j.key}",
                    "url": j.url,
                    "title": j.title,
                    "company_name": j.company,
                    "location": j.location,
                    "remote": True,
                    "description": f"<p>{j.description}</p>",
                }
                for j in jobs
            ],
            "links": {"next": None},
        }
    raise ValueError(kind)
