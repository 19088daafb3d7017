"""Bulk actions on many library images at once (issue 18): one change (favourite,
rating, tags, project) or a delete to the trash, image by image, cancellable, reporting
progress, and returning what an Undo needs to put it all back.

Modules: ``review`` (what a change does to an image), ``files`` (an image's file edited
atomically, shared with ``Library.update_review``), ``journal`` (what makes a bulk action
killed half way leave index and files agreeing), ``apply`` (the review changes and their
undo), ``delete`` (to the trash, and back). The command line's ``library set`` and
``library delete`` and the window's selection actions all run these.
"""
