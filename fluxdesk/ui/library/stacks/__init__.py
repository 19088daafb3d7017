"""Stacks in the gallery: the images of one job (a batch, a sweep) as one tile.

``state`` knows which loaded images are stacked under which leader (no Qt); the gallery
model asks it what to show. ``tile`` paints the stacked look and the count badge;
``control`` holds the actions (expand, collapse, all of them), the badge's click and the
details panel's "Stack of N images" line.
"""
