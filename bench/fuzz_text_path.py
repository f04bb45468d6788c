"""Coverage-guided fuzzing (atheris) of the text path: normalise → pay → scam checks → render.

The entry points are the ones a posting or a pasted message reaches: `build_posting` (the
normaliser every source shares), `find_pay` / `parse_pay_floor`, `ScamChecker.check`, and the
cards drawn for Discord, Telegram and the console. The seed corpus is real text: the restated
cases under `tests/data/real/` and pay phrases in both languages. Any input that raises is a
crash; copy it into `tests/data/fuzz_regressions/` (one file per input), where
`tests/test_fuzz_regressions.py` keeps it passing for good.

    .venv/bin/pip install -e '.[fuzz]'
    .venv/bin/python bench/fuzz_text_path.py [--seconds 120] [--work DIR]

Prints the executions, the corpus size and any crash file, then exits 0 (no crash) or 1.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAY_SEEDS = [
    "Gana 300 euros por semana. Escríbenos por WhatsApp",
    "de 300 a 500 dólares semanales",
    "entre 80 y 300 euros diarios",
    "$150 to $700 daily",
    "1500-4000 MXN",
    "70 pesos por tarea",
    "15 mil pesos quincenales",
    "S/ 1,500 mensuales",
    "1.200,50 € al mes",
    "US$ 1,200.50 monthly",
    "Para activar tu cuenta paga 30 USDT de verificación.",
    "tarifa de 15 € la hora",
]


def seed_corpus(directory: Path) -> int:
    """Real phrases as the fuzzer's starting inputs; returns how many were written."""
    directory.mkdir(parents=True, exist_ok=True)
    texts = list(PAY_SEEDS)
    for path in sorted((ROOT / "tests" / "data" / "real").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                case = json.loads(line)
                texts.append(f"{case.get('title', '')}\n{case.get('description', '')}")
    for index, text in enumerate(texts):
        (directory / f"seed-{index:04d}").write_bytes(text.encode("utf-8")[:4000])
    return len(texts)


def one_input(data: bytes) -> None:
    """The fuzz target: every step of the text path on one input; any exception is a crash."""
    import atheris

    from bench.fuzz_targets import run_text_path

    provider = atheris.FuzzedDataProvider(data)
    title = provider.ConsumeUnicodeNoSurrogates(provider.ConsumeIntInRange(0, 200))
    description = provider.ConsumeUnicodeNoSurrogates(len(data))
    run_text_path(title, description)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--work", type=Path, default=None, help="corpus and crash folder")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args, rest = parser.parse_known_args()
    if args.child:
        import atheris

        with atheris.instrument_imports():
            import bench.fuzz_targets  # noqa: F401  (instrumented for coverage)
        atheris.Setup([sys.argv[0], *rest], one_input)
        atheris.Fuzz()
        return 0
    work = args.work or Path(tempfile.mkdtemp(prefix="vigia-fuzz-"))
    corpus, crashes = work / "corpus", work / "crashes"
    crashes.mkdir(parents=True, exist_ok=True)
    seeds = seed_corpus(corpus)
    command = [
        sys.executable, __file__, "--child", str(corpus),
        f"-max_total_time={args.seconds}", f"-artifact_prefix={crashes}/",
        "-max_len=8192", "-rss_limit_mb=3000", "-timeout=20", "-print_final_stats=1",
    ]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    finished = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    stats = [line for line in finished.stderr.splitlines() if line.startswith("stat::")]
    found = sorted(crashes.iterdir())
    print(f"seeds: {seeds}  corpus now: {len(list(corpus.iterdir()))}  seconds: {args.seconds}")
    print("\n".join(stats) or finished.stderr[-2000:])
    for crash in found:
        print(f"crash: {crash}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
