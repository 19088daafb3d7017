"""How FluxDesk reaches the API on designers' networks.

- ``config``: the network settings (proxy mode and address, extra CA file) and their rules;
- ``trust``: TLS through the OS trust store (``truststore``), plus the extra CA file;
- ``certinfo``: names read from a certificate (who issued it), without extra libraries;
- ``proxy``: which proxy a URL goes through, and a raw tunnel for the checks;
- ``classify``: a failed request's exception → the typed error naming its cause;
- ``diagnose``: ``fluxdesk doctor`` and the window's "Test connection".

Nothing here is imported when the window opens: the client imports it when it is built.
"""
