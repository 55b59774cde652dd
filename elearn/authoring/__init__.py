"""Trainers' side of courses: import, edit, publish, export."""
