"""Scenario files (TOML) for the criteria engine, and the builder that turns them into tables."""
