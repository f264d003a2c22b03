"""The web console mounted on the service's own aiohttp server, beside /healthz.

`add_console` adds the pages to the operator app; each page is wrapped by `_guarded`,
which lets a request through only with a valid session cookie or the bearer token, and
for a state-changing request only with the session's CSRF token too. Pages are Jinja2
templates with autoescaping on, so article titles and summaries (untrusted) are text.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from typing import Any
from urllib.parse import urlencode, urlsplit

import jinja2
from aiohttp import web

from bot.domain.console import ConsoleReadModel
from bot.domain.public_links import DigestLinks
from bot.domain.repositories import UnitOfWorkFactory
from bot.web.auth import COOKIE_NAME, CSRF_FIELD, SESSION_SECONDS, ConsoleAuth
from bot.web.i18n import LANGS, catalogue, pick_language

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Clock = Callable[[], datetime]

#: Set on every console response: no script, no outside resource, no framing, no referrer.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def utc_now() -> datetime:
    """The current time (UTC)."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class ConsoleDeps:
    """What the pages read and change, and the console's settings."""

    uow_factory: UnitOfWorkFactory
    read_model: ConsoleReadModel
    auth: ConsoleAuth
    links: DigestLinks
    llm_prices: str = ""
    daily_token_limit: int = 0
    login_delay: float = 0.5
    clock: Clock = field(default=utc_now)


DEPS = web.AppKey("console_deps", ConsoleDeps)
#: The request's session cookie (None: a script with the bearer token), and whether it may
#: see the console's pages at all.
SESSION = web.RequestKey("console_session", str)
SIGNED_IN = web.RequestKey("console_signed_in", bool)


def safe_href(url: str) -> str | None:
    """A link target only when it is http(s): a feed's `javascript:` link stays text."""
    return url if urlsplit(url.strip()).scheme.lower() in ("http", "https") else None


_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("bot.web", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_ENV.filters["href"] = safe_href
_ENV.filters["when"] = lambda moment: moment.strftime("%Y-%m-%d %H:%M") if moment else "—"
_ENV.filters["number"] = lambda value: f"{value:,}"


def local_path(given: str) -> str:
    """`given` when it is a path on this server, else `/`: after signing in, the console
    never redirects to another site (`//evil.example`, `/\\evil.example`, `https://…`)."""
    if not given.startswith("/") or given[1:2] in ("/", "\\") or any(c < " " for c in given):
        return "/"
    return given


def language_of(request: web.Request) -> str:
    """The language the page is written in (see `bot.web.i18n.pick_language`)."""
    return pick_language(request.query.get("lang"), request.headers.get("Accept-Language"))


def page(request: web.Request, template: str, *, status: int = 200, **context: Any) -> web.Response:
    """Render a template in the request's language, with the session's CSRF token."""
    lang = language_of(request)
    session = request.get(SESSION)
    deps = request.app[DEPS]

    def url(path: str, **params: object) -> str:
        query = {k: v for k, v in params.items() if v not in (None, "")}
        return f"{path}?{urlencode({**query, 'lang': lang})}"

    html = _ENV.get_template(template).render(
        t=catalogue(lang),
        lang=lang,
        other_langs=[other for other in LANGS if other != lang],
        url=url,
        here=request.path,
        csrf=deps.auth.csrf_for(session) if session else "",
        csrf_field=CSRF_FIELD,
        signed_in=bool(request.get(SIGNED_IN)),
        **context,
    )
    response = web.Response(text=html, status=status, content_type="text/html", charset="utf-8")
    response.headers.update(SECURITY_HEADERS)
    return response


def _guarded(handler: Handler, *, writes: bool = False) -> Handler:
    """Let a request through with a session cookie or the bearer token (see the module)."""

    async def guarded(request: web.Request) -> web.StreamResponse:
        deps = request.app[DEPS]
        bearer = deps.auth.bearer_matches(request.headers.get("Authorization"))
        if bearer is False:
            await asyncio.sleep(deps.login_delay)
            raise web.HTTPUnauthorized(
                text="wrong token: send Authorization: Bearer <DIGESTBOT_WEB_TOKEN>\n",
                headers={"WWW-Authenticate": "Bearer"},
            )
        session = request.cookies.get(COOKIE_NAME)
        if bearer is None and not deps.auth.session_valid(session):
            if request.method != "GET":
                raise web.HTTPUnauthorized(text="sign in first: POST /login with the token\n")
            return page(
                request, "login.html", status=401, error="need_login", next_path=request.path_qs
            )
        request[SIGNED_IN] = True
        if bearer is None:
            assert session is not None
            request[SESSION] = session
            if writes:
                form = await request.post()
                if not deps.auth.csrf_valid(session, str(form.get(CSRF_FIELD, ""))):
                    return page(request, "message.html", status=403, message="csrf")
        return await handler(request)

    return guarded


async def login_form(request: web.Request) -> web.StreamResponse:
    """The sign-in form."""
    return page(request, "login.html", error=None, next_path=request.query.get("next", "/"))


async def login(request: web.Request) -> web.StreamResponse:
    """Check the typed token; set the session cookie, or answer 401 after a delay."""
    deps = request.app[DEPS]
    form = await request.post()
    next_path = local_path(str(form.get("next", "/")))
    if not deps.auth.token_matches(str(form.get("token", ""))):
        await asyncio.sleep(deps.login_delay)
        return page(request, "login.html", status=401, error="wrong_token", next_path=next_path)
    response = web.HTTPSeeOther(next_path)
    response.set_cookie(
        COOKIE_NAME,
        deps.auth.new_session(),
        max_age=SESSION_SECONDS,
        httponly=True,
        samesite="Strict",
        secure=deps.auth.secure,
        path="/",
    )
    raise response


async def logout(request: web.Request) -> web.StreamResponse:
    """Forget the session cookie."""
    response = web.HTTPSeeOther("/login")
    response.del_cookie(COOKIE_NAME, path="/")
    raise response


async def stylesheet(_: web.Request) -> web.StreamResponse:
    """The one CSS file, shipped in the package (no CDN: the console works offline)."""
    css = resources.files("bot.web").joinpath("static/console.css").read_text("utf-8")
    return web.Response(
        text=css, content_type="text/css", headers={"Cache-Control": "max-age=3600"}
    )


def add_console(app: web.Application, deps: ConsoleDeps) -> None:
    """Serve the console's pages on `app` (the operator server of `digestbot run`)."""
    from bot.web import admin_pages, pages

    app[DEPS] = deps
    app.router.add_get("/", _guarded(pages.overview))
    app.router.add_get("/digests", _guarded(pages.archive))
    app.router.add_get("/digests/{digest_id:\\d+}", _guarded(pages.digest))
    app.router.add_get("/d/{public_id}", pages.public_digest)
    app.router.add_get("/sources", _guarded(admin_pages.sources))
    app.router.add_post(
        "/sources/{source_id:\\d+}/{action:pause|resume|priority}",
        _guarded(admin_pages.change_source, writes=True),
    )
    app.router.add_get("/costs", _guarded(admin_pages.costs))
    app.router.add_get("/login", login_form)
    app.router.add_post("/login", login)
    app.router.add_post("/logout", _guarded(logout, writes=True))
    app.router.add_get("/static/console.css", stylesheet)
