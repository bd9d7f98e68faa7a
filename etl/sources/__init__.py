"""Readers for the official publishers' files (Statbel, ...)."""
