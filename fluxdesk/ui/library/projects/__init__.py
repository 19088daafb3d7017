"""Projects in the window (issue 18): the active project, the Library's project list,
moving images between projects (menu, drag onto the list). The rules live in
``fluxdesk.core.library.projects``; these modules are thin Qt over them."""
