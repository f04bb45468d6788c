"""Same verdicts before and after a speed change: save every verdict of a large text set from
one tree, then compare two saved sets.

A speed change to the scam checks must not change what a person reads. The set: every corpus
and case file, the known scripts' own texts, the 20,000 postings of `bench/score.py` (scored,
as there, against 5,000 bench scripts beside the seed), and edited variants of them (cut,
joined, shouted, accents stripped, letters spaced out, a user's question before them, known
scripts pasted in or partly copied). A verdict is compared whole: level, risk, reasons (id,
weight, words quoted, message and its parameters, in order), verified employer and matched
script.

    .venv/bin/python bench/verdict_diff.py save /tmp/after.jsonl
    .venv/bin/python bench/verdict_diff.py save --tree ../baseline /tmp/before.jsonl
    .venv/bin/python bench/verdict_diff.py compare /tmp/before.jsonl /tmp/after.jsonl
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
_QUESTIONS = ("Is this a scam?\n", "¿Esto es una estafa?\n", "I think this is a scam: ")
_INSERTS = (
    " Text me on W h a t s A p p +34 600 111 222. ",
    " Pay 30 USDT to activate your account. ",
    " Paga 50 € de inscripción por t.e.l.e.g.r.a.m. ",
    " Escríbeme a reclutamiento@gmail.com o @hr_desk, https://bit.ly/x1 ",
    " We will never ask you to pay a fee, but buy the kit for $49. ",
    " Gana entre 80 y 300 euros diarios sin experiencia. ",
)


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _variants(rng: random.Random, record: dict[str, Any], other: str) -> Iterator[dict[str, Any]]:
    """Edited copies of one record (the same fields, its description changed)."""
    text = str(record.get("description") or "")
    if not text:
        return
    cut = rng.randrange(len(text))
    edits = (
        text[:cut],
        text[cut:],
        text.upper(),
        _strip_accents(text),
        rng.choice(_QUESTIONS) + text,
        text[:cut] + rng.choice(_INSERTS) + text[cut:],
        text + "\n" + other,
        " ".join(word for word in text.split() if rng.random() > 0.15),
    )
    for number, edited in enumerate(edits):
        yield {**record, "id": f"{record.get('id')}~{number}", "description": edited}


def records(root: Path) -> Iterator[dict[str, Any]]:
    """The text set, in a fixed order, as JSON-like records (`labelled_posting` reads them)."""
    sys.path.insert(0, str(HERE))
    import score as bench  # bench/score.py, beside this file

    rng = random.Random(2026)
    files = sorted((root / "tests/data/real").glob("*.jsonl"))
    files += sorted((root / "tests/data").glob("*cases*.jsonl"))
    corpus: list[dict[str, Any]] = []
    for path in files:
        for number, line in enumerate(path.read_text("utf-8").splitlines()):
            if line.strip():
                corpus.append({"id": f"{path.name}:{number}", **json.loads(line)})
    scripts_path = root / "bot/scam/data/known_scripts.jsonl"
    for line in scripts_path.read_text("utf-8").splitlines():
        if line.strip():
            entry = json.loads(line)
            corpus.append({"id": f"script:{entry['id']}", "description": entry["text"]})
    yield from corpus
    texts = [str(record.get("description") or "") for record in corpus]
    for record in corpus:
        yield from _variants(rng, record, rng.choice(texts))
    postings = bench.make_postings(20_000)
    bench_scripts = [text for _, text in bench.make_scripts(5_000)]
    for number, posting in enumerate(postings):
        record = {
            "id": f"bench:{number}",
            "title": posting.title,
            "company": posting.company,
            "url": posting.url,
            "description": posting.description,
        }
        yield record
        if number % 7 == 0:
            yield from _variants(rng, record, rng.choice(texts))
        if number % 13 == 0:  # a known script pasted in whole, or partly copied
            script = rng.choice(bench_scripts + texts[-200:])
            words = script.split()
            kept = " ".join(words[: max(1, int(len(words) * rng.uniform(0.4, 1.0)))])
            yield {**record, "id": f"bench:{number}+s", "description": record["description"] + kept}


def save(out: Path, root: Path) -> None:
    sys.path.insert(0, str(root))
    import score as bench

    from bot.scam import ScamChecker, ScriptLibrary  # the tree chosen above
    from bot.scam.evaluate import labelled_posting

    library = ScriptLibrary.load_seed()
    for script_id, text in bench.make_scripts(5_000):
        library.add(script_id, text, "bench")
    checker = ScamChecker(scripts=library)
    started = time.perf_counter()
    count = 0
    with out.open("w", encoding="utf-8") as stream:
        for record in records(root):
            posting, profile, extra = labelled_posting(record)
            verdict = checker.check(posting, company_profile=profile, extra_text=extra)
            reasons = [
                [s.id, s.weight, s.evidence, s.message_key, sorted(s.params.items())]
                for s in verdict.reasons
            ]
            line = [
                record["id"],
                verdict.level.value,
                verdict.risk,
                reasons,
                verdict.verified_employer,
                verdict.matched_script,
                verdict.scored,
            ]
            stream.write(json.dumps(line, ensure_ascii=False) + "\n")
            count += 1
    took = time.perf_counter() - started
    print(f"{count:,} verdicts from {root} in {took:.1f} s -> {out}")


def compare(before: Path, after: Path, show: int) -> int:
    old = before.read_text("utf-8").splitlines()
    new = after.read_text("utf-8").splitlines()
    if len(old) != len(new):
        print(f"different text sets: {len(old):,} against {len(new):,} lines")
        return 2
    differing = [(a, b) for a, b in zip(old, new, strict=True) if a != b]
    print(f"{len(old):,} verdicts compared, {len(differing):,} differ")
    for a, b in differing[:show]:
        print(f"- {a}\n+ {b}")
    return 1 if differing else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    saving = commands.add_parser("save", help="score the text set, write the verdicts")
    saving.add_argument("out", type=Path)
    saving.add_argument("--tree", type=Path, default=HERE.parent, help="the checkout to score")
    comparing = commands.add_parser("compare", help="compare two saved verdict files")
    comparing.add_argument("before", type=Path)
    comparing.add_argument("after", type=Path)
    comparing.add_argument("--show", type=int, default=10)
    args = parser.parse_args(argv)
    if args.command == "save":
        save(args.out, args.tree.resolve())
        return 0
    return compare(args.before, args.after, args.show)


if __name__ == "__main__":
    sys.exit(main())
