"""The world served over HTTP on 127.0.0.1, for clients in other processes.

One werkzeug server per world, bound to ``127.0.0.1`` on a port the kernel
picks. Requests go through the same gateway as in-process boto3 calls and
land in the same moto store and journal. Extra routes (the credential
endpoints) can be mounted in front of the gateway.
"""

from __future__ import annotations

import io
import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Protocol

from werkzeug.serving import BaseWSGIServer, make_server

from .http import HttpRequest, RawResponse, error_response

if TYPE_CHECKING:
    from .world import World

logger = logging.getLogger("pytest_tgstate")

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

_STATUS_TEXT = {
    200: "OK",
    201: "Created",
    204: "No Content",
    206: "Partial Content",
    301: "Moved Permanently",
    304: "Not Modified",
    307: "Temporary Redirect",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    412: "Precondition Failed",
    500: "Internal Server Error",
    501: "Not Implemented",
    503: "Service Unavailable",
}


@dataclass(frozen=True)
class RouteRequest:
    """A request to a mounted route, with header names in lower case."""

    method: str
    path: str
    query: str
    headers: Mapping[str, str]
    body: bytes


class Route(Protocol):
    """An endpoint mounted on the loopback server ahead of the gateway."""

    def matches(self, request: RouteRequest) -> bool: ...

    def handle(self, request: RouteRequest) -> RawResponse: ...


@dataclass
class RequestLog:
    """Requests a route received, for assertions such as "fetched credentials twice"."""

    entries: list[RouteRequest] = field(default_factory=list)

    def record(self, request: RouteRequest) -> None:
        self.entries.append(request)

    def count(self, path: str | None = None) -> int:
        return sum(1 for entry in self.entries if path is None or entry.path == path)


@lru_cache(maxsize=1)
def _moto_app() -> WsgiApp:
    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        create_backend_app,
    )

    app: WsgiApp = DomainDispatcherApplication(create_backend_app)
    return app


def _request_handler() -> type:
    from moto.moto_server.werkzeug_app import MotoRequestHandler

    class Handler(MotoRequestHandler):
        def make_environ(self) -> dict[str, Any]:
            environ: dict[str, Any] = super().make_environ()
            # Keep every header as sent, underscores included (the SSO portal's
            # x-amz-sso_bearer_token has one), for the mounted routes.
            environ["tgstate.headers"] = [
                (name, value) for name, value in self.headers.items()
            ]
            return environ

        def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
            logger.debug("loopback %s %s -> %s", self.command, self.path, code)

    return Handler


class LoopbackServer:
    """Serves a world on ``http://127.0.0.1:<port>``.

    Start and stop it with the test.
    """

    def __init__(self, world: World) -> None:
        self.world = world
        self.routes: list[Route] = []
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -----------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the loopback server is not running; call start() first")
        return int(self._server.server_port)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> LoopbackServer:
        if self._server is not None:
            return self
        # NOTE: werkzeug closes the connection after every response. On a loaded
        # machine Terraform 1.15's Go SDK now and then fails to read a response
        # body ("use of closed network connection") and retries, so the journal
        # contains the request twice. Why the read fails is not known.
        server = make_server(
            "127.0.0.1", 0, self._app, threaded=True, request_handler=_request_handler()
        )
        server.daemon_threads = True  # type: ignore[attr-defined]
        thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.02},
            name=f"tgstate-loopback-{server.server_port}",
            daemon=True,
        )
        thread.start()
        self._server = server
        self._thread = thread
        logger.debug(
            "loopback server started on %s", f"http://127.0.0.1:{server.server_port}"
        )
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        logger.debug("loopback server on port %s stopped", server.server_port)

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def mount(self, route: Route) -> None:
        self.routes.append(route)

    def unmount(self, route: Route) -> None:
        if route in self.routes:
            self.routes.remove(route)

    def endpoint_env(self) -> dict[str, str]:
        """Return the variables that point AWS SDKs and CLIs at this server."""
        url = self.url
        variables = {"AWS_ENDPOINT_URL": url}
        for service in ("S3", "DYNAMODB", "STS", "IAM", "SSO", "SSO_OIDC"):
            variables[f"AWS_ENDPOINT_URL_{service}"] = url
        return variables

    # -- WSGI ----------------------------------------------------------------

    def _app(
        self, environ: dict[str, Any], start_response: StartResponse
    ) -> Iterable[bytes]:
        body = _read_body(environ)
        raw_headers = environ.get("tgstate.headers") or []
        headers = {str(name).lower(): str(value) for name, value in raw_headers}
        route_request = RouteRequest(
            method=environ["REQUEST_METHOD"],
            path=environ.get("PATH_INFO", "/"),
            query=environ.get("QUERY_STRING", ""),
            headers=headers,
            body=body,
        )
        for route in list(self.routes):
            if route.matches(route_request):
                return _respond(start_response, route.handle(route_request))
        if route_request.path.startswith("/moto-api"):
            # moto's control API could reset the store or switch auth; the code
            # under test never gets it.
            return _respond(
                start_response,
                error_response(
                    "s3", 403, "AccessDenied", "moto's /moto-api is not served here"
                ),
            )
        raw_uri = (
            environ.get("RAW_URI") or environ.get("REQUEST_URI") or route_request.path
        )
        raw_path, _, raw_query = str(raw_uri).partition("?")
        request = HttpRequest(
            method=route_request.method,
            host=headers.get("host", f"127.0.0.1:{self.port}"),
            raw_path=raw_path,
            query=raw_query,
            headers=headers,
            body=body,
            secure=self.world.settings.secure_transport,
            source_ip=environ.get("REMOTE_ADDR", "127.0.0.1"),
        )

        def forward() -> RawResponse:
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
            return _call_app(_moto_app(), environ)

        response = self.world.gateway.process(request, forward)
        if response is None:
            response = error_response(
                "s3", 500, "InternalError", "no response from moto"
            )
        return _respond(start_response, response)


def _read_body(environ: dict[str, Any]) -> bytes:
    stream = environ.get("wsgi.input")
    if stream is None:
        return b""
    length = environ.get("CONTENT_LENGTH")
    if length:
        return bytes(stream.read(int(length)))
    if environ.get("wsgi.input_terminated"):
        return bytes(stream.read())
    return b""


def _call_app(app: WsgiApp, environ: dict[str, Any]) -> RawResponse:
    captured: dict[str, Any] = {}

    def start_response(
        status: str, headers: list[tuple[str, str]], exc_info: Any = None
    ) -> Any:
        captured["status"] = int(status.split(" ", 1)[0])
        captured["headers"] = headers
        return lambda data: None

    chunks = app(environ, start_response)
    try:
        body = b"".join(chunks)
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()
    headers: dict[str, str] = {}
    for name, value in captured.get("headers", []):
        headers[name] = value
    return captured.get("status", 500), headers, body


def _respond(start_response: StartResponse, response: RawResponse) -> Iterator[bytes]:
    status, headers, body = response
    if isinstance(body, str):
        body = body.encode()
    header_list = [
        (name, str(value))
        for name, value in headers.items()
        if name.lower() != "content-length"
    ]
    header_list.append(("Content-Length", str(len(body))))
    start_response(f"{status} {_STATUS_TEXT.get(status, 'Status')}", header_list)
    return iter([body])
