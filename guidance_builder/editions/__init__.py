"""Editions: published editions frozen in editions/<version>/, the structured diff between
editions, and the site that lists them all."""
