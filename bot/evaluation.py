"""Held-out evaluation per language: intents, crisis recall and the language of the reply.

For every language with a held-out split (tests/nlu/<lang>_heldout.yml, never trained on),
each message is parsed by the trained model as the first message of a new conversation, then
answered the way the assistant answers it (fixed replies through bot.nlg, service lists and
follow-ups through bot.dialogue over the bundled directory), and the reply's fixed text is
given to the language detector: it must come out in the language of the message.

Used by ``make eval`` (scripts/evaluate_nlu.py) and by tests/test_rasa_project.py.
"""
from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bot.nlu.examples import labelled_examples
from bot.paths import REPO_ROOT

HELDOUT_DIR = REPO_ROOT / "tests" / "nlu"
INTENT_TARGETS = {"en": 0.95}
DEFAULT_INTENT_TARGET = 0.92
REPLY_LANGUAGE_TARGET = 0.98
# What each intent gets when it is the first message (data/rules.yml).
RESPONSE_FOR_INTENT = {
    "greet": "utter_greet", "goodbye": "utter_goodbye", "thank": "utter_thanks",
    "bot_challenge": "utter_iamabot", "capabilities": "utter_capabilities",
    "human_handoff": "utter_human_contact", "out_of_scope": "utter_out_of_scope",
    "nlu_fallback": "utter_default", "crisis": "utter_crisis",
    "choose_language": "utter_language_menu",
}


def heldout_examples(lang: str, directory: Path = HELDOUT_DIR) -> list[tuple[str, str]]:
    """(text, intent) of every held-out example of ``lang``."""
    return labelled_examples(directory / f"{lang}_heldout.yml")


def heldout_languages(directory: Path = HELDOUT_DIR) -> list[str]:
    return sorted(p.name.removesuffix("_heldout.yml") for p in directory.glob("*_heldout.yml"))


@dataclass
class LanguageReport:
    language: str
    total: int = 0
    correct: int = 0
    fallback: int = 0
    crisis_total: int = 0
    crisis_caught: int = 0
    reply_in_language: int = 0
    # crisis replies given in reviewed English because this language's crisis text is not
    # reviewed yet (bot.nlg: the crisis reply is only ever reviewed text): not counted
    # against the reply-language rate, reported on their own
    crisis_in_english: int = 0
    per_intent: dict[str, Counter] = field(default_factory=dict)
    confusions: Counter = field(default_factory=Counter)
    wrong_language: list[tuple[str, str]] = field(default_factory=list)
    errors: list[tuple[str, str, str]] = field(default_factory=list)  # text, gold, predicted

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    @property
    def reply_language_rate(self) -> float:
        counted = self.total - self.crisis_in_english
        return self.reply_in_language / counted if counted else 0.0

    @property
    def crisis_recall(self) -> float:
        return self.crisis_caught / self.crisis_total if self.crisis_total else 1.0

    def macro_f1(self) -> float:
        scores = []
        for counts in self.per_intent.values():
            tp, fp, fn = counts["tp"], counts["fp"], counts["fn"]
            if tp + fn == 0:  # predicted but never expected here (e.g. nlu_fallback)
                continue
            precision = tp / (tp + fp) if tp + fp else 0.0
            recall = tp / (tp + fn)
            scores.append(2 * precision * recall / (precision + recall)
                          if precision + recall else 0.0)
        return sum(scores) / len(scores) if scores else 0.0

    def record(self, gold: str, predicted: str, text: str = "") -> None:
        self.total += 1
        self.correct += predicted == gold
        self.fallback += predicted == "nlu_fallback"
        for name in (gold, predicted):
            self.per_intent.setdefault(name, Counter())
        if predicted == gold:
            self.per_intent[gold]["tp"] += 1
        else:
            self.per_intent[gold]["fn"] += 1
            self.per_intent[predicted]["fp"] += 1
            self.confusions[(gold, predicted)] += 1
            self.errors.append((text, gold, predicted))
        if gold == "crisis":
            self.crisis_total += 1
            self.crisis_caught += predicted == "crisis"

    def summary(self) -> dict:
        target = INTENT_TARGETS.get(self.language, DEFAULT_INTENT_TARGET)
        return {
            "examples": self.total, "intent_accuracy": round(self.accuracy, 4),
            "intent_macro_f1": round(self.macro_f1(), 4), "target_accuracy": target,
            "fallback_rate": round(self.fallback / self.total, 4) if self.total else 0.0,
            "crisis_recall": round(self.crisis_recall, 4),
            "reply_language_rate": round(self.reply_language_rate, 4),
            "crisis_replies_in_reviewed_english": self.crisis_in_english,
            "target_reply_language_rate": REPLY_LANGUAGE_TARGET,
            "top_confusions": [f"{g} -> {p}: {n}" for (g, p), n in
                               self.confusions.most_common(8)],
            "replies_in_another_language": [f"{t} -> {lang}" for t, lang in
                                            self.wrong_language[:10]],
            "meets_targets": self.accuracy >= target
            and self.reply_language_rate >= REPLY_LANGUAGE_TARGET
            and self.crisis_recall == 1.0,
        }


def _slots_after(parse: dict) -> dict:
    """The language slots a first message sets (domain.yml mappings)."""
    slots: dict = {}
    for entity in parse.get("entities") or []:
        if entity.get("entity") == "reply_language":
            slots["language"] = entity.get("value")
        elif entity.get("entity") == "message_language":
            slots["detected_language"] = entity.get("value")
    return slots


def reply_text(parse: dict, slots: dict, sessions) -> str:
    """The language-bearing text of the assistant's reply to a first message: the fixed
    reply, or the opening line of a service list or follow-up (service names, addresses and
    descriptions come from the directory, in English unless machine translated)."""
    from bot.dialogue import SearchFilters, detail_turn, search_turn
    from bot.i18n.languages import reply_language
    from bot.nlg import domain_responses, render_response

    intent = (parse.get("intent") or {}).get("name") or "nlu_fallback"
    lang = reply_language(slots)
    if intent in RESPONSE_FOR_INTENT:
        chosen = any(e.get("extractor") == "LanguageRequest" for e in parse.get("entities", []))
        reply = render_response(domain_responses(), RESPONSE_FOR_INTENT[intent], slots, chosen)
        return reply["text"] if reply else ""
    if intent.startswith("ask_"):
        turn = detail_turn(intent, parse.get("entities", []), parse.get("text", ""), [], lang,
                           sessions)
    else:
        turn = search_turn(intent, parse.get("entities", []), SearchFilters(), lang, sessions)
    text = turn.messages[0].get("text", "") if turn.messages else ""
    return text.split("\n", 1)[0]


async def _evaluate(model: Path, languages: list[str],
                    directory: Path = HELDOUT_DIR) -> dict[str, LanguageReport]:
    from rasa.core.agent import Agent

    from bot.directory.db import session_factory
    from bot.i18n.detect import detect_language
    from bot.nlg import crisis_reply
    from bot.nlu.components import requested_language
    from bot.nlu.lexicon import find_entities

    agent = Agent.load(str(model))
    sessions = session_factory()
    english_crisis = crisis_reply("en")["text"]
    reports = {}
    for lang in languages:
        report = LanguageReport(lang)
        for text, gold in heldout_examples(lang, directory):
            parse = await agent.parse_message(text)
            report.record(gold, (parse.get("intent") or {}).get("name") or "nlu_fallback",
                          text)
            answer = await asyncio.to_thread(reply_text, parse, _slots_after(parse), sessions)
            found = detect_language(answer)
            expected = lang
            if gold == "choose_language":  # "can we speak Urdu?" is answered in Urdu
                expected = requested_language([e.as_rasa() for e in find_entities(text)],
                                              text) or lang
            if found is not None and found.language == expected:
                report.reply_in_language += 1
            elif answer == english_crisis and lang != "en":
                report.crisis_in_english += 1
            else:
                report.wrong_language.append((text, found.language if found else "?"))
        reports[lang] = report
    return reports


def evaluate(model: Path, languages: list[str] | None = None,
             directory: Path = HELDOUT_DIR) -> dict[str, LanguageReport]:
    """Every split ``<lang>_heldout.yml`` in ``directory`` (default: the held-out splits; a
    development set written apart from them can be scored the same way)."""
    return asyncio.run(_evaluate(model, languages or heldout_languages(directory), directory))
