"""Presets in the window: the Presets menu next to Generate (and in the Generation
menu), the dialog that saves the form or a library image as a preset, and import,
export and delete. The presets themselves, their rules and their files are
:mod:`fluxdesk.core.presets`; nothing here is imported before the first frame."""
