"""Chat adapters: the only place platform code lives."""
