"""The Library's actions on a selection of many images (issue 18): favourite, rating,
tags, move to a project and delete, on the gallery's one writer thread with progress,
Cancel and one Undo for the whole action.

Modules: ``selection`` (what the selection means: the rows picked, or with Select all
every image matching the filters, straight from the index), ``progress`` (the strip
with the bar and Cancel), ``runner`` (runs a core bulk action and its undo, updating the
gallery's rows batch by batch), ``menu`` (the actions and menus on the selection). The
work itself is the core's (``core/library/bulk``), shared with the command line.
"""
