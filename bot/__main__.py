"""Command line: `python -m bot run | poll --once | sources | check | score | eval`."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.config import Settings, load_settings
from bot.errors import ConfigError
from bot.i18n import t
from bot.logs import configure_logging
from bot.serialize import assessment_to_dict, posting_to_dict

EXIT_USAGE = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Vigia: alerts for AI-trainer jobs, with scam checks.",
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config", type=Path, help="config file (default: config.toml, else the example)"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sub.add_parser(
        "run", parents=[common], help="run the bot: poll sources, send alerts, answer chats"
    )
    poll = sub.add_parser(
        "poll", parents=[common], help="poll every source once and print new postings"
    )
    poll.add_argument("--once", action="store_true", required=True, help="poll once and exit")
    poll.add_argument("--json", action="store_true", help="one JSON object per line")
    sub.add_parser("sources", parents=[common], help="a table of the sources' health")
    check = sub.add_parser(
        "check", parents=[common], help="is this legit? a verdict for a link or a saved page"
    )
    check.add_argument("target", metavar="URL_OR_FILE")
    check.add_argument("--json", action="store_true")
    check.add_argument("--lang", choices=["es", "en"], default=None)
    score = sub.add_parser(
        "score", parents=[common], help="score JSON-lines postings (stdin or FILE)"
    )
    score.add_argument("file", nargs="?", type=Path)
    evaluate = sub.add_parser(
        "eval",
        parents=[common],
        help="how the scam checks do: on the real corpus (default) or a labelled file",
        description="With no FILE: the real-world corpus (tests/data/real), its development "
        "and held-out parts, by language, kind of text and scam family. With FILE: precision, "
        "recall, ROC-AUC and PR-AUC on that labelled JSON-lines file.",
    )
    evaluate.add_argument("file", type=Path, nargs="?")
    evaluate.add_argument(
        "--split", choices=["dev", "holdout", "all"], default="all", help="corpus part"
    )
    sub.add_parser(
        "train",
        parents=[common],
        add_help=False,
        help="retrain the text model on the corpus's development part (needs '.[train]')",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["train"]:  # its own options, parsed by the trainer
        from bot.scam.train import main as train

        return train(arguments[1:])
    args = _parser().parse_args(arguments)
    try:
        return _dispatch(args)
    except ConfigError as exc:
        # Some keys can only be checked when used (a blocklist file, a platform's token).
        print(t("error.config", "en", key=exc.key, problem=exc.problem), file=sys.stderr)
        return EXIT_USAGE


def _dispatch(args: argparse.Namespace) -> int:
    settings = load_settings(args.config)
    secrets = [
        s.get_secret_value()
        for s in (settings.discord.token, settings.telegram.token, settings.telegram.webhook_secret)
        if s is not None
    ]
    configure_logging(settings.log_level, secrets)
    if args.command == "run":
        from bot.runner import run_bot

        return asyncio.run(run_bot(settings))
    if args.command == "poll":
        return asyncio.run(_poll_once(settings, as_json=args.json))
    if args.command == "sources":
        return asyncio.run(_sources(settings))
    if args.command == "check":
        return asyncio.run(_check(settings, args.target, as_json=args.json, language=args.lang))
    if args.command == "score":
        return _score(settings, args.file)
    if args.command == "eval":
        return _eval(settings, args.file, args.split)
    raise AssertionError(args.command)


async def _poll_once(settings: Settings, *, as_json: bool) -> int:
    from bot.app import build_app

    app = await build_app(settings)
    try:
        results = await asyncio.gather(
            *(
                app.poller.poll(source, interval_s=interval_s, force=True)
                for source, interval_s in app.sources
            )
        )
    finally:
        await app.aclose()
    language = settings.console.language
    for result in results:
        for posting in result.new_postings:
            if as_json:
                verdict = result.verdicts.get(posting.native_id)
                line = {**posting_to_dict(posting), **assessment_to_dict(verdict)}
                print(json.dumps(line, ensure_ascii=False))
            else:
                print(
                    t(
                        "poll.posting",
                        language,
                        source=posting.source,
                        title=posting.title,
                        url=posting.url,
                    )
                )
    failed = sum(1 for r in results if r.status.startswith("error"))
    if not as_json:
        print(
            t(
                "poll.summary",
                language,
                sources=len(results),
                new=sum(r.new for r in results),
                failed=failed,
            )
        )
    return 0


async def _sources(settings: Settings) -> int:
    from bot.app import build_app

    app = await build_app(settings)
    try:
        health = await app.services.sources()
    finally:
        await app.aclose()
    language = settings.console.language
    headers = [
        t(f"sources.col.{c}", language)
        for c in ("kind", "name", "last_poll", "last_status", "failures", "next_poll", "seen")
    ]
    rows = [
        [
            h.kind,
            h.name,
            h.last_poll or "—",
            h.last_status or "—",
            str(h.consecutive_failures),
            h.next_poll or "—",
            str(h.postings_seen),
        ]
        for h in health
    ]
    widths = [max(len(r[i]) for r in [headers, *rows]) for i in range(len(headers))]
    for row in [headers, *rows]:
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )
    return 0


async def _check(settings: Settings, target: str, *, as_json: bool, language: str | None) -> int:
    from bot.app import build_app
    from bot.linkcheck import run_check_command

    app = await build_app(settings)
    try:
        return await run_check_command(
            target,
            as_json=as_json,
            language=language or settings.console.language,
            checker=app.linkchecker,
            out=sys.stdout,
        )
    finally:
        await app.aclose()


def _score(settings: Settings, path: Path | None) -> int:
    from bot.app import build_checker
    from bot.scam.evaluate import run_score

    checker = build_checker(settings)
    if path is None:
        return run_score(sys.stdin, sys.stdout, checker)
    with path.open(encoding="utf-8") as stream:
        return run_score(stream, sys.stdout, checker)


def _eval(settings: Settings, path: Path | None, split: str) -> int:
    from bot.app import build_checker

    checker = build_checker(settings)
    if path is not None:
        from bot.scam.evaluate import run_eval

        return run_eval(str(path), sys.stdout, checker)
    from bot.scam.corpus_eval import run_corpus_eval

    return run_corpus_eval(
        sys.stdout, checker, splits=("dev", "holdout") if split == "all" else (split,)
    )


if __name__ == "__main__":
    sys.exit(main())
