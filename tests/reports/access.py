"""Access rules for learning reports: welfare managers only."""

RULES = {
    endpoint: ("manager",)
    for endpoint in (
        "reports.dashboard",
        "reports.active_chart",
        "reports.courses_chart",
        "reports.export",
        "reports.learners",
        "reports.learner",
    )
}


def sample_values(app, people, values):
    values.update(table="courses", learner_id=people["worker"])
