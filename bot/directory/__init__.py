"""The directory of support services: ORUK 3.0 models, import/export, search and opening hours.

Public entry points (see DESIGN.md, "Directory data"):

- ``bot.directory.db``: ``database_url``, ``session_factory``, ``upgrade``, ``ensure_database``
- ``bot.directory.importer``: ``import_path``, ``import_payload``
- ``bot.directory.exporter``: ``export_services``
- ``bot.directory.search``: ``ServiceQuery``, ``find_services``, ``get_service``
- ``bot.directory.geo``: ``resolve_place``, ``haversine_km``
- ``bot.directory.hours``: ``is_open``, ``describe_hours``
"""
