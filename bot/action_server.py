"""The action server process: the rasa-sdk actions in ``actions/``.

Run with ``python -m bot.action_server``; listens on ACTIONS_HOST (default 127.0.0.1) and
ACTIONS_PORT (default 5055).
"""
from __future__ import annotations

import logging
import os

from rasa_sdk.endpoint import create_app
from sanic import Sanic

logger = logging.getLogger(__name__)


def build_app() -> Sanic:
    return create_app("actions", cors_origins=None)


def main() -> None:
    from bot.safety.redact import install_log_redaction

    install_log_redaction()  # no phone number or email typed by a resident reaches a log
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"))
    host = os.environ.get("ACTIONS_HOST", "127.0.0.1")
    port = int(os.environ.get("ACTIONS_PORT", "5055"))
    app = build_app()
    from bot.directory.db import open_session
    from bot.warm_up import warm_action_server

    warm_action_server(open_session)  # the directory the actions search
    app.run(host=host, port=port, workers=1, access_log=False, motd=False)


if __name__ == "__main__":
    main()
