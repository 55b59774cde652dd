"""Learners' side of courses: catalogue, modules, quizzes, progress."""
