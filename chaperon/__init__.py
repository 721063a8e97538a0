"""Chaperon: safeguarding for online work with children and adults at risk."""
