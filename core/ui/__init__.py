"""Shared pieces of the staff UI."""
