"""What reading a job page yields, and the limits every page reader keeps to.

Kept apart from the readers (`bot.links.jsonld`, `bot.links.opengraph`,
`bot.links.page_text`) and from the front door (`bot.links.extract`) so that each reader can
return the same result without the modules importing one another in a circle.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.models import Posting

SOURCE = "link"
#: Descriptions longer than this are cut: the scam rules have seen enough by then, and a 2 MB
#: page of filler must not cost the checker seconds.
MAX_DESCRIPTION_CHARS = 50_000
MAX_TITLE_CHARS = 200

How = Literal["jsonld", "opengraph", "text"]


@dataclass(frozen=True, slots=True)
class ExtractedPosting:
    posting: Posting
    #: What the page says about the employer (name, site, profiles, self-description): the
    #: scam checker weighs a missing or thin identity.
    company_profile: str
    how: How
    #: The address the page claims for itself (canonical link, `og:url`, JSON-LD `url`).
    #: Only trusted for a saved page, which has no address of its own: a fetched page could
    #: claim any employer's domain.
    declared_url: str | None = None
