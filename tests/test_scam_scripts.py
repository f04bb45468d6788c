"""Check 3: near-copies of known scam scripts, seeded and grown at run time."""

from __future__ import annotations

import json
import random
from importlib import resources

import pytest

from bot.models import Posting, RiskLevel
from bot.scam import ScamChecker, ScriptLibrary
from bot.scam.textnorm import word_set
from bot.text import fold_aligned

SCRIPT = (
    "Good news, your profile matched our remote review program. Every day you complete a "
    "block of forty reviews for partner stores and collect a percentage on each review. When "
    "a bundle review shows up your account goes below zero; add the missing amount so the "
    "block can continue and you can cash out the full amount at the end."
)


def test_seed_ships_with_the_package_and_is_not_the_eval_set() -> None:
    seed_text = resources.files("bot.scam").joinpath("data/known_scripts.jsonl").read_text("utf-8")
    seeds = [json.loads(line) for line in seed_text.splitlines() if line.strip()]
    assert len(seeds) >= 20
    assert {seed["lang"] for seed in seeds} == {"en", "es"}
    library = ScriptLibrary.load_seed()
    assert len(library) == len(seeds)
    with open("tests/data/scam_cases.jsonl", encoding="utf-8") as cases:
        for line in cases:
            assert library.match(fold_aligned(json.loads(line)["description"])) is None


def test_near_copy_with_edits_matches_and_names_the_script() -> None:
    library = ScriptLibrary()
    assert library.add("report-17", SCRIPT, "task-scam")
    edited = SCRIPT.replace("forty", "thirty").replace("Good news", "Great news") + " Thanks!"
    match = library.match(fold_aligned(edited))
    assert match is not None and match.script_id == "report-17" and match.label == "task-scam"
    assert match.containment > 0.8


def test_script_wrapped_in_a_longer_posting_still_matches() -> None:
    library = ScriptLibrary()
    library.add("report-17", SCRIPT, "task-scam")
    rng = random.Random(3)
    filler = " ".join(
        rng.choice(["data", "team", "remote", "model", "quality", "hours", "review"])
        for _ in range(250)
    )
    match = library.match(fold_aligned(f"{filler} {SCRIPT} {filler}"))
    assert match is not None and match.script_id == "report-17"


def test_unrelated_or_short_texts_do_not_match() -> None:
    library = ScriptLibrary.load_seed()
    legit = (
        "Scale's post-training team builds the data and evaluation systems behind frontier "
        "model training. Experience with PyTorch, RLHF and large-scale data pipelines."
    )
    assert library.match(fold_aligned(legit)) is None
    assert not library.add("tiny", "contact us on telegram", "scam")  # a phrase, not a script
    assert "tiny" not in library


def test_legit_label_retracts_a_script() -> None:
    library = ScriptLibrary()
    library.add("r1", SCRIPT, "scam")
    library.add("r1", SCRIPT, "legit")
    assert "r1" not in library and library.match(fold_aligned(SCRIPT)) is None


def test_checker_add_script_makes_the_next_posting_a_scam() -> None:
    checker = ScamChecker(scripts=ScriptLibrary())
    posting = Posting(
        "test",
        "1",
        "https://shop-partners.com/jobs",
        "Store reviewer",
        company="Shop Partners",
        description=SCRIPT,
    )
    before = checker.check(posting)
    checker.add_script("admin-report-5", SCRIPT, "task-scam")
    after = checker.check(posting)
    assert before.matched_script is None
    assert after.matched_script == "admin-report-5"
    assert after.level is RiskLevel.SCAM and after.risk > before.risk
    (reason,) = [s for s in after.reasons if s.id == "script.match"]
    assert reason.params["script"] == "admin-report-5" and reason.evidence.startswith(
        "admin-report-5"
    )


def test_thousands_of_scripts_keep_exact_matches_and_no_false_ones() -> None:
    rng = random.Random(5)
    words = word_set(
        "task review store percent bonus block wallet team remote daily shop level account "
        "profile program partner amount balance"
    )
    library = ScriptLibrary()
    texts = {}
    for index in range(3000):
        text = (
            " ".join(rng.choice(sorted(words)) for _ in range(60)) + f" code{index} ref{index * 7}"
        )
        texts[f"s{index}"] = text
        library.add(f"s{index}", text, "scam")
    assert len(library) == 3000
    match = library.match(fold_aligned(texts["s1234"]))
    assert match is not None and match.script_id == "s1234"
    assert match.containment == pytest.approx(1.0)
    assert (
        library.match(fold_aligned("A data labeling role with clear guidelines and weekly pay."))
        is None
    )


def test_the_match_is_the_best_contained_script_of_those_matched_one_by_one() -> None:
    # The index (a bitmap of the library's shingles, then their sorted list) must find what
    # comparing the text with every script alone finds: the same script, the same share.
    rng = random.Random(11)
    vocabulary = sorted(word_set("task review store bonus wallet team daily level account pay"))
    scripts = {
        f"s{index}": " ".join(rng.choice(vocabulary) for _ in range(rng.randint(12, 40)))
        for index in range(150)
    }
    library = ScriptLibrary()
    alone: dict[str, ScriptLibrary] = {}
    for script_id, text in scripts.items():
        library.add(script_id, text, "scam")
        alone[script_id] = ScriptLibrary()
        alone[script_id].add(script_id, text, "scam")
    for _ in range(40):
        source = scripts[rng.choice(sorted(scripts))].split()
        kept = [word for word in source if rng.random() < rng.choice((0.6, 0.8, 1.0))]
        text = fold_aligned(
            " ".join(rng.choice(vocabulary) for _ in range(20)) + " " + " ".join(kept)
        )
        found = library.match(text)
        each = [(match.containment, script_id) for script_id in scripts
                if (match := alone[script_id].match(text)) is not None]  # fmt: skip
        if not each:
            assert found is None
            continue
        best = max(share for share, _ in each)
        assert found is not None and found.containment == best
        assert found.script_id == next(script_id for share, script_id in each if share == best)
