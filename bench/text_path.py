"""Benchmark: the time one posting takes through the text path, on the worst inputs we know.

normalise → pay → scam checks → Discord, Telegram and console cards, for hostile postings
(a megabyte description, 10,000-digit numbers, zero-width and right-to-left text, emoji
walls, mathematical letters, NUL and control characters) beside an ordinary posting, which
is the baseline run in the same process. Prints the machine, then per input the minimum and
median over `--runs` and the ratio to the baseline. The bound this shows: no input costs more
than a small multiple of an ordinary posting, because every field is capped at its real
maximum before any step reads it.

    .venv/bin/python bench/text_path.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.fuzz_targets import run_text_path

ORDINARY = (
    "Evaluador de respuestas de IA (remoto)",
    "Evaluarás respuestas de modelos de lenguaje. Pago: 15 € la hora, semanal. "
    "Requisitos: español nativo, atención al detalle. " * 20,
)
HOSTILE: dict[str, tuple[str, str]] = {
    "1 MB description": ("Gana dinero", "Gana 300 euros por semana. Escríbenos. " * 27_000),
    "10,000-digit number": ("9" * 10_000, "9" * 10_000 + " euros por semana"),
    "zero-width everywhere": ("W\u200ba\u200bt", "\u200b".join("WhatsApp 300 € semana" * 2000)),
    "right-to-left": ("\u202euoy rof boj", "\u202e" + "مرحبا 300 دولار أسبوعيا " * 2000),
    "emoji wall": ("💸" * 300, "💸🤑📲✅" * 20_000),
    "mathematical letters": ("𝐉𝐨𝐛", "𝐆𝐚𝐧𝐚 𝟑𝟎𝟎 𝐞𝐮𝐫𝐨𝐬 𝐩𝐨𝐫 𝐬𝐞𝐦𝐚𝐧𝐚 " * 3000),
    "NUL and controls": ("\x00\x1b[31m", "\x00\x07\x1b[2J 300 € x hora " * 10_000),
    "many pay figures": ("Pay", "$1-$2/h, 3 € al día, 70 pesos por tarea; " * 8000),
}


def timed(step: Callable[[], None], runs: int) -> list[float]:
    times: list[float] = []
    for _ in range(runs):
        started = time.perf_counter()
        step()
        times.append(time.perf_counter() - started)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"python {platform.python_version()}  cores {os.cpu_count()}  runs {args.runs}")
    run_text_path(*ORDINARY)  # warm caches (rule set, translation tables)
    baseline = statistics.median(timed(lambda: run_text_path(*ORDINARY), args.runs))
    print(f"{'ordinary posting':<24} median {baseline * 1000:8.1f} ms  (baseline)")
    for name, (title, description) in HOSTILE.items():
        times = timed(lambda t=title, d=description: run_text_path(t, d), args.runs)
        median = statistics.median(times)
        print(
            f"{name:<24} min {min(times) * 1000:8.1f} ms  median {median * 1000:8.1f} ms"
            f"  × {median / baseline:6.1f} baseline"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
