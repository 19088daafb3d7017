"""Generating: the HTTP client for the API and the CDN (with its retries, deadlines and
the reading of answers), the check of downloaded images, and the pipeline from a request
to saved, indexed files."""
