"""Build the bundled demonstration directory ``data/directory/harrow.json`` (ORUK 3.0).

The committed JSON is the source of truth that the app imports; this script is how staff
regenerate it after editing the tables below. Output is deterministic: every id is
``uuid5(NAMESPACE_URL, "harrow-support/<kind>/<key>")`` and ``last_modified`` is fixed.

Almost every record is sample data built from what is publicly described about Harrow's
services: phone numbers are in the drama range 020 7946 0000-0999, emails and websites use
example.org, and each such record carries the ``harrow-data-status: sample_data`` attribute and
an alert saying so. Only national lines (999, NHS 111, Samaritans 116 123) are real.

Usage:  python scripts/build_directory_data.py   (then run scripts/check_directory_data.py)
"""

from __future__ import annotations

import json
import sys
import uuid
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bot.directory.sample import DATA_STATUS_TAXONOMY, SAMPLE_ALERT, SAMPLE_DATA_TERM

OUTPUT = REPO / "data" / "directory" / "harrow.json"
LAST_MODIFIED = "2026-11-26T09:00:00.000Z"
WEEKDAYS = "MO,TU,WE,TH,FR"

NEED_TAXONOMY = "harrow-needs"
ACCESS_TAXONOMY = "harrow-access"

# code: (label, description, LGA/esd service id or None)
CATEGORIES: dict[str, tuple[str, str, int | None]] = {
    "interpreting": ("Interpreting and translation",
                     "An interpreter or translator, BSL or translated letters.", 169),
    "advocacy": ("Advocacy",
                 "Someone independent to help you speak up, such as Care Act advocacy.", 728),
    "conversation_cafe": ("Conversation Cafés",
                          "The council's Conversation Cafés: drop in for advice and a chat.", None),
    "customer_access_point": ("Customer access points",
                              "Face-to-face help from the council without going online.", None),
    "mental_health": ("Mental health and wellbeing",
                      "Support for low mood, anxiety and wellbeing, including talking therapies.",
                      1284),
    "carers": ("Support for carers",
               "Help for unpaid carers, including carers' assessments.", 225),
    "safeguarding": ("Adult safeguarding",
                     "Reporting abuse or neglect of an adult. In an emergency call 999.", None),
    "accessible_information": ("Accessible information",
                               "Easy read, large print, braille, audio and other formats.", None),
    "digital_inclusion": ("Digital help",
                          "Learning to use a computer, phone or the internet.", None),
    "employment_support": ("Work, training and volunteering",
                           "Work, training and volunteering for disabled people.", None),
    "community_groups": ("Community groups",
                         "Culturally specific and community organisations.", None),
    "care_assessment": ("Care and support needs assessment",
                        "Asking for care and support and a Care Act needs assessment.", None),
}

ACCESS_FEATURES: dict[str, tuple[str, str]] = {
    "bsl": ("British Sign Language", "British Sign Language (BSL) interpreting is available."),
    "easy_read": ("Easy read", "Information is available in easy read."),
    "large_print": ("Large print", "Information is available in large print."),
    "braille": ("Braille", "Information is available in braille."),
    "audio": ("Audio", "Information is available as audio."),
    "video_interpreting": ("Video interpreting",
                           "An interpreter can join by video call."),
}

LANGUAGE_NAMES = {
    "en": "English", "ro": "Romanian", "gu": "Gujarati", "ta": "Tamil", "pl": "Polish",
    "ar": "Arabic", "ur": "Urdu", "pt": "Portuguese", "so": "Somali", "hi": "Hindi",
    "pa": "Punjabi", "bn": "Bengali", "fa": "Persian (Farsi)", "ps": "Pashto",
    "sq": "Albanian", "bg": "Bulgarian", "tr": "Turkish", "ti": "Tigrinya",
}

ORGANIZATIONS: dict[str, dict[str, Any]] = {
    "harrow-council": {
        "name": "Harrow Council (London Borough of Harrow)",
        "description": "The local council for the London Borough of Harrow. It is responsible "
                       "for adult social care, including assessments, safeguarding and "
                       "information for residents.",
        "email": "adults@example.org", "website": "https://www.example.org/harrow-council",
    },
    "harrow-deaf-access": {
        "name": "Harrow Deaf Access Service (sample)",
        "description": "A sample organisation that books British Sign Language interpreters "
                       "and supports Deaf residents.",
        "email": "deaf-access@example.org", "website": "https://www.example.org/deaf-access",
    },
    "community-language-link": {
        "name": "Harrow Community Language Link (sample)",
        "description": "A sample volunteer network of community interpreters in Harrow.",
        "email": "language-link@example.org",
        "website": "https://www.example.org/language-link",
    },
    "harrow-advocacy": {
        "name": "Harrow Independent Advocacy (sample)",
        "description": "A sample independent advocacy provider commissioned to deliver Care "
                       "Act, hospital discharge, mental health and complaints advocacy.",
        "email": "advocacy@example.org", "website": "https://www.example.org/advocacy",
    },
    "healthy-harrow": {
        "name": "Healthy Harrow Wellbeing Champions (sample)",
        "description": "A charity chosen from the Healthy Harrow partnership to train and "
                       "support mental health and wellbeing volunteer champions.",
        "email": "champions@example.org", "website": "https://www.example.org/healthy-harrow",
    },
    "finding-rhythms": {
        "name": "Finding Rhythms",
        "description": "A music charity that runs courses where people write and record music "
                       "together. It worked with Harrow Council on a course for young Black "
                       "men with mental health needs.",
        "email": "finding-rhythms@example.org",
        "website": "https://www.example.org/finding-rhythms",
    },
    "talking-therapies": {
        "name": "Harrow NHS Talking Therapies (sample)",
        "description": "A sample NHS talking therapies provider for adults registered with a "
                       "Harrow GP.",
        "email": "talking-therapies@example.org",
        "website": "https://www.example.org/talking-therapies",
    },
    "samaritans": {
        "name": "Samaritans",
        "description": "A national charity that listens to anyone who is struggling to cope, "
                       "day or night.",
        "email": "jo@samaritans.org", "website": "https://www.samaritans.org",
    },
    "carers-hub": {
        "name": "Harrow Carers Support Hub (sample)",
        "description": "A sample local charity for unpaid carers in Harrow.",
        "email": "carers@example.org", "website": "https://www.example.org/carers-hub",
    },
    "domestic-abuse-service": {
        "name": "Harrow Domestic Abuse Advice Service (sample)",
        "description": "A sample specialist service for adults experiencing domestic abuse.",
        "email": "domestic-abuse@example.org",
        "website": "https://www.example.org/domestic-abuse",
    },
    "sight-loss-support": {
        "name": "Harrow Sight Loss Support (sample)",
        "description": "A sample local charity for blind and partially sighted residents.",
        "email": "sight-loss@example.org", "website": "https://www.example.org/sight-loss",
    },
    "harrow-libraries": {
        "name": "Harrow Libraries (sample)",
        "description": "Public libraries in Harrow, with free computers, wifi and volunteer "
                       "digital help.",
        "email": "libraries@example.org", "website": "https://www.example.org/libraries",
    },
    "get-online-harrow": {
        "name": "Get Online Harrow (sample)",
        "description": "A sample partnership that lends tablets and data to residents who are "
                       "not online.",
        "email": "get-online@example.org", "website": "https://www.example.org/get-online",
    },
    "supported-employment": {
        "name": "Harrow Supported Employment Service (sample)",
        "description": "A sample council-commissioned service that helps people with learning "
                       "disabilities and autistic people into work.",
        "email": "supported-employment@example.org",
        "website": "https://www.example.org/supported-employment",
    },
    "work-and-wellbeing": {
        "name": "Harrow Work and Wellbeing Service (sample)",
        "description": "A sample employment advice service for disabled people and people "
                       "with mental health conditions.",
        "email": "work-wellbeing@example.org",
        "website": "https://www.example.org/work-wellbeing",
    },
    "volunteering-hub": {
        "name": "Harrow Volunteering Hub (sample)",
        "description": "A sample volunteer centre matching residents with local volunteering.",
        "email": "volunteering@example.org", "website": "https://www.example.org/volunteering",
    },
    "awrc": {
        "name": "Asian Women's Resource Centre",
        "description": "A women's organisation that supports Asian women and their families "
                       "with advice, wellbeing and safety. Contact details here are sample "
                       "data.",
        "email": "awrc@example.org", "website": "https://www.example.org/awrc",
    },
    "romanian-network": {
        "name": "Harrow Romanian Community Network (sample)",
        "description": "A sample community organisation for Romanian residents of Harrow.",
        "email": "romanian-network@example.org",
        "website": "https://www.example.org/romanian-network",
    },
    "tamil-elders": {
        "name": "Harrow Tamil Elders' Association (sample)",
        "description": "A sample community organisation for older Tamil residents and their "
                       "families.",
        "email": "tamil-elders@example.org", "website": "https://www.example.org/tamil-elders",
    },
    "somali-families": {
        "name": "Harrow Somali Families Group (sample)",
        "description": "A sample community organisation for Somali families in Harrow.",
        "email": "somali-families@example.org",
        "website": "https://www.example.org/somali-families",
    },
    "polish-club": {
        "name": "Harrow Polish Community Club (sample)",
        "description": "A sample community club for Polish residents of Harrow.",
        "email": "polish-club@example.org", "website": "https://www.example.org/polish-club",
    },
    "gujarati-seniors": {
        "name": "Harrow Gujarati Seniors' Centre (sample)",
        "description": "A sample day centre for older Gujarati-speaking residents.",
        "email": "gujarati-seniors@example.org",
        "website": "https://www.example.org/gujarati-seniors",
    },
}

STEP_FREE = ("Wheelchair access and step-free entrance",
             "Level or ramped entrance; the main rooms are on the ground floor.")
LOOP = ("Hearing loop at reception",
        "Induction loop at the front desk: switch your hearing aid to the T setting.")
TOILET = ("Accessible toilet", "Accessible toilet on the ground floor.")
LIFT = ("Lift to all floors", "Lift large enough for a wheelchair user and a companion.")
PARKING = ("Blue Badge parking", "Blue Badge parking spaces close to the entrance.")

# key: name, address_1, city (post town), postcode, lat, lon, accessibility features
# Addresses are plausible sample locations on real Harrow streets, not verified venues.
LOCATIONS: dict[str, dict[str, Any]] = {
    "cap-st-anns": {
        "name": "Customer Access Point, St Ann's Road",
        "address_1": "22 St Ann's Road", "city": "Harrow", "postal_code": "HA1 1LA",
        "lat": 51.5806, "lon": -0.3357, "access": [STEP_FREE, LOOP, TOILET],
    },
    "cap-station-road": {
        "name": "Customer Access Point, Station Road",
        "address_1": "180 Station Road", "city": "Harrow", "postal_code": "HA1 2RH",
        "lat": 51.5838, "lon": -0.3348, "access": [STEP_FREE, LOOP, TOILET, LIFT],
    },
    "town-centre-library": {
        "name": "Town Centre Library and Community Hub",
        "address_1": "Gayton Road", "city": "Harrow", "postal_code": "HA1 2HL",
        "lat": 51.5801, "lon": -0.3318, "access": [STEP_FREE, LOOP, TOILET, LIFT],
    },
    "wealdstone-centre": {
        "name": "Wealdstone Community Centre",
        "address_1": "40 High Street, Wealdstone", "city": "Harrow", "postal_code": "HA3 7AE",
        "lat": 51.5962, "lon": -0.3342, "access": [STEP_FREE, TOILET],
    },
    "pinner-library": {
        "name": "Pinner Library",
        "address_1": "Marsh Road", "city": "Pinner", "postal_code": "HA5 5NQ",
        "lat": 51.5918, "lon": -0.3797, "access": [STEP_FREE, LOOP, TOILET],
    },
    "northwick-park": {
        "name": "Northwick Park Hospital, patient advice area",
        "address_1": "Watford Road", "city": "Harrow", "postal_code": "HA1 3UJ",
        "lat": 51.5757, "lon": -0.3215, "access": [STEP_FREE, LOOP, TOILET, LIFT, PARKING],
    },
    "south-harrow-centre": {
        "name": "South Harrow Community Centre",
        "address_1": "Northolt Road, South Harrow", "city": "Harrow", "postal_code": "HA2 0EE",
        "lat": 51.5648, "lon": -0.3521, "access": [STEP_FREE, TOILET],
    },
    "rayners-lane-stop": {
        "name": "Mobile café van stop, Rayners Lane",
        "address_1": "Alexandra Avenue, Rayners Lane", "city": "Harrow",
        "postal_code": "HA2 9DX", "lat": 51.5749, "lon": -0.3706,
        "access": [("Step-free access to the van by ramp",
                    "The van has a fold-out ramp for wheelchair users.")],
    },
    "queensbury-stop": {
        "name": "Mobile café van stop, Queensbury",
        "address_1": "Queensbury Circle, Honeypot Lane", "city": "Edgware",
        "postal_code": "HA8 5NR", "lat": 51.5943, "lon": -0.2862,
        "access": [("Step-free access to the van by ramp",
                    "The van has a fold-out ramp for wheelchair users.")],
    },
    "kenton-hall": {
        "name": "Kenton Community Hall",
        "address_1": "Kenton Road, Kenton", "city": "Harrow", "postal_code": "HA3 0AN",
        "lat": 51.5823, "lon": -0.3168, "access": [STEP_FREE, LOOP, TOILET],
    },
    "stanmore-rooms": {
        "name": "Stanmore Community Rooms",
        "address_1": "The Broadway", "city": "Stanmore", "postal_code": "HA7 4DU",
        "lat": 51.6172, "lon": -0.3058, "access": [STEP_FREE, TOILET, PARKING],
    },
    "camrose-centre": {
        "name": "Camrose Avenue Day Centre",
        "address_1": "Camrose Avenue", "city": "Edgware", "postal_code": "HA8 6EG",
        "lat": 51.6079, "lon": -0.2842, "access": [STEP_FREE, LOOP, TOILET, PARKING],
    },
    "harrow-weald-hall": {
        "name": "Harrow Weald Community Hall",
        "address_1": "High Road, Harrow Weald", "city": "Harrow", "postal_code": "HA3 5EA",
        "lat": 51.6058, "lon": -0.3384, "access": [STEP_FREE, TOILET],
    },
    "north-harrow-hall": {
        "name": "North Harrow Community Hall",
        "address_1": "Pinner Road, North Harrow", "city": "Harrow", "postal_code": "HA2 6EH",
        "lat": 51.5843, "lon": -0.3619, "access": [STEP_FREE, LOOP, TOILET],
    },
    "hatch-end-rooms": {
        "name": "Hatch End Community Rooms",
        "address_1": "Uxbridge Road, Hatch End", "city": "Pinner", "postal_code": "HA5 4AB",
        "lat": 51.6093, "lon": -0.3685, "access": [STEP_FREE, TOILET],
    },
    "greenhill-offices": {
        "name": "Greenhill Way offices (appointments only)",
        "address_1": "Greenhill Way", "city": "Harrow", "postal_code": "HA1 1LE",
        "lat": 51.5812, "lon": -0.3365, "access": [STEP_FREE, LOOP, TOILET, LIFT],
    },
}
VIRTUAL = "phone-video-online"  # one shared virtual location for remote-only services


def make_id(kind: str, key: str) -> str:
    """Deterministic UUID for one object of one kind."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"harrow-support/{kind}/{key}"))


def sched(days: str, opens: str, closes: str, text: str, **extra: Any) -> dict[str, Any]:
    """One weekly opening block (extra: valid_from, valid_to, freq, notes, location)."""
    return {"days": days, "opens": opens, "closes": closes, "text": text, **extra}


# Each service: slug, name, org, categories (first = primary), access, languages (non-English;
# English is always added), locations (keys; [] or [VIRTUAL] for remote), schedules, phones,
# description, sample (False only for records whose every detail is real and public).
SERVICES: list[dict[str, Any]] = [
    {
        "slug": "council-interpreting",
        "name": "Interpreting and Translation Service (on demand)",
        "org": "harrow-council",
        "categories": ["interpreting", "accessible_information"],
        "access": ["bsl", "video_interpreting"],
        "languages": ["ro", "gu", "ta", "pl", "ar", "ur", "pt", "so", "hi", "pa", "bn", "fa",
                      "ps", "sq", "bg", "tr", "ti"],
        "language_note": "Through an on-demand interpreter by phone, video or in person.",
        "locations": [VIRTUAL],
        "schedules": [sched(WEEKDAYS, "09:00", "17:00", "Monday to Friday, 9am to 5pm")],
        "phones": [("020 7946 0110", "Interpreting bookings")],
        "description": "The council's on-demand interpreting service gives you an independent "
                       "interpreter for assessments, reviews and meetings, in person, by phone "
                       "or by video call, including British Sign Language. It can also "
                       "translate council letters and documents into your language. Ask your "
                       "social worker or call to book; you do not need a family member to "
                       "interpret.",
    },
    {
        "slug": "bsl-deaf-access",
        "name": "BSL Interpreting and Deaf Access Service",
        "org": "harrow-deaf-access",
        "categories": ["interpreting", "accessible_information"],
        "access": ["bsl", "video_interpreting"],
        "languages": [],
        "locations": ["greenhill-offices"],
        "schedules": [sched(WEEKDAYS, "09:00", "17:00", "Monday to Friday, 9am to 5pm"),
                      sched("TH", "17:00", "19:00", "Thursday evening BSL drop-in, 5pm to 7pm")],
        "phones": [("020 7946 0120", "Voice and text relay")],
        "description": "Books British Sign Language interpreters for Deaf residents, in person or "
                       "by video, for health, care and council appointments. It can also turn "
                       "council information into BSL video. Contact by email, text relay or "
                       "the Thursday evening drop-in.",
    },
    {
        "slug": "community-language-link",
        "name": "Community Language Link: volunteer interpreters",
        "org": "community-language-link",
        "categories": ["interpreting", "community_groups"],
        "access": [],
        "languages": ["ro", "pl", "so", "ar", "fa", "ta", "pt", "bg"],
        "locations": ["south-harrow-centre"],
        "schedules": [sched("TU,TH", "10:00", "14:00", "Tuesday and Thursday, 10am to 2pm"),
                      sched("SA", "10:00", "13:00", "Saturday, 10am to 1pm")],
        "phones": [("020 7946 0130", "Volunteer coordinator")],
        "description": "Trained community volunteers help you understand letters and forms and "
                       "come with you to everyday appointments in your own language. This is "
                       "for informal help; for care assessments the council books a "
                       "professional interpreter.",
    },
    {
        "slug": "care-act-advocacy",
        "name": "Independent Care Act Advocacy",
        "org": "harrow-advocacy",
        "categories": ["advocacy", "care_assessment", "safeguarding"],
        "access": ["easy_read"],
        "languages": ["gu", "ur"],
        "locations": [VIRTUAL],
        "schedules": [sched(WEEKDAYS, "09:00", "17:00", "Monday to Friday, 9am to 5pm")],
        "phones": [("020 7946 0140", "Advocacy referrals")],
        "description": "An independent advocate helps you take part in your care assessment, "
                       "care plan, review or a safeguarding enquiry if you would find it hard "
                       "and have nobody else to help. The advocate is on your side and is "
                       "not part of the council. You, a relative or a worker can ask for one.",
    },
    {
        "slug": "hospital-discharge-advocacy",
        "name": "Hospital Discharge Advocacy",
        "org": "harrow-advocacy",
        "categories": ["advocacy", "care_assessment", "carers"],
        "access": [],
        "languages": ["hi", "pa"],
        "locations": ["northwick-park"],
        "schedules": [sched(WEEKDAYS, "09:00", "17:00", "Monday to Friday, 9am to 5pm")],
        "phones": [("020 7946 0150", "Hospital advocacy team")],
        "description": "Advocates support patients leaving hospital whose care needs are being "
                       "assessed, so their wishes are heard when plans for going home or into "
                       "care are made. Families and carers can ask for an advocate too.",
    },
    {
        "slug": "mental-health-complaints-advocacy",
        "name": "Mental Health and Complaints Advocacy",
        "org": "harrow-advocacy",
        "categories": ["advocacy", "mental_health"],
        "access": ["easy_read"],
        "languages": ["pl", "ro"],
        "locations": [VIRTUAL],
        "schedules": [sched("MO,WE,FR", "10:00", "16:00",
                            "Monday, Wednesday and Friday, 10am to 4pm")],
        "phones": [("020 7946 0160", "Advice and referrals")],
        "description": "Independent advocates help people detained or treated under the Mental "
                       "Health Act understand their rights. They also help anyone make a "
                       "complaint about NHS or council care.",
    },
    {
        "slug": "conversation-cafe-town-centre",
        "name": "Conversation Café, Harrow town centre",
        "org": "harrow-council",
        "categories": ["conversation_cafe", "accessible_information", "digital_inclusion"],
        "access": ["easy_read", "large_print"],
        "languages": ["gu", "hi", "ur", "pa", "ta", "ro", "pl", "ar", "so"],
        "language_note": "Spoken by café volunteers, who speak 10 languages between them.",
        "locations": ["town-centre-library"],
        "schedules": [sched("TU", "10:00", "12:30", "Tuesday morning, 10am to 12:30pm"),
                      sched("TU", "13:30", "15:30", "Tuesday afternoon, 1:30pm to 3:30pm"),
                      sched("SA", "10:00", "13:00", "Saturday, 10am to 1pm")],
        "phones": [("020 7946 0170", "Conversation Café team")],
        "description": "Drop in for a cup of tea, a chat and advice from council staff about "
                       "care and support; no appointment needed. Volunteers speak 10 "
                       "languages between them, information can be given in accessible "
                       "formats on request, and computers are being introduced so you can get "
                       "help going online.",
    },
    {
        "slug": "conversation-cafe-wealdstone",
        "name": "Conversation Café, Wealdstone",
        "org": "harrow-council",
        "categories": ["conversation_cafe", "digital_inclusion"],
        "access": ["easy_read"],
        "languages": ["ro", "ta", "so"],
        "locations": ["wealdstone-centre"],
        "schedules": [sched("TH", "10:00", "13:00", "Thursday, 10am to 1pm"),
                      sched("WE", "17:30", "19:30", "Summer evening café, Wednesday 5:30pm to "
                            "7:30pm (June to August 2026 only)",
                            valid_from="2026-06-03", valid_to="2026-08-26")],
        "phones": [("020 7946 0180", "Conversation Café team")],
        "description": "A friendly drop-in where you can talk to council staff and volunteers "
                       "about care, support and local activities. Bring any letters you need "
                       "help with; volunteers can help in Romanian, Tamil and Somali.",
    },
    {
        "slug": "conversation-cafe-van",
        "name": "Mobile Conversation Café van (planned)",
        "org": "harrow-council",
        "categories": ["conversation_cafe", "digital_inclusion"],
        "access": [],
        "languages": ["ro", "gu"],
        "locations": ["rayners-lane-stop", "queensbury-stop"],
        "schedules": [sched("MO", "10:00", "14:00", "Planned: Mondays at Rayners Lane, 10am to "
                            "2pm, from April 2027", valid_from="2027-04-05",
                            location="rayners-lane-stop"),
                      sched("TH", "10:00", "14:00", "Planned: Thursdays at Queensbury, 10am to "
                            "2pm, from April 2027", valid_from="2027-04-08",
                            location="queensbury-stop")],
        "phones": [("020 7946 0190", "Conversation Café team")],
        "description": "A planned mobile café van will bring the Conversation Café to "
                       "neighbourhoods further from the town centre, with advice, a chat and "
                       "help getting online. It is planned to start in April 2027, and a bus "
                       "is also planned to reach more people.",
        "alert_extra": "This is a planned service and is not running yet.",
    },
    {
        "slug": "customer-access-point-st-anns",
        "name": "Customer Access Point, St Ann's Road",
        "org": "harrow-council",
        "categories": ["customer_access_point", "care_assessment"],
        "access": ["bsl", "video_interpreting"],
        "languages": ["gu", "ro", "ta"],
        "locations": ["cap-st-anns"],
        "schedules": [sched(WEEKDAYS, "09:30", "12:30", "Monday to Friday, 9:30am to 12:30pm"),
                      sched(WEEKDAYS, "13:30", "16:30", "Monday to Friday, 1:30pm to 4:30pm"),
                      sched("SA", "10:00", "13:00", "Saturday, 10am to 1pm")],
        "phones": [("020 7946 0200", "Customer access point")],
        "description": "Talk to council staff face to face in Harrow town centre, without "
                       "needing to go online. Staff can help you ask for care and support, "
                       "report a problem or book an interpreter. It is close to Harrow-on-the-"
                       "Hill station and many bus routes.",
    },
    {
        "slug": "customer-access-point-station-road",
        "name": "Customer Access Point, Station Road",
        "org": "harrow-council",
        "categories": ["customer_access_point", "digital_inclusion"],
        "access": ["bsl", "video_interpreting"],
        "languages": ["ur", "pl", "pt"],
        "locations": ["cap-station-road"],
        "schedules": [sched(WEEKDAYS, "09:00", "17:00", "Monday to Friday, 9am to 5pm"),
                      sched("SA", "09:00", "13:00", "Saturday, 9am to 1pm")],
        "phones": [("020 7946 0210", "Customer access point")],
        "description": "Face-to-face help with council services in Harrow town centre, for "
                       "anyone who cannot or would rather not use the internet. Staff can "
                       "help you fill in forms and there are computers you can use with "
                       "someone to help.",
    },
    {
        "slug": "healthy-harrow-champions",
        "name": "Healthy Harrow Mental Health and Wellbeing Champions",
        "org": "healthy-harrow",
        "categories": ["mental_health", "community_groups"],
        "access": [],
        "languages": ["gu", "hi", "ta", "ro", "so", "ar", "pl", "ur", "pa"],
        "language_note": "Spoken by some of the volunteer champions.",
        "locations": ["kenton-hall"],
        "schedules": [sched(WEEKDAYS, "10:00", "16:00", "Coordinator available Monday to Friday, "
                            "10am to 4pm"),
                      sched("WE", "18:00", "20:00", "Wellbeing drop-in, Wednesday 6pm to 8pm")],
        "phones": [("020 7946 0220", "Champions coordinator")],
        "description": "50 trained volunteer champions work in local communities to start "
                       "conversations about mental health and wellbeing. They listen and help "
                       "you find the right support. Talk to a champion at community events or "
                       "the Wednesday drop-in.",
    },
    {
        "slug": "finding-rhythms",
        "name": "Finding Rhythms: music and rap course",
        "org": "finding-rhythms",
        "categories": ["mental_health", "community_groups"],
        "access": [],
        "languages": ["so"],
        "locations": ["wealdstone-centre"],
        "schedules": [sched("WE", "17:00", "19:30", "Current 12-week course, Wednesdays 5pm to "
                            "7:30pm (7 October to 23 December 2026)",
                            valid_from="2026-10-07", valid_to="2026-12-23"),
                      sched("WE", "17:00", "19:30", "Next 12-week course, Wednesdays 5pm to "
                            "7:30pm (from 3 February 2027)",
                            valid_from="2027-02-03", valid_to="2027-04-21")],
        "phones": [("020 7946 0230", "Course enquiries")],
        "description": "A free 12-week course for young Black men with mental health needs, "
                       "using music and rap to talk about feelings and understand their "
                       "condition. Groups write and record their own tracks together.",
    },
    {
        "slug": "talking-therapies",
        "name": "NHS Talking Therapies for Harrow",
        "org": "talking-therapies",
        "categories": ["mental_health"],
        "access": ["video_interpreting"],
        "languages": ["ta", "gu", "pl", "ro"],
        "locations": [VIRTUAL],
        "schedules": [sched(WEEKDAYS, "08:00", "20:00", "Monday to Friday, 8am to 8pm"),
                      sched("SA", "09:00", "13:00", "Saturday, 9am to 1pm")],
        "phones": [("020 7946 0240", "Self-referral line")],
        "description": "Free NHS talking therapies for adults with low mood, anxiety, stress "
                       "or worry. You can refer yourself without seeing a GP. Sessions are by "
                       "phone, video or in person.",
    },
    {
        "slug": "samaritans",
        "name": "Samaritans",
        "org": "samaritans",
        "categories": ["mental_health"],
        "access": [],
        "languages": [],
        "locations": [VIRTUAL],
        "schedules": [sched("MO,TU,WE,TH,FR,SA,SU", "00:00", "23:59",
                            "24 hours a day, every day")],
        "phones": [("116 123", "Free to call, day or night")],
        "url": "https://www.samaritans.org",
        "email": "jo@samaritans.org",
        "description": "Samaritans listen to anyone who is finding things hard, day or night, "
                       "without judging. Calls to 116 123 are free.",
        "sample": False,
    },
    {
        "slug": "carers-assessment",
        "name": "Carers' Assessments",
        "org": "harrow-council",
        "categories": ["carers", "care_assessment"],
        "access": ["easy_read"],
        "languages": ["gu", "ta"],
        "locations": [VIRTUAL],
        "schedules": [sched(WEEKDAYS, "09:00", "17:00", "Monday to Friday, 9am to 5pm")],
        "phones": [("020 7946 0260", "Carers' assessments")],
        "description": "If you look after someone without being paid, you can ask the council "
                       "for a carers' assessment. It looks at how caring affects you and what "
                       "support could help, such as breaks or equipment.",
    },
    {
        "slug": "carers-support-hub",
        "name": "Carers Support Hub",
        "org": "carers-hub",
        "categories": ["carers", "mental_health"],
        "access": [],
        "languages": ["gu", "hi", "ur"],
        "locations": ["north-harrow-hall"],
        "schedules": [sched(WEEKDAYS, "09:30", "16:30", "Monday to Friday, 9:30am to 4:30pm"),
                      sched("TH", "18:00", "20:00", "Thursday evening support, 6pm to 8pm")],
        "phones": [("020 7946 0270", "Carers advice line")],
        "description": "Advice, emotional support and short breaks for unpaid carers of any "
                       "age. Staff can help you prepare for a carers' assessment and connect "
                       "you with other carers.",
    },
    {
        "slug": "carers-wellbeing-group",
        "name": "Carers' Wellbeing Group",
        "org": "carers-hub",
        "categories": ["carers", "community_groups"],
        "access": [],
        "languages": ["ta"],
        "locations": ["hatch-end-rooms"],
        "schedules": [sched("1WE", "10:30", "12:30", "First Wednesday of the month, 10:30am to "
                            "12:30pm", freq="MONTHLY")],
        "phones": [("020 7946 0280", "Group organiser")],
        "description": "A monthly get-together for unpaid carers to share experiences and "
                       "take a break over a cup of tea. New carers are welcome.",
    },
    {
        "slug": "adult-safeguarding",
        "name": "Report abuse or neglect of an adult (adult safeguarding)",
        "org": "harrow-council",
        "categories": ["safeguarding"],
        "access": ["easy_read"],
        "languages": ["ro", "gu", "pl"],
        "locations": [VIRTUAL],
        "schedules": [sched(WEEKDAYS, "09:00", "17:00", "Monday to Friday, 9am to 5pm. Out of "
                            "hours, call the emergency duty team.")],
        "phones": [("020 7946 0290", "Adult safeguarding, Monday to Friday"),
                   ("020 7946 0291", "Emergency duty team, evenings and weekends"),
                   ("999", "Emergency: if someone is in immediate danger")],
        "description": "Tell the council if you are worried that an adult is being abused, "
                       "neglected or exploited, including yourself. This is not an emergency "
                       "service: if someone is in immediate danger, call 999. You can report "
                       "by phone or online and can stay anonymous.",
    },
    {
        "slug": "domestic-abuse-advice",
        "name": "Domestic Abuse Advice and Advocacy",
        "org": "domestic-abuse-service",
        "categories": ["safeguarding", "advocacy"],
        "access": [],
        "languages": ["ur", "ar", "pl", "ro"],
        "locations": [VIRTUAL],
        "schedules": [sched(WEEKDAYS, "09:00", "17:00", "Monday to Friday, 9am to 5pm"),
                      sched("SA", "10:00", "14:00", "Saturday, 10am to 2pm")],
        "phones": [("020 7946 0300", "Advice line")],
        "description": "Confidential advice and an independent advocate for adults "
                       "experiencing domestic abuse, to help with safety planning, housing "
                       "and the courts. In an emergency call 999.",
    },
    {
        "slug": "easy-read-requests",
        "name": "Easy read and accessible formats requests",
        "org": "harrow-council",
        "categories": ["accessible_information"],
        "access": ["easy_read", "large_print", "braille", "audio", "bsl"],
        "languages": ["gu", "ta", "ro", "ar", "ur", "pl", "pt", "so"],
        "language_note": "Council information translated on request.",
        "locations": [VIRTUAL],
        "schedules": [sched(WEEKDAYS, "09:00", "17:00", "Monday to Friday, 9am to 5pm")],
        "phones": [("020 7946 0310", "Accessible formats team")],
        "description": "Ask for any adult social care letter, leaflet or form in easy read, "
                       "large print, braille, audio, British Sign Language video or another "
                       "language. Easy read is designed for people with learning disabilities "
                       "and autistic people.",
    },
    {
        "slug": "sight-loss-support",
        "name": "Sight Loss Support and Talking Information",
        "org": "sight-loss-support",
        "categories": ["accessible_information", "digital_inclusion"],
        "access": ["braille", "audio", "large_print"],
        "languages": ["gu"],
        "locations": ["stanmore-rooms"],
        "schedules": [sched("TU,TH", "10:00", "15:00", "Tuesday and Thursday, 10am to 3pm")],
        "phones": [("020 7946 0320", "Helpdesk")],
        "description": "Support for blind and partially sighted people, including braille and "
                       "audio versions of important letters. Volunteers also show you how to "
                       "use screen readers and magnifier apps on phones and tablets.",
    },
    {
        "slug": "library-digital-buddies",
        "name": "Library Digital Buddies",
        "org": "harrow-libraries",
        "categories": ["digital_inclusion"],
        "access": ["large_print"],
        "languages": ["ro", "ta", "gu", "pl"],
        "locations": ["town-centre-library", "pinner-library"],
        "schedules": [sched("WE", "10:00", "12:00", "Wednesday morning, 10am to 12pm (town "
                            "centre)", location="town-centre-library"),
                      sched("WE", "14:00", "16:00", "Wednesday afternoon, 2pm to 4pm (town "
                            "centre)", location="town-centre-library"),
                      sched("SA", "10:00", "12:00", "Saturday, 10am to 12pm (Pinner)",
                            location="pinner-library")],
        "phones": [("020 7946 0330", "Library enquiries")],
        "description": "Free one-to-one help from volunteer digital buddies to use a computer, "
                       "phone or tablet, get online, send emails and fill in forms on the "
                       "internet. Bring your own device or use a library computer.",
    },
    {
        "slug": "tablet-lending-pilot",
        "name": "Tablet and data lending pilot",
        "org": "get-online-harrow",
        "categories": ["digital_inclusion"],
        "access": [],
        "languages": ["ar", "fa", "so"],
        "locations": ["kenton-hall"],
        "schedules": [sched("MO,WE,FR", "10:00", "16:00", "Pilot: Monday, Wednesday and Friday, "
                            "10am to 4pm, until 29 January 2027",
                            valid_from="2026-04-01", valid_to="2027-01-29")],
        "phones": [("020 7946 0340", "Pilot enquiries")],
        "description": "A time-limited pilot lending free tablets with mobile data to adults "
                       "who are not online, with short lessons to get started. The pilot ends "
                       "in January 2027.",
    },
    {
        "slug": "learning-disability-employment",
        "name": "Supported Employment for People with Learning Disabilities",
        "org": "supported-employment",
        "categories": ["employment_support", "accessible_information"],
        "access": ["easy_read"],
        "languages": [],
        "locations": ["greenhill-offices"],
        "schedules": [sched(WEEKDAYS, "09:00", "17:00", "Monday to Friday, 9am to 5pm")],
        "phones": [("020 7946 0350", "Employment team")],
        "description": "Job coaches help adults with learning disabilities and autistic people "
                       "find paid work, training or volunteering, and support them once they "
                       "start. All information is available in easy read.",
    },
    {
        "slug": "work-and-wellbeing",
        "name": "Work and Wellbeing Employment Advice",
        "org": "work-and-wellbeing",
        "categories": ["employment_support", "mental_health"],
        "access": [],
        "languages": ["pt", "pl"],
        "locations": ["south-harrow-centre"],
        "schedules": [sched("MO,TU,WE,TH", "09:30", "16:30",
                            "Monday to Thursday, 9:30am to 4:30pm")],
        "phones": [("020 7946 0360", "Employment advice")],
        "description": "Employment advisers help disabled people and people with mental health "
                       "conditions find and keep a job. They can also talk to employers about "
                       "changes at work.",
    },
    {
        "slug": "volunteering-hub",
        "name": "Volunteering Hub",
        "org": "volunteering-hub",
        "categories": ["employment_support", "community_groups"],
        "access": ["easy_read"],
        "languages": ["ro", "pl", "ta"],
        "locations": ["wealdstone-centre"],
        "schedules": [sched(WEEKDAYS, "10:00", "16:00", "Monday to Friday, 10am to 4pm")],
        "phones": [("020 7946 0370", "Volunteering enquiries")],
        "description": "Find volunteering with local charities and community groups to build "
                       "skills and confidence for work. Support is available for disabled "
                       "volunteers.",
    },
    {
        "slug": "asian-womens-resource-centre",
        "name": "Asian Women's Resource Centre",
        "org": "awrc",
        "categories": ["community_groups", "safeguarding", "mental_health"],
        "access": [],
        "languages": ["gu", "hi", "ur", "pa", "bn", "ta"],
        "locations": ["greenhill-offices"],
        "schedules": [sched(WEEKDAYS, "10:00", "16:00", "Monday to Friday, 10am to 4pm")],
        "phones": [("020 7946 0380", "Advice line")],
        "description": "Advice, wellbeing support and a safe space for Asian women and their "
                       "families, including support for women affected by domestic abuse. "
                       "Staff speak Gujarati, Hindi, Urdu, Punjabi, Bengali and Tamil.",
    },
    {
        "slug": "romanian-community-network",
        "name": "Harrow Romanian Community Network (sample)",
        "org": "romanian-network",
        "categories": ["community_groups", "digital_inclusion"],
        "access": [],
        "languages": ["ro"],
        "locations": ["wealdstone-centre"],
        "schedules": [sched("SA", "10:00", "14:00", "Saturday, 10am to 2pm"),
                      sched("SU", "14:00", "17:00", "Sunday, 2pm to 5pm")],
        "phones": [("020 7946 0390", "Community helpline")],
        "description": "A community group for Romanian residents, offering advice in Romanian "
                       "about settled status, work, health and care. Volunteers help with "
                       "online forms.",
    },
    {
        "slug": "tamil-elders-association",
        "name": "Harrow Tamil Elders' Association (sample)",
        "org": "tamil-elders",
        "categories": ["community_groups", "carers"],
        "access": [],
        "languages": ["ta"],
        "locations": ["north-harrow-hall"],
        "schedules": [sched("MO,TH", "10:00", "13:00", "Monday and Thursday, 10am to 1pm")],
        "phones": [("020 7946 0400", "Association secretary")],
        "description": "Social mornings, exercise and advice in Tamil for older people, and "
                       "support for the families who care for them. Volunteers can help members "
                       "ask the council for care and support.",
    },
    {
        "slug": "somali-families-group",
        "name": "Harrow Somali Families Group (sample)",
        "org": "somali-families",
        "categories": ["community_groups", "interpreting"],
        "access": [],
        "languages": ["so", "ar"],
        "locations": ["harrow-weald-hall"],
        "schedules": [sched("SA", "11:00", "15:00", "Saturday, 11am to 3pm")],
        "phones": [("020 7946 0410", "Family support")],
        "description": "A community group for Somali families, with advice sessions and "
                       "volunteers who can help in Somali at appointments with the council "
                       "or GP. Women's and elders' groups meet on the same day.",
    },
    {
        "slug": "polish-community-club",
        "name": "Harrow Polish Community Club (sample)",
        "org": "polish-club",
        "categories": ["community_groups", "employment_support"],
        "access": [],
        "languages": ["pl"],
        "locations": ["stanmore-rooms"],
        "schedules": [sched("FR", "17:00", "20:00", "Friday, 5pm to 8pm"),
                      sched("SA", "10:00", "13:00", "Saturday, 10am to 1pm")],
        "phones": [("020 7946 0420", "Club enquiries")],
        "description": "A social club for Polish residents with advice in Polish on work, "
                       "benefits and CVs, and friendly activities for older members. Everyone "
                       "is welcome, whatever their age.",
    },
    {
        "slug": "gujarati-seniors-centre",
        "name": "Harrow Gujarati Seniors' Centre (sample)",
        "org": "gujarati-seniors",
        "categories": ["community_groups", "carers"],
        "access": ["large_print"],
        "languages": ["gu", "hi"],
        "locations": ["camrose-centre"],
        "schedules": [sched("TU,WE,TH", "10:00", "15:00",
                            "Tuesday to Thursday, 10am to 3pm")],
        "phones": [("020 7946 0430", "Centre office")],
        "description": "A day centre for older Gujarati-speaking people, with lunch, gentle "
                       "exercise and advice in Gujarati. Family carers can get information "
                       "and a break.",
    },
    {
        "slug": "care-needs-assessment",
        "name": "Ask for care and support (adult social care front door)",
        "org": "harrow-council",
        "categories": ["care_assessment", "customer_access_point"],
        "access": ["easy_read", "video_interpreting"],
        "languages": ["gu", "ro", "ta", "ar"],
        "language_note": "With an interpreter from the council's on-demand service.",
        "locations": [VIRTUAL],
        "schedules": [sched(WEEKDAYS, "09:00", "17:00", "Phone lines Monday to Friday, 9am to "
                            "5pm; the online form is open any time")],
        "phones": [("020 7946 0440", "Adult social care front door")],
        "description": "Ask the council for help with daily living, such as washing, dressing "
                       "or getting about, for yourself or someone else. This starts a free "
                       "Care Act needs assessment. You can call, fill in the online form, or "
                       "ask at a customer access point.",
    },
    {
        "slug": "occupational-therapy-equipment",
        "name": "Occupational Therapy and Equipment Assessments",
        "org": "harrow-council",
        "categories": ["care_assessment"],
        "access": ["easy_read"],
        "languages": [],
        "locations": [VIRTUAL],
        "schedules": [sched(WEEKDAYS, "09:00", "17:00", "Monday to Friday, 9am to 5pm")],
        "phones": [("020 7946 0450", "Occupational therapy")],
        "description": "An occupational therapist can assess you at home for equipment or "
                       "changes, such as grab rails, a stair lift or a level-access shower, "
                       "to help you stay independent. Ask for a visit through the adult social "
                       "care front door.",
    },
    {
        "slug": "transitions-team",
        "name": "Preparing for Adulthood (transitions team)",
        "org": "harrow-council",
        "categories": ["care_assessment", "employment_support"],
        "access": ["easy_read", "video_interpreting"],
        "languages": ["gu", "ar"],
        "locations": [VIRTUAL],
        "schedules": [sched(WEEKDAYS, "09:00", "17:00", "Monday to Friday, 9am to 5pm")],
        "phones": [("020 7946 0460", "Transitions team")],
        "description": "Helps young disabled people aged 14 to 25 and their families plan the "
                       "move from children's to adult services, including a Care Act "
                       "assessment, education and work. Staff can meet first by video and "
                       "at your own pace.",
    },
]


def taxonomy_attribute(service_slug: str, taxonomy: str, code: str, label: str,
                       description: str, esd: int | None = None) -> dict[str, Any]:
    """An attribute linking the service to a shared taxonomy term."""
    term: dict[str, Any] = {
        "id": make_id("taxonomy_term", f"{taxonomy}/{code}"),
        "name": label,
        "description": description,
        "taxonomy": taxonomy,
        "taxonomy_id": make_id("taxonomy", taxonomy),
        "term": code,
    }
    if esd is not None:
        term["term_uri"] = f"https://id.esd.org.uk/service/{esd}"
    link_type = {NEED_TAXONOMY: "need_category", ACCESS_TAXONOMY: "access_feature",
                 DATA_STATUS_TAXONOMY: "data_status"}[taxonomy]
    return {"id": make_id("attribute", f"{service_slug}/{taxonomy}/{code}"),
            "link_type": link_type, "taxonomy_term": term}


def build_attributes(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Need categories first (primary first), then access features, then data status."""
    slug = spec["slug"]
    attributes = []
    for code in spec["categories"]:
        label, description, esd = CATEGORIES[code]
        attributes.append(taxonomy_attribute(slug, NEED_TAXONOMY, code, label, description, esd))
    for code in spec["access"]:
        label, description = ACCESS_FEATURES[code]
        attributes.append(taxonomy_attribute(slug, ACCESS_TAXONOMY, code, label, description))
    if spec.get("sample", True):
        attributes.append(taxonomy_attribute(
            slug, DATA_STATUS_TAXONOMY, SAMPLE_DATA_TERM, "Sample data",
            "Demonstration record: contact details are not real."))
    return attributes


def build_location(key: str) -> dict[str, Any]:
    """A shared location (same id wherever it is used)."""
    if key == VIRTUAL:
        return {"id": make_id("location", key), "location_type": "virtual",
                "name": "By phone, video or online",
                "description": "No building to visit: contact by phone, video call, email or "
                               "online form."}
    loc = LOCATIONS[key]
    return {
        "id": make_id("location", key),
        "location_type": "physical",
        "name": loc["name"],
        "latitude": loc["lat"],
        "longitude": loc["lon"],
        "addresses": [{
            "id": make_id("address", key),
            "address_1": loc["address_1"],
            "city": loc["city"],
            "region": "Greater London",
            "state_province": "London",
            "postal_code": loc["postal_code"],
            "country": "GB",
            "address_type": "physical",
        }],
        "accessibility": [
            {"id": make_id("accessibility", f"{key}/{description}"),
             "description": description, "details": details}
            for description, details in loc["access"]
        ],
    }


def build_schedule(slug: str, index: int, block: dict[str, Any]) -> dict[str, Any]:
    freq = block.get("freq", "WEEKLY")
    schedule: dict[str, Any] = {"id": make_id("schedule", f"{slug}/{index}"), "freq": freq}
    schedule["byday"] = block["days"]
    schedule["opens_at"] = block["opens"]
    schedule["closes_at"] = block["closes"]
    for field in ("valid_from", "valid_to"):
        if field in block:
            schedule[field] = block[field]
    if "location" in block:
        schedule["service_at_location_id"] = make_id("service_at_location",
                                                     f"{slug}/{block['location']}")
    schedule["description"] = block["text"]
    return schedule


def build_service(spec: dict[str, Any]) -> dict[str, Any]:
    slug = spec["slug"]
    org = ORGANIZATIONS[spec["org"]]
    org_id = make_id("organization", spec["org"])
    sample = spec.get("sample", True)
    service: dict[str, Any] = {
        "id": make_id("service", slug),
        "organization_id": org_id,
        "name": spec["name"],
        "description": spec["description"],
        "url": spec.get("url", f"https://www.example.org/harrow-support/{slug}"),
        "email": spec.get("email", f"{slug}@example.org"),
        "status": "active",
    }
    if sample:
        service["alert"] = " ".join([SAMPLE_ALERT, spec.get("alert_extra", "")]).strip()
    service["last_modified"] = LAST_MODIFIED
    service["organization"] = {"id": org_id, **org}
    service["phones"] = [
        {"id": make_id("phone", f"{slug}/{number}"), "number": number, "description": text}
        for number, text in spec["phones"]
    ]
    service["schedules"] = [build_schedule(slug, i, block)
                            for i, block in enumerate(spec["schedules"])]
    service["languages"] = build_languages(spec)
    service["service_at_locations"] = [
        {"id": make_id("service_at_location", f"{slug}/{key}"), "location": build_location(key)}
        for key in spec["locations"]
    ]
    service["attributes"] = build_attributes(spec)
    return service


def build_languages(spec: dict[str, Any]) -> list[dict[str, Any]]:
    languages = []
    for code in ["en", *spec["languages"]]:
        language = {"id": make_id("language", f"{spec['slug']}/{code}"),
                    "name": LANGUAGE_NAMES[code], "code": code}
        if code != "en" and spec.get("language_note"):
            language["note"] = spec["language_note"]
        languages.append(language)
    return languages


def build_directory() -> dict[str, Any]:
    services = [build_service(spec) for spec in SERVICES]
    return {
        "total_items": len(services), "total_pages": 1, "page_number": 1,
        "size": len(services), "first_page": True, "last_page": True, "empty": not services,
        "contents": services,
    }


def main() -> None:
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(build_directory(), indent=2, ensure_ascii=False) + "\n"
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {len(SERVICES)} services to {OUTPUT}")


if __name__ == "__main__":
    main()
