"""Offline preview: the real program under Pulumi's mock engine, and the review built from it."""
