"""Scheduling: parsing people's schedules and running the long-lived service."""
