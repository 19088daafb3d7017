"""Persistent generation jobs: never lose a paid image, never pay twice.

Every generation is a row in ``jobs.sqlite3`` in the data folder, written before its
request is sent and updated at each step (``model.JobState``). A job the API accepted keeps
its image URLs, so what did not download can be fetched later without a second
generation request; the images the API billed are counted for the usage report and the
daily cap.
"""
