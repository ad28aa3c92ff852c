"""Language names and ISO 639-1 codes used by directory records and queries.

Records carry ``languages[]`` with HSDS 3.0 ``name`` and ``code``; when only a name is given
it is mapped here. English is assumed to be spoken by every service.
"""
from __future__ import annotations

ENGLISH = "en"

NAME_TO_CODE: dict[str, str] = {
    "english": "en", "romanian": "ro", "gujarati": "gu", "tamil": "ta", "polish": "pl",
    "arabic": "ar", "urdu": "ur", "portuguese": "pt", "somali": "so", "hindi": "hi",
    "punjabi": "pa", "panjabi": "pa", "bengali": "bn", "bangla": "bn", "farsi": "fa",
    "persian": "fa", "dari": "fa", "pashto": "ps", "pushto": "ps", "french": "fr",
    "spanish": "es", "italian": "it", "german": "de", "dutch": "nl", "bulgarian": "bg",
    "albanian": "sq", "sinhala": "si", "sinhalese": "si", "turkish": "tr", "kurdish": "ku",
    "swahili": "sw", "chinese": "zh", "mandarin": "zh", "cantonese": "zh", "russian": "ru",
    "ukrainian": "uk", "lithuanian": "lt", "latvian": "lv", "estonian": "et",
    "hungarian": "hu", "greek": "el", "czech": "cs", "slovak": "sk", "croatian": "hr",
    "serbian": "sr", "bosnian": "bs", "slovenian": "sl", "japanese": "ja", "korean": "ko",
    "vietnamese": "vi", "thai": "th", "tagalog": "tl", "filipino": "tl", "nepali": "ne",
    "tigrinya": "ti", "amharic": "am", "hebrew": "he", "malayalam": "ml", "telugu": "te",
    "marathi": "mr", "kannada": "kn", "sindhi": "sd", "yoruba": "yo", "igbo": "ig",
    "hausa": "ha", "lingala": "ln", "malay": "ms", "indonesian": "id", "irish": "ga",
    "welsh": "cy", "afrikaans": "af", "twi": "tw", "oromo": "om",
}

CODE_TO_NAME: dict[str, str] = {}
for _name, _code in NAME_TO_CODE.items():
    CODE_TO_NAME.setdefault(_code, _name.capitalize())


def language_code(value: str | None) -> str | None:
    """ISO 639-1 code for a code or an English language name ("Tamil", "ta", "TA-IN")."""
    if not value:
        return None
    text = value.strip().casefold()
    if text in NAME_TO_CODE:
        return NAME_TO_CODE[text]
    base = text.replace("_", "-").split("-")[0]
    if len(base) == 2 and base.isalpha():
        return base
    return None


def language_name(code: str) -> str:
    """English name for a code (the code itself when unknown)."""
    return CODE_TO_NAME.get(code, code)
