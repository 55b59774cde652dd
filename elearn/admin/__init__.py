"""Administration: organizations, Social points, users and roles."""
