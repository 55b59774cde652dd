"""Access rules for administration routes."""

RULES = {
    endpoint: ("admin",)
    for endpoint in (
        "admin.organizations",
        "admin.new_organization",
        "admin.organization",
        "admin.rotate_invite_code",
        "admin.new_social_point",
        "admin.social_point",
        "admin.delete_social_point",
        "admin.users",
        "admin.new_user",
        "admin.user",
        "admin.reset_second_factor",
        "admin.audit_log",
    )
}
