"""A Rasa process answers its first message only after reading what the pipeline reads lazily
(lexicons, catalogs, the crisis patterns, each language's detector model) and after
TensorFlow has traced the dialogue model's first prediction: 4.7 s for the first message a
new server answered, 0.3 s for its first request for services (2026-11-27). A resident would
wait for that, and with two worker processes, every worker's first resident does.

``warm_up`` does that work once per process when the server has started, before the first
resident: it understands one message in each full-support language and predicts the reply to
one of them on a conversation of its own, which is neither stored nor sent to the action
server. Nothing is written anywhere.
"""
from __future__ import annotations

import logging
import time
from typing import Any

logger = logging.getLogger(__name__)

# What residents write first: a need, in each full-support language (scripts/bench.py's).
WARM_UP_MESSAGES = {
    "en": "I need an interpreter for my mum near Pinner",
    "ro": "am nevoie de un interpret pentru mama mea",
    "gu": "મારી માતા માટે મને દુભાષિયાની જરૂર છે",
    "ta": "என் அம்மாவுக்கு மொழிபெயர்ப்பாளர் வேண்டும்",
    "pl": "potrzebuję tłumacza dla mamy",
    "ar": "أحتاج مترجم لأمي",
    "ur": "مجھے اپنی امی کے لیے ترجمان چاہیے",
    "pt": "preciso de um intérprete para a minha mãe",
    "so": "waxaan u baahanahay turjumaan hooyaday",
}
WARM_UP_SENDER = "harrow-warm-up"
_WARMED = "_harrow_warmed_up"  # set on an agent once it is warmed


async def warm_up(agent: Any) -> float | None:
    """Understand each message of WARM_UP_MESSAGES and predict the next action (and render
    it, if it is a fixed reply) after the first, once per loaded agent. Seconds taken, or
    None if this agent was warmed already or has no model. A failure is logged, never
    raised: the server answers without being warm."""
    if getattr(agent, _WARMED, False) or not agent.is_ready():
        return None
    setattr(agent, _WARMED, True)
    started = time.perf_counter()
    try:
        parsed = [await agent.parse_message(text) for text in WARM_UP_MESSAGES.values()]
        await _predict_reply(agent, parsed[0])
    except Exception:  # warming is an optimisation: residents still get replies
        logger.exception("Warming up the model failed; the first messages will be slower")
        return None
    seconds = time.perf_counter() - started
    logger.info("Warmed up the model in %.1f s", seconds)
    return seconds


async def _predict_reply(agent: Any, parse_data: dict) -> None:
    from rasa.shared.core.events import ActionExecuted, SessionStarted, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    tracker = DialogueStateTracker.from_events(
        WARM_UP_SENDER,
        [ActionExecuted("action_session_start"), SessionStarted(),
         ActionExecuted("action_listen"),
         UserUttered(parse_data["text"], parse_data["intent"], parse_data["entities"],
                     parse_data)],
        slots=agent.domain.slots)
    action, _ = agent.processor.predict_next_with_tracker_if_should(tracker)
    if action.name() in agent.domain.responses:
        await agent.nlg.generate(action.name(), tracker, "rest")


def warm_action_server(sessions: Any) -> float | None:
    """The action server's share, before it listens: the modules its actions import on
    first use (the reply renderer) and one directory search (the SQL compiled once per
    process), through the code the actions use. Seconds taken; None, with a warning, if
    the directory could not be searched (the server starts anyway: each search reports its
    own failure to the resident)."""
    from sqlalchemy.exc import SQLAlchemyError

    import bot.nlg  # noqa: F401 - imported on first use by bot.dialogue
    from bot.dialogue import SearchFilters, _run_search, category_for_intent

    started = time.perf_counter()
    try:
        _run_search(sessions, SearchFilters(category=category_for_intent("need_interpreting")))
    except (SQLAlchemyError, OSError) as error:  # the server starts without its directory
        logger.warning("Directory search at start failed (%s); the first search will be "
                       "slower", error)
        return None
    seconds = time.perf_counter() - started
    logger.info("Warmed up the action server in %.2f s", seconds)
    return seconds
