"""Fuzz test (hypothesis) of the directory search parameters: any category, language,
place, access codes, open-now and limit give results or the documented UnknownFilter /
UnknownPlace, on SQLite and PostgreSQL."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.directory.search import ServiceQuery, UnknownFilter, UnknownPlace, find_services

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80)

SEARCH_TEXT = TEXT | st.sampled_from(["HA1", "HA1 2AB", "Pinner", "Tamil", "ro", "", "%",
                                      "'; --", "ha3 ", "Wealdstone"])


@settings(max_examples=120, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(category=st.none() | SEARCH_TEXT | st.sampled_from(["carers", "advocacy"]),
       language=st.none() | SEARCH_TEXT, near=st.none() | SEARCH_TEXT,
       access=st.lists(SEARCH_TEXT | st.sampled_from(["wheelchair", "bsl"]), max_size=3),
       open_now=st.booleans(), limit=st.integers(min_value=-5, max_value=500))
def test_directory_search_takes_any_parameters(directory, category, language, near,
                                               access, open_now, limit):
    query = ServiceQuery(category=category, language=language, access=tuple(access),
                         near=near, open_now=open_now, limit=limit)
    try:
        result = find_services(directory, query)
    except (UnknownFilter, UnknownPlace):
        return
    assert result.total >= len(result.services)
    assert len(result.services) <= max(limit, 0)
