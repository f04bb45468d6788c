"""`python -m bot health`: asks the running bot's `/healthz` and exits 0 (healthy) or 1 (a
required part is down, or the bot does not answer); 2 when the endpoint is not configured.

For supervisors and container health checks that run a command rather than fetch a URL."""

from __future__ import annotations

import sys

import httpx

from bot.config import Settings, parse_listen
from bot.i18n import t

__all__ = ["health"]

#: A bot that takes longer than this to answer is not healthy.
TIMEOUT_S = 5.0
_ANY_ADDRESS = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}


async def health(settings: Settings) -> int:
    language = settings.console.language
    listen = settings.observability.listen
    if listen is None:
        print(t("health.off", language), file=sys.stderr)
        return 2
    host, port = parse_listen(listen)
    host = _ANY_ADDRESS.get(host, host)
    url = f"http://{f'[{host}]' if ':' in host else host}:{port}/healthz"
    try:
        async with httpx.AsyncClient(timeout=TIMEOUT_S, trust_env=False) as client:
            response = await client.get(url)
        state = response.json()
        parts = state["parts"]
    except (httpx.HTTPError, ValueError, KeyError, TypeError) as error:
        print(t("health.unreachable", language, url=url, problem=type(error).__name__))
        return 1
    if response.status_code == 200:
        print(t("health.ok", language, parts=", ".join(sorted(parts))))
        return 0
    down = [
        f"{name} ({part.get('detail', '')})" if part.get("detail") else name
        for name, part in sorted(parts.items())
        if isinstance(part, dict) and part.get("required") and not part.get("up")
    ]
    print(t("health.down", language, parts="; ".join(down) or "?"))
    return 1
