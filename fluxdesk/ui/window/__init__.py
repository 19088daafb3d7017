"""The main window's parts: its first-frame layout, start-up (the deferred build), actions
and menus, the job-status presenter and the file actions (``ui/main_window.py`` puts
them together)."""
