"""Machine translation of directory text (service descriptions), with a cache and a breaker.

- Provider: deep-translator's GoogleTranslator by default; ``TRANSLATION_PROVIDER`` names
  another deep-translator class that needs no key (e.g. ``MyMemoryTranslator``), or ``off``.
- A hard time budget per reply (``TRANSLATION_TIMEOUT``, default 2 s, for all texts and all
  calls of one reply together: ``MachineTranslator.reply_budget``), and the same timeout on
  the provider's HTTP calls: whatever is not back by then stays in English and the reply
  says so.
- Every translation is cached in the directory database (source hash, languages, provider,
  text, created) and is never shown as reviewed (the contract marks it machine_translated).
- A circuit breaker stops calling a provider after repeated failures, for a cool-down.
Only directory text is sent: residents' own messages never leave the server.
"""
from __future__ import annotations

import hashlib
import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, wait
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import cache, lru_cache

from sqlalchemy.exc import SQLAlchemyError

from bot.directory.models import TranslationCache

logger = logging.getLogger(__name__)

DEFAULT_PROVIDER = "GoogleTranslator"
DEFAULT_TIMEOUT_S = 2.0
_POOL = ThreadPoolExecutor(max_workers=8, thread_name_prefix="translate")
# When the reply being built must be ready (time.monotonic()): every translation for one
# reply shares the one budget (MachineTranslator.reply_budget), however many calls it takes.
_REPLY_DEADLINE: ContextVar[float | None] = ContextVar("translation_deadline", default=None)


@dataclass
class CircuitBreaker:
    """Open after ``threshold`` failures in a row; let one call through after ``cooldown_s``."""

    threshold: int = 3
    cooldown_s: float = 60.0
    clock: Callable[[], float] = time.monotonic
    failures: int = 0
    opened_at: float | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def allows(self) -> bool:
        with self.lock:
            return self.opened_at is None or self.clock() - self.opened_at >= self.cooldown_s

    def success(self) -> None:
        with self.lock:
            self.failures, self.opened_at = 0, None

    def failure(self) -> None:
        with self.lock:
            self.failures += 1
            if self.failures >= self.threshold:
                self.opened_at = self.clock()


def cache_key(provider: str, source: str, target: str, text: str) -> str:
    return hashlib.sha256(f"{provider}\x1f{source}\x1f{target}\x1f{text}".encode()).hexdigest()


class _RequestsWithTimeout:
    """The ``requests`` module as a deep-translator provider module sees it, with a timeout
    on every call that has none: deep-translator 1.11 calls ``requests.get`` without one, so
    a provider that accepts the connection and never answers held a worker for ever (eight
    such replies and translation was off until a restart)."""

    def __init__(self, module, timeout_s: float) -> None:
        self._module, self._timeout_s = module, timeout_s

    def __getattr__(self, name: str):
        value = getattr(self._module, name)
        if name in ("get", "post", "request"):
            def with_timeout(*args, **kwargs):
                kwargs.setdefault("timeout", self._timeout_s)
                return value(*args, **kwargs)
            return with_timeout
        return value


def _bound_http_calls(translator_class: type, timeout_s: float) -> None:
    module = sys.modules.get(translator_class.__module__)
    current = getattr(module, "requests", None)
    if current is None:
        return
    if isinstance(current, _RequestsWithTimeout):
        if current._timeout_s == timeout_s:
            return  # wrapped already, as every call after the first finds it
        current = current._module
    module.requests = _RequestsWithTimeout(current, timeout_s)


@cache
def provider_code(iso: str) -> tuple[str, ...]:
    """``iso`` as providers may want it: the code itself, then the regional codes some
    providers' tables use (MyMemory wants "ro-RO", not "ro")."""
    from deep_translator import constants

    regional = {value for table in vars(constants).values() if isinstance(table, dict)
                for value in table.values()
                if isinstance(value, str) and value.lower().startswith(f"{iso.lower()}-")}
    preferred = f"{iso.lower()}-{PREFERRED_REGION.get(iso.lower(), iso.upper())}"
    return (iso, *sorted(regional, key=lambda code: (code != preferred, code)))


# the region of a language's code where the provider's table has several (British English;
# otherwise the language's own country code, as "ro-RO" or "pl-PL")
PREFERRED_REGION = {"en": "GB", "ur": "PK", "gu": "IN", "ta": "IN", "ar": "SA", "so": "SO"}


def _provider_call(provider: str, source: str, target: str,
                   timeout_s: float = DEFAULT_TIMEOUT_S) -> Callable[[str], str]:
    import deep_translator

    translator_class = getattr(deep_translator, provider)
    _bound_http_calls(translator_class, timeout_s)
    source_code, target_code = _working_codes(provider, source, target)
    return translator_class(source=source_code, target=target_code).translate


@lru_cache(maxsize=256)
def _working_codes(provider: str, source: str, target: str) -> tuple[str, str]:
    """The first of ``provider_code``'s codes the provider accepts for ``source`` and
    ``target``, found once per language pair (not once per text: a refused pair of codes is
    an exception deep-translator raises after checking its table)."""
    import deep_translator

    translator_class = getattr(deep_translator, provider)
    problem: Exception | None = None
    for source_code in provider_code(source):
        for target_code in provider_code(target):
            try:
                translator_class(source=source_code, target=target_code)
                return source_code, target_code
            except Exception as err:  # noqa: BLE001 - deep-translator's own exceptions
                problem = problem or err
    raise problem or ValueError(f"{provider}: no code for {source}->{target}")


def configuration_problem(provider: str) -> str | None:
    """Why ``provider`` cannot translate at all (unknown, or needs a key), in one line."""
    if provider.lower() in ("", "off", "none"):
        return None
    import deep_translator

    if not isinstance(getattr(deep_translator, provider, None), type):
        return (f"TRANSLATION_PROVIDER={provider!r} is not a deep-translator provider: use "
                f"{DEFAULT_PROVIDER}, another class deep-translator has (e.g. "
                "MyMemoryTranslator), or off")
    try:
        _provider_call(provider, "en", "fr")
    except Exception as err:  # noqa: BLE001 - a key missing, a table without French…
        return f"TRANSLATION_PROVIDER={provider!r} cannot be used: {str(err).splitlines()[0]}"
    return None


class MachineTranslator:
    def __init__(self, sessions: Callable, provider: str | None = None,
                 timeout_s: float | None = None, breaker: CircuitBreaker | None = None):
        self.sessions = sessions
        self.provider = provider or os.environ.get("TRANSLATION_PROVIDER", DEFAULT_PROVIDER)
        self.timeout_s = timeout_s if timeout_s is not None else float(
            os.environ.get("TRANSLATION_TIMEOUT", DEFAULT_TIMEOUT_S))
        self.breaker = breaker or CircuitBreaker()
        problem = configuration_problem(self.provider)
        if problem:  # said once, at start-up, and translation off (not a warning a reply)
            logger.error("%s; machine translation is off", problem)
            self.provider = "off"

    @contextmanager
    def reply_budget(self) -> Iterator[None]:
        """Every translation made inside (one reply: its services' descriptions, its text,
        summary, notes and buttons) shares ``timeout_s`` in all; an enclosing budget wins."""
        if _REPLY_DEADLINE.get() is not None:
            yield
            return
        token = _REPLY_DEADLINE.set(time.monotonic() + self.timeout_s)
        try:
            yield
        finally:
            _REPLY_DEADLINE.reset(token)

    def _time_left(self) -> float:
        deadline = _REPLY_DEADLINE.get()
        if deadline is None:
            return self.timeout_s
        return min(self.timeout_s, deadline - time.monotonic())

    @property
    def enabled(self) -> bool:
        return self.provider.lower() not in ("", "off", "none")

    def translate_all(self, texts: list[str], target: str, source: str = "en") -> dict[str, str]:
        """Translations of ``texts`` that could be had in time (cache first); missing ones
        are simply absent, so the caller keeps the English."""
        wanted = sorted({t for t in texts if t and t.strip()})
        if not self.enabled or target == source or not wanted:
            return {}
        found = self._cached(wanted, source, target)
        missing = [t for t in wanted if t not in found]
        if missing and self._time_left() > 0 and self.breaker.allows():
            fresh = self._fetch(missing, source, target)
            found.update(fresh)
            self.store(fresh, source, target)
        return found

    def _fetch(self, texts: list[str], source: str, target: str) -> dict[str, str]:
        budget = self._time_left()
        try:  # an unknown provider or unsupported language is configuration, not an outage
            _provider_call(self.provider, source, target, self.timeout_s)
        except Exception as err:  # noqa: BLE001 - third-party constructor
            logger.warning("translation provider %s unusable for %s->%s: %s", self.provider,
                           source, target, err)
            return {}

        def translate_one(text: str) -> str:
            # one translator object per text: deep-translator keeps the text on the object
            return _provider_call(self.provider, source, target, self.timeout_s)(text)

        futures = {_POOL.submit(translate_one, text): text for text in texts}
        done, not_done = wait(futures, timeout=budget)
        for future in not_done:
            future.cancel()  # queued ones never start; running ones finish in the background
        results: dict[str, str] = {}
        for future in done:
            try:
                translated = future.result()
            except Exception as err:  # noqa: BLE001 - third-party code: 429, 5xx, network…
                logger.warning("translation failed (%s): %s", self.provider, err)
                self.breaker.failure()
                continue
            if isinstance(translated, str) and translated.strip():
                results[futures[future]] = translated.strip()
                self.breaker.success()
        if not_done:
            logger.warning("translation timed out after %.1f s (%d texts)", budget,
                           len(not_done))
            self.breaker.failure()
        return results

    def _cached(self, texts: list[str], source: str, target: str) -> dict[str, str]:
        keys = {cache_key(self.provider, source, target, t): t for t in texts}
        try:
            with self.sessions() as session:
                rows = session.query(TranslationCache).filter(
                    TranslationCache.source_hash.in_(list(keys))).all()
                return {keys[row.source_hash]: row.text for row in rows}
        except SQLAlchemyError:
            logger.exception("translation cache unavailable")
            return {}

    def store(self, translations: dict[str, str], source: str, target: str) -> None:
        """Put translations in the database cache (used for fetched ones; the bench seeds it)."""
        if not translations:
            return
        now = datetime.now(timezone.utc)
        try:
            with self.sessions() as session:
                for text, translated in translations.items():
                    session.merge(TranslationCache(
                        source_hash=cache_key(self.provider, source, target, text),
                        source_language=source, target_language=target,
                        provider=self.provider, text=translated, created=now))
                session.commit()
        except SQLAlchemyError:
            logger.exception("could not cache translations")


TRANSLATED_FIELDS = ("description", "opening_hours", "note")  # names, addresses as written


def translate_services(services: list[dict], target: str,
                       translator: MachineTranslator | None) -> list[dict]:
    """The services with descriptions, opening times and alerts machine translated where possible,
    marked ``machine_translated`` when the description is (the reply then says so)."""
    if translator is None or target == "en":
        return services
    translated = translator.translate_all(
        [s.get(name) or "" for s in services for name in TRANSLATED_FIELDS], target)
    out = []
    for service in services:
        if service.get("description") in translated:
            service = {**service, "machine_translated": True, **{
                name: translated[service[name]] for name in TRANSLATED_FIELDS
                if service.get(name) in translated}}
        out.append(service)
    return out

