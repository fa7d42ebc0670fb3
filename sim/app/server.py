"""The teaching app's web server: Solara's own routes and lifespan in a Starlette app, as Solara's self-hosting guide
describes (https://solara.dev/docs/deploying/self-hosted), served by uvicorn in this process.

Two things differ from ``solara run``, both for a class on one small server. Solara compresses every response with
Starlette's GZip middleware at level 9, so each visitor's page cost the server about 1.3 s of CPU compressing the same
megabytes of JavaScript again (1.7 s of CPU a page in all; benchmarks/bench_app.py); here each static asset is
compressed once and replayed from memory (:class:`CompressedAssets`). And ECharts is sent as its minified build
(the same release, 5.4.0, from the same ``solara-assets`` package), which the browser reads in a third of the time.
Telemetry is off: a classroom server reports nothing to anybody.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Awaitable[None]]

ASSETS = ("/_solara/cdn/", "/static/", "/jupyter/nbextensions/")  # what Solara serves from files of its packages
ECHARTS = "echarts@5.4.0/dist/echarts.js"  # what Solara's ECharts component asks for


class CompressedAssets:
    """ASGI middleware: static assets (GET under :data:`ASSETS`) compressed once, then replayed from memory; everything
    else (the page, the websocket, the API) passes through gzip as Solara serves it. Only complete 200 responses
    without cookies are kept; the assets are files of installed packages, fixed for the server's life."""

    def __init__(self, app: ASGIApp, minimum_size: int = 1000) -> None:
        from starlette.middleware.gzip import GZipMiddleware

        self.gzip = GZipMiddleware(app, minimum_size=minimum_size)
        self.kept: dict[tuple, list[Message]] = {}

    async def __call__(self, scope: Scope, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or not scope["path"].startswith(ASSETS):
            await self.gzip(scope, receive, send)
            return
        accepts = b"gzip" in dict(scope["headers"]).get(b"accept-encoding", b"")
        key = (scope["path"], scope["query_string"], accepts)
        if key not in self.kept:
            messages: list[Message] = []

            async def record(message: Message) -> None:
                messages.append(message)

            await self.gzip(scope, receive, record)
            start = messages[0] if messages else {}
            if start.get("status") == 200 and not any(k == b"set-cookie" for k, _ in start.get("headers", [])):
                self.kept[key] = messages
            else:
                for message in messages:
                    await send(message)
                return
        for message in self.kept[key]:
            await send(message)


def build_app() -> ASGIApp:
    """Solara's routes and lifespan with the app's middleware; ``SOLARA_APP`` says which app (default ``sim.app``)."""
    os.environ.setdefault("SOLARA_APP", "sim.app")
    import solara.server.settings as settings

    settings.main.mode = "production"
    settings.telemetry.mixpanel_enable = False
    import solara.server.starlette as solara_server
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.responses import FileResponse
    from starlette.routing import Route

    routes = list(solara_server.routes)
    minified = settings.assets.proxy_cache_dir / ECHARTS.replace(".js", ".min.js")
    if minified.exists():
        routes.insert(0, Route(f"/_solara/cdn/{ECHARTS}", lambda request: FileResponse(minified, media_type="text/javascript")))
    return Starlette(routes=routes, lifespan=solara_server.lifespan, middleware=[Middleware(CompressedAssets)])


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m sim.app", description="Serve the teaching demo.")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    parser.add_argument("--port", type=int, default=8765)
    return parser.parse_args(argv)


def can_bind(host: str, port: int) -> str | None:
    """None if the server could listen on ``host:port``, else why not (so that it says so instead of failing later)."""
    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.bind((host, port))
    except OSError as error:
        return error.strerror or str(error)
    return None


def main(argv: list[str] | None = None) -> int:
    """``python -m sim.app [--host H] [--port P]``: serve until interrupted; 2 with one line if the port is taken."""
    import uvicorn

    args = parse(argv)
    problem = can_bind(args.host, args.port)
    if problem:
        print(f"error: --host {args.host} --port {args.port}: cannot listen there ({problem}); choose another with --port", file=sys.stderr)
        return 2
    os.environ["SERVER_NAME"], os.environ["SERVER_PORT"] = args.host, str(args.port)  # as `solara run` sets them
    print(f"Serving the teaching demo at http://{args.host}:{args.port} (Ctrl-C to stop)", flush=True)
    uvicorn.run(build_app(), host=args.host, port=args.port, log_level="warning")
    return 0
