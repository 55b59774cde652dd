"""Nudges: e-mails that bring people back to an unfinished course or an overdue pathway step."""
