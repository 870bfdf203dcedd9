"""JSON API (django-ninja) over the knowledge base and the engine."""
