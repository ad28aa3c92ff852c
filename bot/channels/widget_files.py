"""Serves the web chat widget and its demo page at ``/chat/`` (files in bot/web/).

Registered in credentials.yml like a channel, because Rasa only lets a channel add routes to
its server; it receives no messages (the widget talks to bot.channels.webchat). Only the files
listed in bot.web.STATIC_FILES are served. The demo page gets a strict Content-Security-Policy
(no inline script, nothing from other sites); the widget's script and stylesheet may be loaded
by the council's own site.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.web import static_file

DEMO_PAGE = "index.html"
PAGE_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
               "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
COMMON_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
                  "Cache-Control": "no-cache"}


def file_response(name: str) -> HTTPResponse:
    found = static_file(name)
    if found is None:
        return response.text("Not found", status=404)
    body, content_type = found
    headers = dict(COMMON_HEADERS)
    if name == DEMO_PAGE:
        headers["Content-Security-Policy"] = PAGE_POLICY
    else:  # the council's site embeds these from this server
        headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response.raw(body, content_type=content_type, headers=headers)


class WidgetFiles(InputChannel):
    """``/chat/`` (the demo page), ``/chat/widget.js``, ``/chat/widget.css``."""

    @classmethod
    def name(cls) -> str:
        return "chat"

    def url_prefix(self) -> str:
        # Rasa mounts channels at urljoin("/webhooks/", url_prefix()): an absolute path
        # puts the widget at the site's /chat rather than under /webhooks/.
        return "/chat"

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[None]]
    ) -> Blueprint:
        files = Blueprint("widget_files", __name__)

        @files.route("", methods=["GET"], strict_slashes=True)
        async def without_slash(request: Request) -> HTTPResponse:
            return response.redirect("/chat/")

        @files.route("/", methods=["GET"], strict_slashes=True)
        async def demo_page(request: Request) -> HTTPResponse:
            return file_response(DEMO_PAGE)

        @files.route("/<name:str>", methods=["GET"])
        async def widget_file(request: Request, name: str) -> HTTPResponse:
            return file_response(name)

        return files
