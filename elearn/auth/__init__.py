"""Accounts: registration with an invite code, login, logout, password reset."""
