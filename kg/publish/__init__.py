"""Publish stage: the exports as linked data (``kg serve``, ``kg publish``).

``store`` reads exports once and answers bounded lookups; ``negotiation`` chooses a
representation from ``Accept``; ``documents`` writes a resource's RDF; ``views``,
``pages``, ``browse`` and ``render`` make its HTML; ``server`` is the ASGI application
with its SPARQL endpoint (``sparql``); ``site`` writes the static site and ``webconf``
its nginx and Apache configurations.
"""
