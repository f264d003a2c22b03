"""Stories: which articles report the same event, decided once per article at ingest."""
