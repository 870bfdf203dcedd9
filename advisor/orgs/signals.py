"""What the organisations app tells the apps above it.

Organisations sit below reports, so ``orgs`` never imports ``reports``: when a member goes,
it sends ``member_removed`` and the reports app revokes that member's share links in its
receiver (``advisor/reports/receivers.py``).
"""

from __future__ import annotations

from django.dispatch import Signal

# Sent with ``org`` and ``user`` after a membership is deleted, inside its transaction.
# A receiver returns ``(what, count)``, e.g. ``("share link", 2)``, for the page's message.
member_removed = Signal()
