"""Command line: `python -m bot run [--role] | poll --once | sources | check | score | eval |
train | migrate | copy-db | workers | health | backup`.

Parses the arguments and dispatches; each command lives in `bot.cli` (`run` is the bot
itself, `bot.runner`)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.config import load_settings
from bot.errors import ConfigError, StoreError
from bot.i18n import t
from bot.logs import configure_logging
from bot.scam.corpus import SPLITS
from bot.workers import ROLES

EXIT_FAILED = 1
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
    run = sub.add_parser(
        "run", parents=[common], help="run the bot: poll sources, send alerts, answer chats"
    )
    run.add_argument(
        "--role",
        choices=ROLES,
        default="all",
        help="the part this process runs (several processes share one PostgreSQL database):"
        " poll sources, deliver alerts, answer chats, or all of it (default)",
    )
    sub.add_parser(
        "workers", parents=[common], help="the live workers on the database: roles and claims"
    )
    poll = sub.add_parser(
        "poll", parents=[common], help="poll every source once and print new postings"
    )
    poll.add_argument("--once", action="store_true", required=True, help="poll once and exit")
    poll.add_argument("--json", action="store_true", help="one JSON object per line")
    sources = sub.add_parser("sources", parents=[common], help="a table of the sources' health")
    sources.add_argument(
        "--enable",
        metavar="NAME",
        help="poll a source that was disabled for failing too often again",
    )
    check = sub.add_parser(
        "check",
        parents=[common],
        help="is this legit? a verdict for a link, a saved page or a message",
        description="Is this legit? Prints a verdict with its reasons for a link (the page is "
        "fetched safely), a saved page (.html, read offline), or a message: a .txt file is read "
        "as a pasted message, and - reads the message from standard input.",
    )
    check.add_argument(
        "target",
        metavar="URL_OR_FILE",
        help="a link (https://... or a bare domain), a saved .html page, a .txt message, or -",
    )
    check.add_argument(
        "--json", action="store_true", help="print the verdict as one JSON object instead"
    )
    check.add_argument(
        "--lang",
        choices=["es", "en"],
        default=None,
        help="language of the verdict and its reasons (default: [console] language)",
    )
    score = sub.add_parser(
        "score", parents=[common], help="score JSON-lines postings (stdin or FILE)"
    )
    score.add_argument("file", nargs="?", type=Path)
    evaluate = sub.add_parser(
        "eval",
        parents=[common],
        help="how the scam checks do: on the real corpus (default) or a labelled file",
        description="With no FILE: the real-world corpus (tests/data/real), its development "
        "parts and the part held out now (each earlier held-out part was measured once, "
        "then retired into development), by language, kind of text and scam family. "
        "With FILE: precision, "
        "recall, ROC-AUC and PR-AUC on that labelled JSON-lines file.",
    )
    evaluate.add_argument("file", type=Path, nargs="?")
    evaluate.add_argument(
        "--split",
        choices=[*SPLITS, "all"],
        default="all",
        help="corpus part",
    )
    migrate = sub.add_parser(
        "migrate", parents=[common], help="apply the database's pending schema migrations"
    )
    migrate.add_argument(
        "--database", help="a SQLite path or postgresql:// URL (default: [storage] database)"
    )
    copy_db = sub.add_parser(
        "copy-db",
        parents=[common],
        help="copy a store into another, empty one (SQLite file to PostgreSQL)",
    )
    copy_db.add_argument("source", metavar="SRC", help="SQLite path or postgresql:// URL")
    copy_db.add_argument("destination", metavar="DST", help="postgresql:// URL or SQLite path")
    sub.add_parser(
        "health",
        parents=[common],
        help="ask the running bot's /healthz ([observability] listen): exit 0 healthy, 1 not",
    )
    backup = sub.add_parser(
        "backup",
        parents=[common],
        help="a consistent copy of the SQLite database, safe while the bot runs",
    )
    backup.add_argument("file", metavar="FILE", type=Path, help="the new copy (must not exist)")
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
    except StoreError as exc:
        print(t("error.store", "en", problem=exc.problem), file=sys.stderr)
        return 1
    except Exception:
        # A bug, or a failure nobody foresaw: through the log, whose filter takes the tokens
        # out (a raw traceback printed by Python would show them), and exit 1.
        logging.getLogger("vigia").critical("%s failed", args.command, exc_info=True)
        return EXIT_FAILED


def _dispatch(args: argparse.Namespace) -> int:
    settings = load_settings(args.config)
    secrets = [
        s.get_secret_value()
        for s in (settings.discord.token, settings.telegram.token, settings.telegram.webhook_secret)
        if s is not None
    ]
    secrets += [p for p in (settings.storage.password(),) if p]
    configure_logging(settings.log_level, secrets, json_lines=settings.log_format == "json")
    if args.command == "run":
        from bot.runner import run_bot

        return asyncio.run(run_bot(settings, args.role))
    if args.command == "workers":
        from bot.cli.workers import print_workers

        return asyncio.run(print_workers(settings))
    if args.command == "poll":
        from bot.cli.poll import poll_once

        return asyncio.run(poll_once(settings, as_json=args.json))
    if args.command == "sources":
        from bot.cli.sources import print_sources

        return asyncio.run(print_sources(settings, enable=args.enable))
    if args.command == "check":
        from bot.cli.check import check

        return asyncio.run(check(settings, args.target, as_json=args.json, language=args.lang))
    if args.command == "score":
        from bot.cli.scoring import score

        return score(settings, args.file)
    if args.command == "eval":
        from bot.cli.scoring import evaluate

        return evaluate(settings, args.file, args.split)
    if args.command == "migrate":
        from bot.cli.storage import migrate

        return asyncio.run(migrate(settings, args.database))
    if args.command == "copy-db":
        from bot.cli.storage import copy_db

        return asyncio.run(copy_db(settings, args.source, args.destination))
    if args.command == "health":
        from bot.cli.health import health

        return asyncio.run(health(settings))
    if args.command == "backup":
        from bot.cli.backup import backup

        return asyncio.run(backup(settings, args.file))
    raise AssertionError(args.command)


if __name__ == "__main__":
    sys.exit(main())
