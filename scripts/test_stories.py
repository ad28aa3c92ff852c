"""`rasa test core` for tests/test_stories.yml, ignoring the language of each message.

The language detector reports each message's language as entities (``message_language`` and,
when the conversation switches, ``reply_language``) with no span in the text: they fill the
language slots. The test-story format can only annotate spans, so Rasa's end-to-end check
would count them as wrong entities. This wrapper drops exactly those two entity types from
Rasa's comparison, then runs ``rasa test core`` with the given arguments; everything else
(intents, span entities, actions) is compared as usual.
Usage: python scripts/test_stories.py --model M --stories tests/test_stories.yml --e2e ...
"""
from __future__ import annotations

import sys

LANGUAGE_ENTITIES = {"message_language", "reply_language"}


def main(argv: list[str]) -> int:
    import rasa.core.test as core_test
    from rasa.__main__ import main as rasa_main

    clean = core_test._clean_entity_results

    def without_language(text, entity_results):
        kept = [e for e in entity_results or [] if e.get("entity") not in LANGUAGE_ENTITIES]
        return clean(text, kept)

    core_test._clean_entity_results = without_language
    sys.argv = ["rasa", "test", "core", *argv]
    rasa_main()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
