"""Access rules for the course editor: trainers and admins only."""

RULES = {
    endpoint: ("trainer", "admin")
    for endpoint in (
        "authoring.index",
        "authoring.new_course",
        "authoring.import_zip",
        "authoring.course",
        "authoring.new_module",
        "authoring.publish",
        "authoring.module",
        "authoring.preview",
        "authoring.history",
        "authoring.restore",
        "authoring.export_zip",
        "authoring.upload_media",
        "authoring.statistics",
    )
}
