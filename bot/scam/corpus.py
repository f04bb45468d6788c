"""The real-world corpus: cases from public material, split once into development and held out.

`tests/data/real/*.jsonl` holds scam and legit texts restated from police, consumer-agency,
press and victims' accounts and from real postings and employers' pages, each with its source
address and date (see that folder's README). Every case is assigned to `dev` or `holdout` by a
hash of its source address, so all cases from one page land on the same side (no near-copy
leaks across) and adding cases never moves an old one. Nothing is tuned on `holdout`: the
rules' weights and the learned model see only `dev`.

`fresh` is a second held-out part (the `fresh_*.jsonl` and `fresh2_*.jsonl` files,
2026-12-04): the first had been measured at several stages of the rules by then, and a part
measured often stops being a fair measure even when nothing is tuned on it. Its cases were
collected from sources found in no other part, written with their side in the file, and are
all held out. `fresh` was measured once (at 79ea54b); `fresh3`, a third round collected the
same day from sources in no other part, measured once the changes made after that (at
a14f73b), and `fresh4`, a fourth, the changes made after that (at 0f1471d).

On 2026-12-05 `fresh` and `fresh3` were retired into development as well: their rule scores
are the nearest thing the corpus has to the rules' out-of-sample behaviour, so the operating
point chosen on the folds no longer rests only on texts the rules were written from, and the
model learns from their police and press descriptions, the kind it missed most. `fresh5`, a
fifth round collected blind that day, measured the result once (at 0a91c3a), and `fresh4` a
second time. Both were then retired into development too (`TRAINED_ON`), and `fresh6`, a
sixth blind round, measures once the changes made after that (`HELD_OUT`).

    python -m bot.scam.corpus split [FOLDER]     # give every new case its side, once
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "HELD_OUT",
    "HOLDOUT_PERCENT",
    "TRAINED_ON",
    "Case",
    "assign_splits",
    "load_cases",
    "split_of",
]

REAL_CORPUS = Path(__file__).resolve().parents[2] / "tests" / "data" / "real"
#: The share of sources held out from all tuning.
HOLDOUT_PERCENT = 30
SPLITS = ("dev", "holdout", "fresh", "fresh3", "fresh4", "fresh5", "fresh6")
#: The parts nothing is tuned on, where the targets are measured.
HELD_OUT = ("fresh6",)
#: The parts the text model learns from (`bot.scam.train`).
TRAINED_ON = ("dev", "holdout", "fresh", "fresh3", "fresh4", "fresh5")


@dataclass(frozen=True, slots=True)
class Case:
    id: str
    label: str  # "scam" | "legit"
    lang: str
    kind: str
    families: tuple[str, ...]
    split: str
    record: dict[str, Any]  # the whole line, as `bot.scam.evaluate` reads postings

    @property
    def is_scam(self) -> bool:
        return self.label == "scam"

    @property
    def text(self) -> str:
        return "\n".join(
            str(self.record.get(key) or "") for key in ("title", "company", "description")
        ).strip()


def split_of(source: str) -> str:
    """`holdout` for about `HOLDOUT_PERCENT` % of source addresses, fixed by their hash."""
    digest = hashlib.sha256(source.strip().encode("utf-8")).hexdigest()
    return "holdout" if int(digest[:8], 16) % 100 < HOLDOUT_PERCENT else "dev"


def corpus_files(folder: Path = REAL_CORPUS) -> list[Path]:
    return sorted(folder.glob("*.jsonl"))


def load_cases(paths: Iterable[Path] | None = None, *, split: str | None = None) -> list[Case]:
    """Every case in `paths` (default: the real corpus), optionally of one side only."""
    cases: list[Case] = []
    for path in paths if paths is not None else corpus_files():
        for record in _records(path):
            case = Case(
                id=str(record["id"]),
                label=str(record["label"]),
                lang=str(record.get("lang", "")),
                kind=str(record.get("kind", "")),
                families=tuple(record.get("families") or ()),
                split=str(record.get("split") or split_of(str(record.get("source", "")))),
                record=record,
            )
            if split is None or case.split == split:
                cases.append(case)
    return cases


def assign_splits(path: Path) -> int:
    """Give every case of `path` that has none its side; returns how many were assigned."""
    lines = path.read_text(encoding="utf-8").splitlines()
    assigned = 0
    out: list[str] = []
    for line in lines:
        if not line.strip():
            continue
        record = json.loads(line)
        if record.get("split") not in SPLITS:
            record["split"] = split_of(str(record.get("source", "")))
            assigned += 1
        out.append(json.dumps(record, ensure_ascii=False))
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return assigned


def _records(path: Path) -> Iterator[dict[str, Any]]:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            if isinstance(record, dict):
                yield record


def main(argv: list[str]) -> int:
    if len(argv) < 1 or argv[0] != "split":
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    folder = Path(argv[1]) if len(argv) > 1 else REAL_CORPUS
    for path in corpus_files(folder):
        print(f"{path.name}: {assign_splits(path)} newly assigned")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
