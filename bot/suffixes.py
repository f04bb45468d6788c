"""The public-suffix list, one extractor for the whole process.

tldextract builds its tries on first use (two of them, ~14,000 nodes each: about 6 MB of
objects). The posting builder (`bot.postings.build.domain_of`), the scam checks
(`bot.scam.link_parts`) and the `check` command each kept an extractor of their own, so a
running bot held the list twice; they share this one. Only the bundled snapshot is read:
looking a domain up never touches the network.
"""

from __future__ import annotations

import tldextract

__all__ = ["PUBLIC_SUFFIXES"]

PUBLIC_SUFFIXES = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
