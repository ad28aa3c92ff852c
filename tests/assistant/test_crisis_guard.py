"""The crisis guard: every danger phrase is caught, everyday idioms are not."""
import subprocess
import sys

import pytest

from bot.paths import REPO_ROOT
from bot.safety.crisis import detect_crisis, load_lexicons

DANGER = [
    "I want to kill myself",
    "i'm going to end it all tonight",
    "I don’t want to live anymore",
    "thinking about suicide",
    "my dad is not breathing",
    "she collapsed and is unconscious",
    "my husband won't wake up",
    "he's hitting me right now",
    "there's a man with a knife outside my door",
    "I have taken all my pills",
    "I took too many tablets",
    "im cutting myself",
    "my son threatened to kill me",
    "I can't go on",
    "KILL MYSELF",
    "someone is choking",
    "sucidal thoughts again",
    "i just took 40 tablets",
    "call an ambulance",
    "my brother is trying to hang himself",
    "there's a fire in my flat",
    "im being attacked",
]
EVERYDAY = [
    "I'm dying for a coffee",
    "killing time before my appointment at the council",
    "this form is killing me",
    "I need an interpreter for my mum",
    "my dad needs help with washing and dressing",
    "I'm worried my neighbour is being neglected",
    "I feel low and anxious",
    "dying to know when the cafe opens",
    "where can I get face to face help",
]


@pytest.mark.parametrize("text", DANGER)
def test_danger_is_caught(text):
    assert detect_crisis(text) is not None


@pytest.mark.parametrize("text", EVERYDAY)
def test_everyday_words_are_not_a_crisis(text):
    assert detect_crisis(text) is None


def test_empty_and_whitespace_are_not_a_crisis():
    assert detect_crisis("") is None
    assert detect_crisis("   \n ") is None


def test_every_lexicon_file_loads_with_patterns_for_its_language():
    files = sorted((REPO_ROOT / "data" / "safety").glob("*.yml"))
    lexicons = load_lexicons()
    assert [lexicon.language for lexicon in lexicons] == [f.stem for f in files]
    assert all(lexicon.patterns for lexicon in lexicons)


def test_match_reports_what_matched():
    match = detect_crisis("please help, my mum collapsed")
    assert match.language == "en" and match.matched_text == "collapsed"


@pytest.mark.parametrize("text", [
    "I took my tablets this morning",
    "can I get an emergency appointment with a social worker",
    "I was fired from my job and need employment support",
    "fire safety check for my flat",
    "my mum had her pills today",
])
def test_ordinary_mentions_of_pills_fire_and_emergency_are_not_a_crisis(text):
    assert detect_crisis(text) is None


@pytest.mark.parametrize("text", [
    "I'm thinking about ending it all",
    "I want to end it",
    "I'm going to take all my pills",
    "help he is killing me",
    "he strangled me",
    "I'm scared for my life",
    "life is not worth living",
    "I can't take it anymore",
    "i want to sleep and never wake up",
    "my husband collapsed in the kitchen",
    "I think she's having a stroke",
])
def test_more_ways_of_saying_danger(text):
    assert detect_crisis(text) is not None


@pytest.mark.parametrize("text", [
    "I took 2 paracetamol for my headache",
    "I drank a bottle of water",
    "my dad had a heart attack last year and now needs a care assessment",
    "my mum collapsed last month and now needs help at home",
    "my application isn't moving",
    "I can't go on the bus alone",
    "I want to jump in on a conversation cafe",
    "my back is killing me",
])
def test_past_events_and_everyday_phrases_are_not_a_crisis(text):
    assert detect_crisis(text) is None


def test_lexicon_against_every_labelled_example():
    """Every crisis example in the NLU data (training and held-out) is caught by the lexicon
    alone, and no example of another intent is."""
    result = subprocess.run([sys.executable, "scripts/check_crisis_lexicon.py"], cwd=REPO_ROOT,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout
    assert "false alarms 0/" in result.stdout


@pytest.mark.parametrize("text", [
    "أُرِيدُ أَنْ أَنْتَحِرَ",      # "I want to kill myself", fully vowelled
    "اريد ان انتـــحر",            # stretched with tatweel inside the word
    "حاسس اني بدي آذي نفسي هلأ",   # alef madda: آذي for اذي (a pattern written [اأ]ذي)
    "بدي أذى نفسي",                # alef maqsura for yaa
])
def test_arabic_vowel_marks_and_stretching_do_not_hide_danger(text):
    assert detect_crisis(text) is not None


@pytest.mark.parametrize("text", [
    "मैं आत्महत्या करना चाहता हूँ",            # Hindi
    "ਮੈਂ ਖੁਦਕੁਸ਼ੀ ਕਰਨਾ ਚਾਹੁੰਦਾ ਹਾਂ",            # Punjabi
    "আমি আত্মহত্যা করতে চাই",                  # Bengali
    "Хочу покончить с собой прямо сейчас",     # Russian
    "Я хочу вбити себе",                       # Ukrainian
    "Искам да се самоубия",                    # Bulgarian
    "voglio uccidermi",                        # Italian
    "Kendimi öldürmek istiyorum",              # Turkish
    "Dua të vras veten",                       # Albanian
])
def test_crisis_in_a_language_we_only_machine_translate_is_caught(text):
    """The classifier has no data in these languages: it answered these "not understood" or
    with a list of community groups. The lexicon gives the crisis reply first."""
    assert detect_crisis(text) is not None


def test_requests_in_those_languages_are_not_a_crisis():
    for text in ("मुझे अपनी माँ के लिए दुभाषिया चाहिए", "мне нужен переводчик для мамы",
                 "Ho bisogno di un interprete per mia madre", "Annem için tercüman lazım"):
        assert detect_crisis(text) is None, text


def test_every_language_we_answer_has_a_crisis_lexicon():
    """The README promised a crisis lexicon for each of the eleven machine-translated
    languages, and Spanish and French had none: the classifier, with no data in them, was
    all that stood between "quiero morir" and a list of services."""
    from bot.i18n.languages import configured_languages

    have = {lexicon.language for lexicon in load_lexicons()}
    assert set(configured_languages()) - have == set()


@pytest.mark.parametrize("text, lang", [
    ("quiero morir", "es"), ("me quiero matar", "es"), ("ya no quiero vivir", "es"),
    ("je veux mourir", "fr"), ("je vais me tuer", "fr"), ("je ne veux plus vivre", "fr"),
])
def test_spanish_and_french_crisis_phrases_are_caught(text, lang):
    assert detect_crisis(text).language == lang


@pytest.mark.parametrize("text", [
    # Iraqi, Sudanese, Levantine and Arabizi forms a development set found the lexicon missing
    "ماكو داعي اعيش بعد", "ما دايرة اعيش", "بدي اخلص من حالي", "عم يأذي امي هلق",
    "احنا بخطر، في حدا بره", "ابني شرب نص علبة دوا", "عم قص ايدي", "جرحت ايدي بالشفرة",
    "bade mout", "ma 3ad badde 3ish", "5adt ktir pills",
    # Urdu: in danger, the whole box of medicine, "after tonight I won't be here"
    "ہم خطرے میں ہیں", "اس نے ساری گولیاں کھا لیں", "آج رات کے بعد میں نہیں رہوں گا",
    "jeene ki koi umeed nahi", "jeene ko dil nahi karta",
    # Roman Urdu text-speak: "mrna", "krne", "humen"
    "mai ab mrna chahti hun", "zindgi khatam krne ka soch raha hun", "wo humen maar rha hai",
    # tenth session's blind Arabic development set: cutting now (Sudanese, Maghrebi Arabizi),
    # about to take all the pills, cannot breathe (Arabizi), a child shut in a car in the sun
    "قاعد اقطع في يدي هسي والدم ما داير يقيف", "rani nqatta3 f yeddi daba",
    "ana ma3aya el 7obob f idi w hakhodhom kolohom delwa2ti",
    "sadrha yewja3ha w ma tgdar tetnaffas", "في طفل صغير محبوس بسيارة مقفله تحت الشمس",
    # eleventh session's blind development set B (Maghrebi Arabizi): cutting now ("nqet3"),
    # a mother who fell and neither gets up nor answers
    "rani nqet3 f yeddi drk w ddem ma 7bssch", "ommi ta7et w ma t9oumech w ma tjawebnich",
])
def test_dialect_and_urdu_danger_phrasings(text):
    assert detect_crisis(text) is not None


@pytest.mark.parametrize("text", [
    "انا في خطر ان اخسر شغلي",  # in danger of losing my job
    "قصيت ايدي وانا عم اطبخ",  # cut my hand cooking (told afterwards)
    "ta7et mn 3am w ma 3awdetch tmchi",  # she fell a year ago and no longer walks
    "کل کے بعد میں گھر پر نہیں رہوں گا",  # I won't be at home after tomorrow
    "اس نے ساری کتابیں پڑھ لیں",
    "5adt ktir waraq mn el council",
    "zindagi khatam ho gayi is form ke chakkar me",  # fed up with a form, not a plan
    "humen market jana hai",
    "ابي ابلغ عن اهمال لشخص كبير بالسن بس مو حاله طوارئ",  # neglect, "not an emergency"
    "عندي قطع في يدي من زمان",  # an old cut on my hand
])
def test_dialect_and_urdu_everyday_phrases_are_not_a_crisis(text):
    assert detect_crisis(text) is None
