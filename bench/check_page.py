"""Benchmark: "is this legit?" on a saved page, no network.

Times `LegitChecker.check_document` (read the file, extract the posting, score it) on each
page, after a warm-up, and prints the median and 95th-percentile latency, plus the same for
extraction alone so a regression can be placed on the right side. A synthetic large page
(a JSON-LD posting inside about 1.9 MB of page text, just under the fetch cap) is included,
and the same without JSON-LD (the text is then read and scored, capped at 50,000
characters), as the worst cases a fetched link can hand the checker.

Run: .venv/bin/python bench/check_page.py [PAGE ...] [--runs 200]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.links.checker import LegitChecker
from bot.links.extract import extract_posting
from bot.links.safefetch import SafeFetcher
from bot.scam import ScamChecker

PAGES_DIR = Path(__file__).resolve().parent.parent / "tests" / "data" / "pages"
DEFAULT_PAGES = ["jobposting_jsonld.html", "graph_jsonld.html", "opengraph.html", "scam.html"]


def large_page(template: str, closing_tag: str, path: Path, target_bytes: int = 1_900_000) -> Path:
    """A test page padded with ordinary paragraphs up to about `target_bytes`."""
    page = (PAGES_DIR / template).read_text(encoding="utf-8")
    paragraph = (
        "<p>Our annotators review model answers for accuracy, tone and safety, and write "
        "reference answers in clear Spanish. Projects change every few weeks.</p>\n"
    )
    filler = paragraph * (target_bytes // len(paragraph))
    path.write_text(page.replace(closing_tag, filler + closing_tag), encoding="utf-8")
    return path


def timed(action: Callable[[], object], runs: int) -> tuple[float, float]:
    """(median, p95) in milliseconds over `runs` calls, after 3 warm-up calls."""
    for _ in range(3):
        action()
    samples: list[float] = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    return statistics.median(samples), p95


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="*", help="saved pages (default: the test pages)")
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()

    # The fetcher is never used by check_document; it is built only because the checker
    # holds one. No connection is opened.
    checker = LegitChecker(fetcher=SafeFetcher(), checker=ScamChecker(), db=None)
    with tempfile.TemporaryDirectory() as tmp:
        pages = [Path(p) for p in args.pages] or [PAGES_DIR / name for name in DEFAULT_PAGES]
        # Worst cases: a posting in JSON-LD amid 1.9 MB of page, and a page with no JSON-LD
        # whose 1.9 MB of main text becomes the (capped) description the rules read.
        tmp_dir = Path(tmp)
        pages.append(large_page("jobposting_jsonld.html", "</main>", tmp_dir / "large_jsonld.html"))
        pages.append(large_page("opengraph.html", "</article>", tmp_dir / "large_text.html"))
        print(f"{'page':<28} {'bytes':>9} {'check median':>13} {'p95':>9} {'extract median':>15}")
        for page in pages:
            body = page.read_bytes()
            runs = max(5, args.runs // 20) if len(body) > 500_000 else args.runs
            median, p95 = timed(partial(checker.check_document, page), runs)
            extract_median, _ = timed(partial(extract_posting, "", body, "text/html"), runs)
            print(
                f"{page.name:<28} {len(body):>9} {median:>10.2f} ms {p95:>6.2f} ms"
                f" {extract_median:>12.2f} ms"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
